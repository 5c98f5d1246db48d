"""The printed book: ``make pdf`` writes the whole book as one PDF, checked page by page.

``make pdf`` (``book/_ext/pdf.py``) runs after the site build of the same run
(the ``built_site`` fixture, xdist group "site"), so the LaTeX build finds
every notebook in the execution cache and runs none. The checks read the PDF
with poppler (``pdffonts``, ``pdftotext``) and the xelatex log:

* title page, 目录, 前言, the parts of ``_toc.yml`` as 第一部分…, every
  chapter under its number (第 4 章 Sigmoid; 附录 A … in the appendix) in
  ``_toc.yml`` order, and the references with every entry of the .bib file;
* only the fonts ``_config.yml`` names (Noto CJK, DejaVu) and TeX's math
  fonts, every one embedded;
* no figure, widget, IPython or role text where a figure or a number belongs;
* no missing glyph and no line more than 20 pt into the margin.

Three pages are rendered to ``_build/screenshots/pdf-*.png`` for a person to
look at: the Sigmoid chapter's opening, a page of it with a figure and
formulas, and its exercises with their solutions.
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pytest
import yaml

from tests.site_fixtures import (  # noqa: F401 (fixtures used by name)
    ROOT, SCREENSHOTS, Outcome, build_result, built_site, make_once_per_run, toc_docnames)

pytestmark = [pytest.mark.pdf, pytest.mark.site, pytest.mark.xdist_group("site")]

#: Cold, ``make pdf`` also executes the notebooks; after ``make book`` it takes ~1.5 min.
PDF_TIMEOUT_S = 20 * 60
SIGMOID = "book/functions/sigmoid"

#: Text that stands where a figure, a widget, a glued number or a role should
#: have been rendered. ``Explorer('`` is the explorers' text/plain repr (the
#: code that creates one is written with double quotes).
RAW_REPRS = ("<Figure size", "FloatSlider(", "IntSlider(", "VBox(", "HBox(", "<IPython.core",
             "{glue", "{eval", "Explorer('")

#: Fonts allowed in the PDF (names after the subset tag): the ones _config.yml
#: names, and TeX's math fonts (Computer Modern and the AMS symbols).
FONT_FAMILIES = ("NotoSerifCJK", "NotoSansCJK", "NotoSansMonoCJK", "DejaVuSerif", "DejaVuSans",
                 "DejaVuSansMono", "CMR", "CMMI", "CMSY", "CMEX", "CMBX", "CMTI", "MSAM", "MSBM")

CHINESE_NUMERALS = "一二三四五六七八九十"


def _load_builder():
    """``book/_ext/pdf.py`` (the make pdf script) as a module, for its log reader."""
    spec = importlib.util.spec_from_file_location("book_pdf", ROOT / "book" / "_ext" / "pdf.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("book_pdf", module)
    spec.loader.exec_module(module)
    return module


builder = _load_builder()
PDF = builder.LATEX / f"{builder.STEM}.pdf"


def squeeze(text: str) -> str:
    """Text without whitespace: pdftotext spaces CJK and breaks lines where LaTeX did."""
    return re.sub(r"\s+", "", text)


def source_title(docname: str) -> str:
    """The first ``# `` heading of a page's source, as plain text."""
    path = ROOT / f"{docname}.ipynb"
    if path.exists():
        lines = [line for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]
                 if cell["cell_type"] == "markdown"
                 for line in "".join(cell["source"]).splitlines()]
    else:
        lines = (ROOT / f"{docname}.md").read_text(encoding="utf-8").splitlines()
    title = next(line[2:] for line in lines if line.startswith("# "))
    return re.sub(r"[`*]", "", title).strip()


@dataclass(frozen=True)
class Part:
    caption: str
    numbered: bool
    docnames: tuple


def toc_parts() -> list[Part]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    return [Part(part["caption"], bool(part.get("numbered")),
                 tuple(entry["file"] for entry in part["chapters"]))
            for part in toc["parts"]]


def chapter_headings() -> list[tuple[str, str]]:
    """(docname, heading as the PDF prints it) for every chapter, in _toc.yml order."""
    out, number, letter = [], 0, 0
    seen_numbered = False
    for part in toc_parts():
        for docname in part.docnames:
            if part.numbered:
                seen_numbered, number = True, number + 1
                label = f"第{number}章"
            else:
                assert seen_numbered, "an unnumbered part before the numbered ones"
                label, letter = f"附录{chr(ord('A') + letter)}", letter + 1
            out.append((docname, label + squeeze(source_title(docname))))
    return out


@pytest.fixture(scope="module")
def pdf_build(built_site) -> Outcome:  # noqa: F811 (the site build comes first)
    """The outcome of this test run's one ``make pdf`` (whichever worker ran it)."""
    return make_once_per_run("pdf", PDF_TIMEOUT_S)


@pytest.fixture(scope="module")
def pdf(pdf_build) -> Path:
    if pdf_build.returncode != 0 or not PDF.exists():
        pytest.fail("make pdf failed; the end of its log:\n" + pdf_build.log[-4000:])
    return PDF


@pytest.fixture(scope="module")
def pages(pdf) -> list[str]:
    """The text of every page (pdftotext keeps a form feed between pages)."""
    text = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


@lru_cache(maxsize=None)
def _body_start(pages: tuple) -> int:
    """Index of the first page of the preface (after the title page and 目录)."""
    preface = squeeze(source_title(toc_docnames()[0]))
    found = next((i for i, page in enumerate(pages) if squeeze(page).startswith(preface)), None)
    assert found is not None, f"no page opens with the preface's title {preface!r}"
    return found


def page_of(pages: list[str], heading: str, start: int = 0) -> int:
    """Index of the first page at or after ``start`` whose text holds ``heading``."""
    found = next((i for i in range(start, len(pages)) if heading in squeeze(pages[i])), None)
    assert found is not None, f"{heading!r} is not on page {start + 1} or after"
    return found


def test_make_pdf_succeeds(pdf_build, pdf):
    assert "make pdf:" in pdf_build.log, pdf_build.log[-2000:]
    # -W: a Sphinx warning during the LaTeX build fails it, as for the site.
    assert not re.search(r"\bWARNING:", pdf_build.log), pdf_build.log[-4000:]
    assert pdf.stat().st_size > 1_000_000


def test_title_page_contents_and_preface(pages):
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert squeeze(config["title"]) in squeeze(pages[0])
    assert squeeze(config["author"]) in squeeze(pages[0])
    start = _body_start(tuple(pages))
    contents = "".join(squeeze(page) for page in pages[1:start])
    assert contents.startswith("目录")
    # 目录 lists every chapter and part.
    for _, heading in chapter_headings():
        assert re.sub(r"^(第\d+章|附录[A-Z])", "", heading) in contents
    for part in toc_parts():
        assert squeeze(part.caption) in contents


def test_parts_and_numbered_chapters_in_toc_order(pages):
    start = _body_start(tuple(pages))
    position = start
    chapters = dict(chapter_headings())
    numbered = 0
    for part in toc_parts():
        if part.numbered:
            numbered += 1
            heading = f"第{CHINESE_NUMERALS[numbered - 1]}部分{squeeze(part.caption)}"
        else:
            heading = squeeze(part.caption)
        position = page_of(pages, heading, position)
        for docname in part.docnames:
            found = page_of(pages, chapters[docname], position)
            assert found >= position, f"{chapters[docname]} out of order"
            position = found


def test_every_chapter_opens_under_its_number(pages):
    body = squeeze("".join(pages[_body_start(tuple(pages)):]))
    missing = [heading for _, heading in chapter_headings() if heading not in body]
    assert missing == []


def test_references_hold_every_bibliography_entry(pages):
    headings = dict(chapter_headings())
    first = page_of(pages, headings["book/appendix/references"], _body_start(tuple(pages)))
    end = page_of(pages, headings[toc_parts()[-1].docnames[-1]], first + 1)
    entries = [line for page in pages[first:end] for line in page.splitlines()
               if re.match(r"\[[^\]\s]+\]", line)]
    bib = (ROOT / "book" / "references.bib").read_text(encoding="utf-8")
    assert len(entries) == len(re.findall(r"^@\w+\{", bib, re.M)) > 0


def pdf_fonts(pdf: Path) -> list[tuple[str, bool]]:
    """(font name without its subset tag, embedded?) for every font ``pdffonts`` lists."""
    listing = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True,
                             check=True).stdout.splitlines()[2:]
    fonts = []
    for line in listing:
        columns = line.split()
        # The type column may hold spaces ("CID Type 0C"); counted from the
        # right the columns are: emb sub uni object-number generation.
        fonts.append((columns[0].split("+", 1)[-1], columns[-5] == "yes"))
    return fonts


def test_fonts_are_the_named_ones_and_embedded(pdf):
    fonts = pdf_fonts(pdf)
    assert [name for name, embedded in fonts if not embedded] == [], "every font embedded"
    names = {name for name, _ in fonts}
    assert any(name.startswith("NotoSerifCJK") for name in names), names
    assert any(name.startswith("NotoSansCJK") for name in names), names
    unexpected = sorted(name for name in names if not name.startswith(FONT_FAMILIES))
    assert unexpected == [], "fonts _config.yml does not name (a fallback?)"


def test_no_raw_reprs_where_figures_and_numbers_belong(pages):
    # The API reference quotes code and docstrings, which may name these.
    api = page_of(pages, dict(chapter_headings())["book/appendix/api"], _body_start(tuple(pages)))
    found = {(i + 1, raw) for i, page in enumerate(pages[:api]) for raw in RAW_REPRS
             if raw in page}
    assert sorted(found) == []


def test_latex_log_has_no_missing_glyph(pdf):
    report = builder.read_log()
    assert report.pages is not None, "the log is not the one of the run that wrote the PDF"
    assert report.missing == []


def test_latex_log_has_no_line_far_into_the_margin(pdf):
    too_wide = builder.read_log().too_wide()
    assert too_wide == [], f"more than {builder.OVERFULL_LIMIT_PT:g} pt too wide"


def render(pdf: Path, page_index: int, name: str) -> Path:
    """Write one page as ``_build/screenshots/pdf-<name>.png`` (80 dpi)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / f"pdf-{name}"
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", str(page_index + 1),
                    "-l", str(page_index + 1), "-singlefile", str(pdf), str(target)], check=True)
    return target.with_suffix(".png")


def test_sample_pages_rendered_for_review(pdf, pages):
    """The Sigmoid chapter's opening, a page with a figure and formulas, its exercises."""
    heading = dict(chapter_headings())[SIGMOID]
    number = re.match(r"第(\d+)章", heading).group(1)
    opening = page_of(pages, heading, _body_start(tuple(pages)))
    chapter_end = next((i for i in range(opening + 1, len(pages))
                        if re.search(r"第\d+章", squeeze(pages[i])[:8])), len(pages))
    caption = re.compile(rf"图{number}\.\d+[:：]")
    figure = next(i for i in range(opening, chapter_end)
                  if caption.search(squeeze(pages[i])) and pages[i].count("σ") >= 3)
    exercises = next(i for i in range(opening, chapter_end)
                     if f"练习{number}.1" in squeeze(pages[i])
                     and f"解答练习{number}.1" in squeeze(pages[i]))
    for index, name in ((opening, "chapter-opening"), (figure, "figure-formulas"),
                        (exercises, "exercise")):
        png = render(pdf, index, name)
        assert png.stat().st_size > 10_000, f"{png} looks empty"
