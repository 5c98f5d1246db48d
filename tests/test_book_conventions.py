"""The authoring conventions of README "Authoring conventions", checked on every notebook.

* Evidence: no hard-coded seed in a notebook (all randomness from
  ``activations.seeding``); every verdict box names one verdict and glues its
  evidence.
* Reading path: each Part II chapter opens with 本章目标 and 前置知识, ends with
  何时使用, and keeps private names (``_step``, ``_exact``) inside 深入 sections.
* Figures: every cell that draws a figure has a caption and a name, and the
  text refers to that name.
"""

from __future__ import annotations

import functools
import re

import pytest

from tests.book_sources import ROOT, cells, chapter_paths, part_two_paths

CHAPTERS = chapter_paths()
PART_TWO = part_two_paths()

VERDICTS = ("成立", "有条件成立", "不成立")
_VERDICT_BOX = re.compile(r"```\{admonition\}\s*(?P<title>[^\n]*)\n(?P<body>.*?)\n```", re.S)
_VERDICT_LINE = re.compile(r"\*\*结论：(有条件成立|不成立|成立)")
_HARD_SEED = re.compile(r"default_rng\(\s*\[?\s*\d|\bseed\s*=\s*\d|RandomState\(\s*\d|np\.random\.seed\(")
_PRIVATE = re.compile(r"(?<![\w.])_[a-z][a-z0-9_]*\b|\._[a-z][a-z0-9_]*\b")
_DRAWS = re.compile(r"\bplotting\.(plot_\w+|new_axes)\(|\bplt\.(subplots|figure|plot)\(")


def _verdict_boxes(path):
    for cell in cells(path):
        if cell.kind != "markdown":
            continue
        for match in _VERDICT_BOX.finditer(cell.source):
            if ":class: verdict" in match.group("body"):
                yield cell, match.group("title"), match.group("body")


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_no_hard_coded_seed(path):
    problems = [f"{c.where}: {m.group(0)!r}" for c in cells(path) if c.kind == "code"
                for m in _HARD_SEED.finditer(c.source)]
    assert not problems, ("derive seeds from activations.seeding (seeds(n, key), rng_for(key)):\n"
                          + "\n".join(problems))


_RATE_CHOICE = re.compile(r"\b(best_learning_rate|tuned_mlp|tuned_net)\(")


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_a_chosen_learning_rate_is_checked_against_its_grids_edge(path):
    """Protocol item 3 (appendix 实验方法): a rate chosen on the grid's edge means a wider grid."""
    code = "\n".join(c.source for c in cells(path) if c.kind == "code")
    choices = sorted({m.group(1) for m in _RATE_CHOICE.finditer(code)})
    if choices:
        assert "at_edge" in code, (f"{path.stem} chooses learning rates ({', '.join(choices)}) "
                                   "but never checks evidence.rate_at_edge / Tuned.at_edge")


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_verdict_boxes_are_well_formed(path):
    problems = []
    for cell, title, body in _verdict_boxes(path):
        where = f"{cell.where} ({title.strip()[:30]})"
        if not title.strip().startswith("检验："):
            problems.append(f"{where}: the title starts with 检验：")
        verdicts = _VERDICT_LINE.findall(body)
        if len(verdicts) != 1:
            problems.append(f"{where}: exactly one **结论：成立/有条件成立/不成立**, got {verdicts}")
        elif verdicts[0] == "有条件成立" and "条件" not in body.split("有条件成立", 1)[1]:
            problems.append(f"{where}: 有条件成立 must state its condition")
        if "**证据**" not in body or "{eval}" not in body:
            problems.append(f"{where}: **证据** with at least one glued number")
        if not re.search(r":name:\s*claim-[\w-]+", body):
            problems.append(f"{where}: a :name: claim-… label for the guide to link")
    assert not problems, "\n".join(problems)


def test_the_book_examines_claims_in_verdict_boxes():
    boxes = {p.stem: len(list(_verdict_boxes(p))) for p in CHAPTERS}
    missing = [name for name, n in boxes.items() if n == 0 and name != "summary"]
    assert not missing, f"chapters without a verdict box: {missing}"


@pytest.mark.parametrize("path", PART_TWO, ids=lambda p: p.stem)
def test_part_two_chapter_has_goals_prerequisites_and_a_verdict(path):
    markdown = [c.source for c in cells(path) if c.kind == "markdown"]
    opening = "\n".join(markdown[:3])
    assert "本章目标" in opening and "前置知识" in opening, \
        f"{path.stem}: the opening cells state 本章目标 and 前置知识"
    assert any(re.search(r"^##\s+何时使用", m, re.M) for m in markdown), \
        f"{path.stem}: a closing section '## 何时使用'"


@pytest.mark.parametrize("path", PART_TWO, ids=lambda p: p.stem)
def test_part_two_has_deep_dives_and_no_private_names_on_the_main_path(path):
    chapter = cells(path)
    assert any(c.deep_dive for c in chapter), f"{path.stem}: no 深入 section"
    problems = []
    for cell in chapter:
        if cell.deep_dive:
            continue
        text = cell.source if cell.kind == "code" else " ".join(re.findall(r"`([^`\n]*)`", cell.source))
        problems += [f"{cell.where}: {m.group(0)}" for m in _PRIVATE.finditer(text)]
    assert not problems, "private names on the main path (move to a 深入 section):\n" + \
        "\n".join(problems)


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_every_figure_is_captioned_named_and_referenced(path):
    chapter = cells(path)
    markdown = "\n".join(c.source for c in chapter if c.kind == "markdown")
    problems = []
    names = []
    for cell in chapter:
        if cell.kind != "code" or not _DRAWS.search(cell.source):
            continue
        figure = cell.metadata.get("mystnb", {}).get("figure", {})
        name, caption = figure.get("name", ""), figure.get("caption", "")
        if not name.startswith(f"fig-{path.stem}-") or len(caption) < 8:
            problems.append(f"{cell.where}: metadata mystnb.figure needs name "
                            f"'fig-{path.stem}-…' and a caption")
            continue
        names.append(name)
        if f"{{numref}}`{name}`" not in markdown:
            problems.append(f"{cell.where}: the text never refers to {{numref}}`{name}`")
    assert len(names) == len(set(names)), f"{path.stem}: a figure name is used twice"
    assert not problems, "\n".join(problems)


def test_bibliography_keys_are_unique():
    """One entry per key: pybtex refuses a repeated key and the whole site build fails on it."""
    from collections import Counter

    from tests.book_sources import ROOT

    text = (ROOT / "book" / "references.bib").read_text(encoding="utf-8")
    keys = Counter(re.findall(r"^@\w+\s*\{\s*([^,\s]+)\s*,", text, flags=re.M))
    assert len(keys) > 20, "no bibliography entries found"
    assert [key for key, count in keys.items() if count > 1] == []


# --- Citations (README "Citations"; book/_ext/lab_citations.py) ------------------------

NOTEBOOKS = tuple(sorted((ROOT / "book").rglob("*.ipynb")))


@functools.cache
def _lab_citations():
    """book/_ext/lab_citations.py and the bibliography it read (parsed once)."""
    import sys

    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    import lab_citations

    return lab_citations, lab_citations.load_citations()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_citations_read_as_citations_in_jupyterlab(path):
    """A notebook cites with a link whose text is the citation, never a bare role.

    jupyterlab-myst shows a ``{cite:p}`` role as its raw key; the link's text is
    what a learner reads there, so it must be the bibliography's author and year.
    """
    lab_citations, citations = _lab_citations()
    problems = []
    for cell in cells(path):
        if cell.kind != "markdown":
            continue
        if re.search(r"\{cite(:\w+)?\}`", cell.source):
            problems.append(f"{cell.where}: a {{cite}} role (write the citation link)")
        for link in lab_citations.LINK.finditer(cell.source):
            unknown = [k for k in link["keys"].split(",") if k not in citations]
            expected = lab_citations.citation_text(link["kind"], link["keys"], citations)
            if unknown:
                problems.append(f"{cell.where}: keys not in references.bib: {unknown}")
            elif link["text"] != expected:
                problems.append(f"{cell.where}: [{link['text']}] should read [{expected}]")
        if re.search(r"\]\(#cite\.", cell.source) and not lab_citations.LINK.search(cell.source):
            problems.append(f"{cell.where}: a malformed citation link")
    assert not problems, "\n".join(problems)


def test_citation_links_turn_back_into_roles_for_the_site():
    lab_citations, _ = _lab_citations()
    text = ('见 [（A et al., 2020; B, 2019）](#cite.p:a2020,b2019)，'
            '[B, 2019](#cite.t:b2019) 指出；[网页](https://example.org) 不变。')
    assert lab_citations.restore_roles(text) == \
        "见 {cite:p}`a2020,b2019`，{cite:t}`b2019` 指出；[网页](https://example.org) 不变。"


def _markdown_texts():
    for path in sorted((ROOT / "book").rglob("*.md")):
        yield path.name, path.read_text(encoding="utf-8")
    for path in NOTEBOOKS:
        for cell in cells(path):
            if cell.kind == "markdown":
                yield cell.where, cell.source


def test_bold_text_closes_where_chinese_punctuation_ends_it():
    """``**标题。**正文`` does not close in CommonMark: the closing ``**`` follows
    punctuation and precedes a letter, so it is not right-flanking and the
    reader sees the asterisks. Write ``**标题**。正文``."""
    import unicodedata

    problems = []
    for where, text in _markdown_texts():
        for line in text.split("\n"):
            marks = [m.start() for m in re.finditer(r"\*\*", line)]
            for at in marks[1::2]:  # the closing ones
                before, after = line[at - 1], line[at + 2: at + 3] or " "
                if unicodedata.category(before).startswith("P") and \
                        unicodedata.category(after)[0] in "LN":
                    problems.append(f"{where}: …{line[max(0, at - 12): at + 6]}…")
    assert not problems, "\n".join(problems)
