"""Unit tests of the coursework converter (book/_ext/assignments.py) on fixture notebooks.

The fixtures (tests/fixtures/notebooks, written by tests/fixtures/make_fixtures.py)
are a well-formed small chapter and one notebook per malformation the
converter must refuse. Nothing here needs the built site; nbgrader itself only
runs in the two build_course tests (its generate_assignment, on a scratch folder).
"""

from __future__ import annotations

import copy
import json
import re

import nbformat
import pytest

from tests.test_wrong_answers import FIXTURES, ROOT, assignments

NOTEBOOKS = FIXTURES / "notebooks"
SQUARES = NOTEBOOKS / "squares.ipynb"


@pytest.fixture
def squares():
    return nbformat.read(SQUARES, as_version=4)


def source_of(nb):
    found = assignments.scan(nb, "squares.ipynb")
    return found, assignments.to_source(nb, found, {"rumelhart1986learning": "Rumelhart et al., 1986"})


def test_scan_reads_exercises_grade_ids_and_points(squares):
    found = assignments.scan(squares, "squares.ipynb")
    assert [ex.label for ex in found.exercises] == [
        "squares-ex-derivative", "squares-ex-square", "squares-ex-why"]
    assert [ex.kind for ex in found.exercises] == ["derive", "implement", "experiment"]
    derivative, square, why = found.exercises
    assert [(g.grade_id, g.points, g.hidden) for g in derivative.graded] == [
        ("squares-ex-derivative-check-1", 1, False), ("squares-ex-derivative-hidden-1", 2, True)]
    assert [g.grade_id for g in square.graded] == [
        "squares-ex-square-check-1", "squares-ex-square-hidden-1"]
    assert (derivative.points, square.points, why.points, found.points) == (3, 3, 0, 6)
    assert derivative.written_solution and why.written_solution and not square.written_solution
    assert not why.asks_for_code and found.untagged == []


def test_source_notebook_wraps_solutions_and_hidden_tests(squares):
    _, source = source_of(squares)
    by_id = {c.metadata["nbgrader"]["grade_id"]: c for c in source.cells if "nbgrader" in c.metadata}
    assert set(by_id) == {
        "squares-ex-derivative-solution-1", "squares-ex-derivative-check-1",
        "squares-ex-derivative-hidden-1", "squares-ex-square-solution-1",
        "squares-ex-square-check-1", "squares-ex-square-hidden-1"}
    solution = by_id["squares-ex-derivative-solution-1"]
    assert solution.source.splitlines() == [
        "### BEGIN SOLUTION", "cube_grad = sp.diff(x**3, x)  # reference derivative",
        "### END SOLUTION"]
    assert solution.metadata["nbgrader"] == {
        "grade": False, "grade_id": "squares-ex-derivative-solution-1", "locked": False,
        "schema_version": 3, "solution": True, "task": False}
    hidden = by_id["squares-ex-square-hidden-1"]
    assert hidden.source.startswith("### BEGIN HIDDEN TESTS\n")
    assert hidden.source.endswith("\n### END HIDDEN TESTS")
    assert hidden.metadata["nbgrader"] == {
        "grade": True, "grade_id": "squares-ex-square-hidden-1", "locked": True, "points": 1,
        "schema_version": 3, "solution": False, "task": False}
    check = by_id["squares-ex-derivative-check-1"]
    assert check.metadata["nbgrader"]["points"] == 1 and check.metadata["nbgrader"]["locked"]
    assert "### BEGIN" not in check.source
    # The conversion tags are gone; nbgrader's metadata replaces them.
    assert all("tags" not in c.metadata for c in source.cells)


def test_written_solutions_are_replaced_by_answer_cells(squares):
    _, source = source_of(squares)
    text = json.dumps(source, ensure_ascii=False)
    assert "SECRET_WRITTEN" not in text
    markdown = [c.source for c in source.cells if c.cell_type == "markdown"]
    assert markdown.count(assignments.ANSWER_PROMPT) == 2  # derivation and "why"
    # The answer cell follows its exercise; the summary after the last gate stays.
    why = next(i for i, s in enumerate(markdown) if "为什么平方不是线性的" in s)
    assert markdown[why + 1] == assignments.ANSWER_PROMPT
    assert markdown[why + 2].startswith("## 小结")


def test_myst_markup_is_simplified_for_plain_jupyter(squares):
    _, source = source_of(squares)
    markdown = "\n".join(c.source for c in source.cells if c.cell_type == "markdown")
    assert not re.search(r"\{[\w:-]+\}`", markdown), "a MyST role is left"
    assert not re.search(r"^(`{3,}|:{3,})\{", markdown, re.M), "a MyST directive is left"
    assert ":label:" not in markdown and ":class:" not in markdown
    assert "**练习 · 推导：立方的导数**" in markdown
    assert "（Rumelhart et al., 1986）" in markdown
    assert "网格有 `n_points` 个点" in markdown


def test_plain_markdown_roles():
    cites = {"a2020": "A et al., 2020", "b2019": "B, 2019"}
    assert assignments.plain_markdown("见 {cite:p}`a2020,b2019`", cites) == \
        "见 （A et al., 2020; B, 2019）"
    assert assignments.plain_markdown("{cite:t}`b2019` 指出", cites) == "B, 2019 指出"
    assert assignments.plain_markdown('误差 {eval}`f"{glued.err:.2f}"` ULP', cites) == "误差 `err` ULP"
    assert assignments.plain_markdown("在 {eval}`glued.x0` 处", cites) == "在 `x0` 处"
    assert assignments.plain_markdown("见{ref}`第 3 节 <sec-x>`", cites) == "见第 3 节"
    assert assignments.plain_markdown("{doc}`api`", cites) == "`api`"


def test_citations_come_from_the_books_bibliography():
    citations = assignments.load_citations()
    assert citations["rumelhart1986learning"] == "Rumelhart et al., 1986"


@pytest.mark.parametrize("name, message", [
    ("bad-solution-outside-gate", r"cell 2 \(id \w+\): cell tagged 'solution' outside"),
    ("bad-check-without-points", r"cell 6 \(id \w+\): 'check' cell without a points tag"),
    ("bad-duplicate-grade-id", r"cell 8 \(id \w+\): duplicate grade id"),
])
def test_malformed_notebooks_are_refused_naming_notebook_and_cell(name, message):
    path = NOTEBOOKS / f"{name}.ipynb"
    with pytest.raises(assignments.ConversionError) as error:
        assignments.convert_notebook(path)
    assert str(error.value).startswith(f"tests/fixtures/notebooks/{name}.ipynb, ")
    assert re.search(message, str(error.value)), str(error.value)


def _mutated(squares, index, source=None, tags=None, cell_type=None):
    nb = copy.deepcopy(squares)
    cell = nb.cells[index]
    if cell_type == "code":
        cell = nbformat.v4.new_code_cell(source)
        nb.cells[index] = cell
    if source is not None:
        cell.source = source
    if tags is not None:
        cell.metadata["tags"] = tags
    return nb


@pytest.mark.parametrize("index, change, message", [
    (7, {"tags": ["hidden-check", "points-2"]}, "without 'remove-cell'"),
    (6, {"tags": ["check", "points-0"]}, "greater than 0"),
    (6, {"tags": ["check", "points-two"]}, "greater than 0"),
    (6, {"tags": ["check", "points-1", "points-2"]}, "more than one points tag"),
    (6, {"tags": ["check", "hidden-check", "points-1", "remove-cell"]}, "not both"),
    (1, {"tags": ["points-1"]}, "neither 'check' nor 'hidden-check'"),
    (4, {"tags": []}, "not tagged 'solution'"),
    (1, {"tags": ["check", "points-1"]}, "before the solution gate"),
    (3, {"source": "```{exercise} 推导\n:label: bad label\n\ntext\n```"}, "valid ':label:'"),
])
def test_other_malformations_are_refused(squares, index, change, message):
    nb = _mutated(squares, index, **change)
    with pytest.raises(assignments.ConversionError, match=re.escape(message)):
        assignments.scan(nb, "squares.ipynb")


def test_unclosed_gate_is_refused(squares):
    nb = copy.deepcopy(squares)
    del nb.cells[14:]  # the last gate's solution-end and what follows
    with pytest.raises(assignments.ConversionError,
                       match=r"cell 13 .*gate of 'squares-ex-why' is never closed"):
        assignments.scan(nb, "squares.ipynb")


def test_gate_for_another_exercise_is_refused(squares):
    nb = copy.deepcopy(squares)
    nb.cells[3].source = nb.cells[3].source.replace(
        "{solution-start} squares-ex-derivative", "{solution-start} squares-ex-square")
    with pytest.raises(assignments.ConversionError, match="follows exercise"):
        assignments.scan(nb, "squares.ipynb")


def test_failed_build_leaves_the_course_folder_untouched(tmp_path, capsys):
    course = tmp_path / "assignments"
    course.mkdir()
    (course / "keep.txt").write_text("an instructor's file")
    good, bad = SQUARES, NOTEBOOKS / "bad-check-without-points.ipynb"
    status = assignments.main([str(good), str(bad), "--course", str(course), "--strict"])
    assert status == 1
    err = capsys.readouterr().err
    assert "bad-check-without-points.ipynb, cell 6" in err
    assert sorted(p.name for p in course.iterdir()) == ["keep.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["assignments"]  # no temp folder left


def test_build_writes_the_course_and_keeps_submissions(tmp_path):
    course = tmp_path / "assignments"
    scans = assignments.build_course([SQUARES], course, log=lambda message: None)
    assert scans["squares"].points == 6
    for part in ("nbgrader_config.py", "gradebook.db", "source/squares/squares.ipynb",
                 "release/squares/squares.ipynb"):
        assert (course / part).is_file(), part
    config = (course / "nbgrader_config.py").read_text(encoding="utf-8")
    assert f"c.Execute.timeout = {assignments.CELL_TIMEOUT_S}" in config
    assert "在此填写你的代码" in config
    release = nbformat.read(course / "release/squares/squares.ipynb", as_version=4)
    stubs = [c.source for c in release.cells if c.metadata.get("nbgrader", {}).get("solution")]
    assert stubs == [assignments.CODE_STUB] * 2
    # A rebuild replaces source/ and release/ but never a collected submission.
    submitted = course / "submitted" / "alice" / "squares" / "squares.ipynb"
    submitted.parent.mkdir(parents=True)
    submitted.write_text("{}")
    assignments.build_course([SQUARES], course, log=lambda message: None)
    assert submitted.read_text() == "{}"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["assignments"]


def test_untagged_chapters_are_skipped_not_half_converted(tmp_path, capsys):
    nb = nbformat.read(SQUARES, as_version=4)
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        cell.metadata["tags"] = [t for t in tags if not t.startswith("points-")]
    untagged = tmp_path / "untagged.ipynb"
    nbformat.write(nb, untagged)
    assert assignments.main([str(untagged), "--course", str(tmp_path / "course")]) == 0
    assert "skipped (no points tags yet)" in capsys.readouterr().out
    assert not (tmp_path / "course").exists()


def test_book_notebooks_lists_the_chapters_with_exercises():
    names = {path.stem for path in assignments.book_notebooks()}
    assert {"sigmoid", "gradient-flow", "summary"} <= names
    assert all(path.is_relative_to(ROOT / "book") for path in assignments.book_notebooks())


@pytest.mark.parametrize("source, expected", [
    ("checks.check_close(a, 1.0)", "checks.check_close(a, 1.0);"),
    ("f(1,\n  name='σ')  # note", "f(1,\n  name='σ');  # note"),
    ("x = f(1)", "x = f(1)"),
    ("f(1)\nassert ok", "f(1)\nassert ok"),
    ("%timeit f(1)", "%timeit f(1)"),
])
def test_checks_display_no_value_nbgrader_could_read_as_a_score(source, expected):
    assert assignments.quiet(source) == expected


def test_source_checks_are_quiet(squares):
    _, source = source_of(squares)
    check = next(c for c in source.cells
                 if c.metadata.get("nbgrader", {}).get("grade_id") == "squares-ex-square-check-1")
    assert check.source.endswith('name="square");')
