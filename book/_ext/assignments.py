r"""Turn the book's chapter notebooks into an nbgrader course (``make assignments``).

The book marks its exercises with cell tags only (README, "Authoring
conventions" > "Coursework tags"):

* an exercise is a sphinx-exercise directive ``{exercise}`` with
  ``:label: <slug>-ex-<name>``, followed by a *gate*: a markdown fence
  ``{solution-start} <label>`` (``:class: dropdown``), the written solution and
  the code cells of the solution, then a fence ``{solution-end}``;
* a code cell of a solution is tagged ``solution`` (and only appears in a gate);
* a visible autograded check is tagged ``check`` and ``points-N`` (N > 0) and
  comes after the gate of its exercise;
* a hidden test is tagged ``hidden-check``, ``points-N`` and ``remove-cell``
  (the site hides it, the build still executes it).

:func:`scan` reads those tags into :class:`Exercise` records and refuses a
malformed notebook with a :class:`ConversionError` that names the notebook and
the cell. :func:`to_source` writes the nbgrader *source* notebook (nbgrader
cell metadata, schema 3): solution code between ``### BEGIN SOLUTION`` and
``### END SOLUTION``, hidden tests between ``### BEGIN HIDDEN TESTS`` and
``### END HIDDEN TESTS``, the written solutions replaced by an empty answer
cell, and the MyST markup that plain Jupyter cannot render simplified.
:func:`build_course` then runs nbgrader's own ``generate_assignment`` on every
source notebook, in a temporary folder, and moves the result into place only
when every notebook succeeded::

    assignments/nbgrader_config.py
    assignments/source/<slug>/<slug>.ipynb
    assignments/release/<slug>/<slug>.ipynb

Run it as ``python book/_ext/assignments.py`` (what ``make assignments``
does); ``--help`` lists the options.
"""

from __future__ import annotations

import argparse
import copy
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import nbformat

from activations.prose import glued_names

# Its sibling lab_citations is importable however this file is loaded (as a
# script, a Sphinx extension, or by path from the tests).
sys.path.insert(0, str(Path(__file__).resolve().parent))
from lab_citations import LINK as CITATION_LINK  # noqa: E402
from lab_citations import citation_text, load_citations  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
BOOK = ROOT / "book"
DEFAULT_COURSE = ROOT / "assignments"

# --- The tag convention -----------------------------------------------------
TAG_SOLUTION = "solution"
TAG_CHECK = "check"
TAG_HIDDEN = "hidden-check"
TAG_REMOVE = "remove-cell"
POINTS_TAG = re.compile(r"^points-(.*)$")
#: Tags that only steer the conversion; the source notebook carries nbgrader metadata instead.
CONVERSION_TAGS = {TAG_SOLUTION, TAG_CHECK, TAG_HIDDEN, TAG_REMOVE}

#: nbgrader cell metadata version (nbgrader >= 0.6 writes and expects 3).
SCHEMA_VERSION = 3
BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
CODE_STUB = "# 在此填写你的代码\nraise NotImplementedError()"
ANSWER_PROMPT = "**你的回答：**（用文字、公式或推导写在这里）"

#: Per-cell time limit for grading, in seconds. The slowest honest cell in the
#: book (a training experiment) takes seconds on an idle 2-core machine but
#: took 57 s on a shared one at load 19; tests/test_assignments.py measures
#: the slowest cell of every reference run and requires a 3x margin.
CELL_TIMEOUT_S = 300

#: Exercise kinds, read from the first words of the exercise title (推导：…).
KINDS = {"推导": "derive", "实现": "implement", "实验": "experiment"}

LABEL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
FENCE_OPEN = re.compile(r"^(?P<fence>`{3,}|:{3,})\{(?P<name>[\w:-]+)\}\s*(?P<arg>.*)$")
OPTION = re.compile(r"^:(?P<key>[\w-]+):\s*(?P<value>.*)$")
ROLE = re.compile(r"\{(?P<role>[\w:-]+)\}`(?P<content>[^`]*)`")


class ConversionError(ValueError):
    """A malformed exercise; the message names the notebook and the cell."""

    def __init__(self, notebook: str, cell: int | None, message: str, cell_id: str = ""):
        where = f"{notebook}" if cell is None else f"{notebook}, cell {cell}"
        if cell_id:
            where += f" (id {cell_id})"
        super().__init__(f"{where}: {message}")
        self.notebook, self.cell, self.cell_id = notebook, cell, cell_id


@dataclass
class Graded:
    """One graded cell of an exercise: a visible check or a hidden test."""

    cell: int
    grade_id: str
    points: int
    hidden: bool


@dataclass
class Exercise:
    """An exercise of a notebook and the indices of its cells."""

    label: str
    title: str
    cell: int                               # the markdown cell holding the directive
    solution_cells: list[int] = field(default_factory=list)
    written_solution: bool = False          # the gate holds prose (answered in a markdown cell)
    graded: list[Graded] = field(default_factory=list)
    gate_closed: bool = False

    @property
    def kind(self) -> str:
        """``derive``, ``implement``, ``experiment`` or ``other``, from the title's first word."""
        head = re.split(r"[：:]", self.title, maxsplit=1)[0].strip()
        return KINDS.get(head, "other")

    @property
    def checks(self) -> list[Graded]:
        return [g for g in self.graded if not g.hidden]

    @property
    def hidden(self) -> list[Graded]:
        return [g for g in self.graded if g.hidden]

    @property
    def points(self) -> int:
        return sum(g.points for g in self.graded)

    @property
    def asks_for_code(self) -> bool:
        return bool(self.solution_cells)


@dataclass
class Scan:
    """What :func:`scan` found in one notebook."""

    name: str
    exercises: list[Exercise]
    #: cell index -> role: "solution", "check", "hidden", "gate" (markdown touching a gate)
    roles: dict[int, str]

    @property
    def points(self) -> int:
        return sum(ex.points for ex in self.exercises)

    @property
    def untagged(self) -> list[str]:
        """Exercises asking for code that lack a visible check or a hidden test with points."""
        return [ex.label for ex in self.exercises
                if ex.asks_for_code and not (ex.checks and ex.hidden)]

    def exercise(self, label: str) -> Exercise:
        for ex in self.exercises:
            if ex.label == label:
                return ex
        raise KeyError(label)


# --- Reading the tags ---------------------------------------------------------

def _tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def _points(tags: list[str], fail) -> int | None:
    found = [m.group(1) for m in map(POINTS_TAG.match, tags) if m]
    if not found:
        return None
    if len(found) > 1:
        fail(f"more than one points tag ({', '.join('points-' + p for p in found)})")
    value = found[0]
    if not value.isdigit() or int(value) <= 0:
        fail(f"points tag 'points-{value}' must be a whole number greater than 0")
    return int(value)


def _fences(lines: list[str]):
    """Yield (start, end, name, arg, body lines) for each top-level MyST directive fence."""
    i = 0
    while i < len(lines):
        match = FENCE_OPEN.match(lines[i].strip())
        if not match:
            i += 1
            continue
        fence = match["fence"]
        closing = re.compile(rf"^{re.escape(fence[0])}{{{len(fence)},}}\s*$")
        j = i + 1
        while j < len(lines) and not closing.match(lines[j].strip()):
            j += 1
        yield i, j, match["name"], match["arg"].strip(), lines[i + 1:j]
        i = j + 1


def _options(body: list[str]) -> dict[str, str]:
    options = {}
    for line in body:
        match = OPTION.match(line.strip())
        if not match:
            break
        options[match["key"]] = match["value"].strip()
    return options


def scan(nb, name: str, *, require_points: bool = True) -> Scan:
    """Read the exercises of notebook ``nb`` (called ``name`` in messages).

    With ``require_points=False`` (the teaching guide's overview of chapters
    not tagged yet) a check without a points tag is read as worth 0 points.

    Raises
    ------
    ConversionError
        For a ``solution`` cell outside a gate, a code cell in a gate without
        the ``solution`` tag, a check or hidden test without a points tag (or
        before any exercise, or inside a gate), a hidden test without
        ``remove-cell``, a points tag on an ungraded cell, an unclosed gate,
        a gate for another exercise, or a duplicate label or grade id.
    """
    exercises: list[Exercise] = []
    roles: dict[int, str] = {}
    gate: Exercise | None = None
    grade_ids: dict[str, int] = {}

    for index, cell in enumerate(nb.cells):
        def fail(message, index=index, cell=cell):
            raise ConversionError(name, index, message, cell.get("id", ""))

        tags = _tags(cell)
        if cell.cell_type == "markdown":
            gate = _scan_markdown(cell, index, exercises, roles, gate, fail)
            for tag in (TAG_SOLUTION, TAG_CHECK, TAG_HIDDEN):
                if tag in tags:
                    fail(f"markdown cell tagged '{tag}'; only code cells are graded")
            continue
        if cell.cell_type != "code":
            continue
        points = _points(tags, fail)
        is_check, is_hidden = TAG_CHECK in tags, TAG_HIDDEN in tags
        if TAG_SOLUTION in tags:
            if gate is None:
                fail("cell tagged 'solution' outside a solution-start/solution-end gate")
            if is_check or is_hidden or points is not None:
                fail("a solution cell cannot also be a check or carry points")
            gate.solution_cells.append(index)
            roles[index] = "solution"
            continue
        if gate is not None:
            fail(f"code cell inside the solution gate of '{gate.label}' is not tagged "
                 f"'solution' (its code would be shown to students)")
        if is_check and is_hidden:
            fail("a cell is either a visible 'check' or a 'hidden-check', not both")
        if not (is_check or is_hidden):
            if points is not None:
                fail("points tag on a cell that is neither 'check' nor 'hidden-check'")
            continue
        kind = TAG_HIDDEN if is_hidden else TAG_CHECK
        if points is None and require_points:
            fail(f"'{kind}' cell without a points tag (add e.g. 'points-2')")
        points = points or 0
        if is_hidden and TAG_REMOVE not in tags:
            fail("'hidden-check' cell without 'remove-cell' (the site would show the test)")
        if not exercises or not exercises[-1].gate_closed:
            fail(f"'{kind}' cell before the solution gate of its exercise")
        exercise = exercises[-1]
        number = len(exercise.hidden if is_hidden else exercise.checks) + 1
        grade_id = f"{exercise.label}-{'hidden' if is_hidden else 'check'}-{number}"
        if grade_id in grade_ids:
            fail(f"duplicate grade id '{grade_id}' (also cell {grade_ids[grade_id]})")
        grade_ids[grade_id] = index
        exercise.graded.append(Graded(index, grade_id, points, is_hidden))
        roles[index] = "hidden" if is_hidden else "check"

    if gate is not None:
        raise ConversionError(name, gate.cell, f"solution gate of '{gate.label}' is never closed "
                              "by a solution-end fence", nb.cells[gate.cell].get("id", ""))
    for exercise in exercises:
        for number, cell_index in enumerate(exercise.solution_cells, 1):
            grade_id = f"{exercise.label}-solution-{number}"
            if grade_id in grade_ids:
                raise ConversionError(name, cell_index, f"duplicate grade id '{grade_id}'",
                                      nb.cells[cell_index].get("id", ""))
            grade_ids[grade_id] = cell_index
    return Scan(name, exercises, roles)


def _scan_markdown(cell, index, exercises, roles, gate, fail):
    """Update the exercise list and the open gate from one markdown cell."""
    lines = cell.source.splitlines()
    fences = list(_fences(lines))
    position = 0
    for start, _end, directive, arg, body in fences:
        if gate is not None and start > position and any(l.strip() for l in lines[position:start]):
            gate.written_solution = True
        if directive == "exercise":
            if gate is not None:
                fail(f"exercise inside the open solution gate of '{gate.label}'")
            label = _options(body).get("label", "")
            if not LABEL.match(label):
                fail(f"exercise without a valid ':label:' (got {label!r})")
            if any(ex.label == label for ex in exercises):
                fail(f"duplicate grade id: exercise label '{label}' is used twice, so its "
                     f"grade ids ({label}-check-1, ...) would repeat")
            exercises.append(Exercise(label, arg, index))
        elif directive == "solution-start":
            if gate is not None:
                fail(f"solution-start inside the open gate of '{gate.label}'")
            if not exercises or exercises[-1].gate_closed:
                fail(f"solution-start '{arg}' without an exercise before it")
            if arg != exercises[-1].label:
                fail(f"solution-start '{arg}' follows exercise '{exercises[-1].label}'")
            gate = exercises[-1]
            roles[index] = "gate"
        elif directive == "solution-end":
            if gate is None:
                fail("solution-end without a solution-start")
            gate.gate_closed = True
            gate = None
            roles[index] = "gate"
        elif directive == "solution":
            fail("ungated {solution} directive: use solution-start/solution-end so the "
                 "converter can remove it")
        position = _end + 1
    if gate is not None and any(l.strip() for l in lines[position:]):
        gate.written_solution = True
    if gate is not None:
        roles[index] = "gate"
    return gate


# --- Writing the nbgrader source notebook -------------------------------------

def nbgrader_metadata(*, grade: bool, solution: bool, locked: bool, grade_id: str,
                      points: int | None = None, task: bool = False) -> dict:
    """nbgrader cell metadata, schema 3 (``points`` only on graded cells)."""
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked,
            "schema_version": SCHEMA_VERSION, "solution": solution, "task": task}
    if grade:
        meta["points"] = points
    return meta


def plain_markdown(text: str, citations: dict[str, str]) -> str:
    """Rewrite MyST roles as Markdown that JupyterLab renders.

    Citations (roles or citation links) become "(Author et al., year)", a
    quoted number becomes the name it was glued under (the student computes it
    by running the notebook), cross-references keep their text.
    """
    def role(match):
        name, content = match["role"], match["content"]
        if name in ("cite:p", "cite:t"):
            return citation_text(name[-1], content, citations)
        if name == "eval":  # {eval}`f"{glued.err:.2f}"` (activations.prose) -> `err`
            return " ".join(f"`{glued}`" for glued in glued_names(content))
        text = re.match(r"^(.*?)\s*<[^>]*>$", content)
        if text and text.group(1):
            return text.group(1)
        if name in ("math",):
            return f"${content}$"
        return f"`{content}`"

    text = CITATION_LINK.sub(lambda m: citation_text(m["kind"], m["keys"], citations), text)
    return ROLE.sub(role, text)


def _strip_blank(lines: list[str]) -> list[str]:
    while lines and not lines[0].strip():
        lines = lines[1:]
    return lines


def _render_markdown(lines: list[str], fences, gate_open: bool, citations) -> list[tuple[str, str]]:
    """Pieces of one markdown cell: ("text", markdown) and ("gate", label) in order.

    Text inside a gate (the written solution) is dropped; an exercise
    directive becomes a bold title followed by its body.
    """
    pieces: list[tuple[str, str]] = []
    text: list[str] = []
    position, gate_label = 0, ("open" if gate_open else None)

    def flush():
        chunk = "\n".join(text).strip("\n")
        if chunk.strip():
            pieces.append(("text", plain_markdown(chunk, citations)))
        text.clear()

    for start, end, directive, arg, body in fences:
        if gate_label is None:
            text.extend(lines[position:start])
        if directive == "exercise":
            options = _options(body)
            text.append(f"**练习 · {arg}**" if arg else "**练习**")
            text.append("")
            text.extend(_strip_blank(body[len(options):]))
        elif directive == "solution-start":
            flush()
            gate_label = arg
            pieces.append(("gate", arg))
        elif directive == "solution-end":
            gate_label = None
        elif gate_label is None:
            text.extend(lines[start:end + 1])
        position = end + 1
    if gate_label is None:
        text.extend(lines[position:])
    flush()
    return pieces


def quiet(source: str) -> str:
    """``source`` with its final expression silenced by a trailing ``;``.

    nbgrader reads a number that a test cell displays as a *partial score*
    (``nbgrader.utils.determine_grade``): a check ending in
    ``checks.check_function(...)``, which returns the largest error 0.0, would
    score 0 points. IPython displays nothing for a cell whose last statement
    ends with ``;``, so the check keeps its text and loses only the display.
    """
    import ast

    try:
        tree = ast.parse(source)
    except SyntaxError:  # IPython syntax (magics); left as written
        return source
    if not tree.body or not isinstance(tree.body[-1], ast.Expr):
        return source
    last = tree.body[-1]
    lines = source.splitlines()
    row = last.end_lineno - 1
    # end_col_offset counts UTF-8 bytes; convert to a character offset.
    encoded = lines[row].encode("utf-8")
    column = len(encoded[:last.end_col_offset].decode("utf-8"))
    lines[row] = lines[row][:column] + ";" + lines[row][column:]
    return "\n".join(lines)


def to_source(nb, found: Scan, citations: dict[str, str] | None = None):
    """The nbgrader source notebook for book notebook ``nb`` (scanned as ``found``)."""
    citations = load_citations() if citations is None else citations
    out = nbformat.v4.new_notebook(metadata=copy.deepcopy(nb.metadata))
    by_cell = {ex.cell: ex for ex in found.exercises}
    gate: Exercise | None = None
    current: Exercise | None = None
    written_answers: set[str] = set()

    def answer_cell(exercise):
        # One markdown cell per exercise with a written solution: the student's answer.
        if exercise.written_solution and exercise.label not in written_answers:
            written_answers.add(exercise.label)
            out.cells.append(nbformat.v4.new_markdown_cell(ANSWER_PROMPT))

    for index, cell in enumerate(nb.cells):
        role = found.roles.get(index)
        if cell.cell_type == "markdown":
            if index in by_cell:
                current = by_cell[index]
            lines = cell.source.splitlines()
            pieces = _render_markdown(lines, list(_fences(lines)), gate is not None, citations)
            gate_after = gate
            for start, _e, directive, arg, _b in _fences(lines):
                if directive == "solution-start":
                    gate_after = found.exercise(arg)
                elif directive == "solution-end":
                    gate_after = None
            for kind, value in pieces:
                if kind == "text":
                    out.cells.append(nbformat.v4.new_markdown_cell(value))
                else:
                    answer_cell(found.exercise(value))
            gate = gate_after
            continue
        if cell.cell_type != "code":
            out.cells.append(copy.deepcopy(cell))
            continue
        new = nbformat.v4.new_code_cell(cell.source)
        new.metadata = copy.deepcopy(cell.metadata)
        tags = [t for t in _tags(cell) if t not in CONVERSION_TAGS and not POINTS_TAG.match(t)]
        if tags:
            new.metadata["tags"] = tags
        else:
            new.metadata.pop("tags", None)
        if role == "solution":
            number = gate.solution_cells.index(index) + 1
            new.source = f"{BEGIN_SOLUTION}\n{cell.source.rstrip()}\n{END_SOLUTION}"
            new.metadata["nbgrader"] = nbgrader_metadata(
                grade=False, solution=True, locked=False,
                grade_id=f"{gate.label}-solution-{number}")
        elif role in ("check", "hidden"):
            graded = next(g for g in current.graded if g.cell == index)
            new.source = quiet(cell.source.rstrip())
            if graded.hidden:
                new.source = f"{BEGIN_HIDDEN}\n{new.source}\n{END_HIDDEN}"
            new.metadata["nbgrader"] = nbgrader_metadata(
                grade=True, solution=False, locked=True, grade_id=graded.grade_id,
                points=graded.points)
        out.cells.append(new)
    return out


# --- The course folder ----------------------------------------------------------

NBGRADER_CONFIG = '''\
# nbgrader configuration of the course built by `make assignments`
# (book/_ext/assignments.py writes this file; edit the converter, not this copy).
# Run nbgrader from this folder: `cd assignments && nbgrader autograde <slug>`.
c = get_config()  # noqa: F821 (provided by nbgrader when it reads this file)

c.CourseDirectory.course_id = "activations"

# What a student finds in place of a solution, in the book's language.
c.ClearSolutions.code_stub = {{"python": {code_stub!r}}}
c.ClearSolutions.text_stub = {text_stub!r}

# Seconds one cell may run while grading: long enough for the slowest honest
# cell with a wide margin for a busy machine; an endless loop costs this once.
c.Execute.timeout = {timeout}
c.Execute.interrupt_on_timeout = True
'''


def write_config(course: Path, timeout: int = CELL_TIMEOUT_S) -> Path:
    path = course / "nbgrader_config.py"
    path.write_text(NBGRADER_CONFIG.format(code_stub=CODE_STUB, text_stub="在此写下你的回答。",
                                           timeout=timeout), encoding="utf-8")
    return path


def slug_of(path: Path) -> str:
    return path.stem


def has_exercises(path: Path) -> bool:
    nb = nbformat.read(path, as_version=4)
    return any(cell.cell_type == "markdown" and re.search(r"^(`{3,}|:{3,})\{exercise\}",
                                                             cell.source, re.M)
               for cell in nb.cells)


def is_tagged(path: Path) -> bool:
    """True when some cell of the notebook carries a points tag (its author tagged it for grading)."""
    nb = nbformat.read(path, as_version=4)
    return any(POINTS_TAG.match(tag) for cell in nb.cells for tag in _tags(cell))


def book_notebooks(book: Path = BOOK) -> list[Path]:
    """Every notebook of the book that has at least one exercise, in path order."""
    return [path for path in sorted(book.rglob("*.ipynb"))
            if ".ipynb_checkpoints" not in path.parts and has_exercises(path)]


def nbgrader_command() -> list[str]:
    """The nbgrader command line of this environment."""
    script = Path(sys.executable).with_name("nbgrader")
    return [str(script)] if script.exists() else [sys.executable, "-m", "nbgrader"]


def nbgrader_env() -> dict[str, str]:
    """The environment for nbgrader: this Python's scripts first on PATH.

    nbgrader runs the ``alembic`` command by name to set up its gradebook,
    so the virtualenv's bin folder must be on PATH even when it is not
    activated.
    """
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def convert_notebook(path: Path, citations=None):
    """Scan and convert one book notebook; returns (scan, source notebook)."""
    nb = nbformat.read(path, as_version=4)
    name = str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)
    found = scan(nb, name)
    return found, to_source(nb, found, citations)


def build_course(notebooks: Iterable[Path], course: Path = DEFAULT_COURSE, *,
                 log=print) -> dict[str, Scan]:
    """Convert ``notebooks`` and run ``nbgrader generate_assignment`` into ``course``.

    Everything is built in a temporary folder beside ``course``; ``source/``,
    ``release/``, the configuration and the gradebook's assignment records
    replace the old ones only after every notebook converted and generated
    without error. Students' submissions and grades (``submitted/``,
    ``autograded/``, ``feedback/``) are never touched.
    """
    notebooks = list(notebooks)
    slugs = [slug_of(p) for p in notebooks]
    duplicates = {s for s in slugs if slugs.count(s) > 1}
    if duplicates:
        raise ConversionError(", ".join(sorted(duplicates)), None,
                              "two notebooks share this file name (assignment slug)")
    course = Path(course).resolve()
    course.parent.mkdir(parents=True, exist_ok=True)
    citations = load_citations()
    work = Path(tempfile.mkdtemp(prefix=f".{course.name}-build-", dir=course.parent))
    scans: dict[str, Scan] = {}
    try:
        write_config(work)
        for number, (path, slug) in enumerate(zip(notebooks, slugs), 1):
            found, source = convert_notebook(path, citations)
            target = work / "source" / slug / f"{slug}.ipynb"
            target.parent.mkdir(parents=True)
            nbformat.write(source, target)
            scans[slug] = found
            log(f"[{number}/{len(notebooks)}] {slug}: {len(found.exercises)} exercises, "
                f"{found.points} points")
        _generate(work, slugs, log)
        _install(work, course, slugs)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return scans


def _generate(course: Path, slugs: list[str], log) -> None:
    """Run nbgrader's generate_assignment (its Python API, in this process) for ``slugs``."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    config.CourseDirectory.root = str(course)
    saved_path = os.environ.get("PATH", "")
    os.environ["PATH"] = nbgrader_env()["PATH"]  # nbgrader runs `alembic` by name
    try:
        api = NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)
        for slug in slugs:
            result = api.generate_assignment(slug, force=True, create=True)
            if not result["success"]:
                raise ConversionError(f"source/{slug}/{slug}.ipynb", None,
                                      "nbgrader generate_assignment failed:\n"
                                      + (result.get("error") or result.get("log", ""))[-3000:])
    finally:
        os.environ["PATH"] = saved_path
    log(f"nbgrader generate_assignment: {len(slugs)} assignments released")


def _install(work: Path, course: Path, slugs: list[str]) -> None:
    """Move the finished build into ``course``, one folder at a time."""
    course.mkdir(exist_ok=True)
    for part in ("source", "release"):
        old = course / part
        if old.exists():
            old.rename(work / f"old-{part}")
        (work / part).rename(old)
    os.replace(work / "nbgrader_config.py", course / "nbgrader_config.py")
    gradebook = course / "gradebook.db"
    if not gradebook.exists():
        os.replace(work / "gradebook.db", gradebook)
        return
    # An instructor's gradebook holds grades: update its assignment records in place.
    _generate(course, slugs, lambda message: None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python book/_ext/assignments.py",
        description="Build the nbgrader course folder from the book's exercises.")
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="book notebooks to convert (default: every one with exercises)")
    parser.add_argument("--course", type=Path, default=DEFAULT_COURSE,
                        help="course folder to write (default: assignments/)")
    parser.add_argument("--strict", action="store_true",
                        help="also convert notebooks whose exercises carry no points tag yet "
                             "(they fail: a check needs points)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    notebooks = [p.resolve() for p in args.notebooks] or book_notebooks()
    if not args.strict:
        # Transitional: chapters whose authors have not added points tags yet are
        # listed and left out (tests/test_assignments.py reports them too).
        untagged = [p for p in notebooks if not is_tagged(p)]
        for path in untagged:
            print(f"skipped (no points tags yet): {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
        notebooks = [p for p in notebooks if p not in untagged]
    if not notebooks:
        print("make assignments: no notebook has graded exercises yet; nothing to build")
        return 0
    try:
        build_course(notebooks, args.course)
    except ConversionError as error:
        print(f"make assignments: {error}", file=sys.stderr)
        return 1
    print(f"{len(notebooks)} assignments in {args.course} "
          f"({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
