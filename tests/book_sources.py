"""Read the book's sources as the convention tests see them: chapters, cells, sections.

Shared by ``tests/test_vocabulary.py`` and ``tests/test_book_conventions.py``:
the notebooks in ``_toc.yml`` order, each cell with the heading path it sits
under, whether it is inside an optional deep dive (a section titled ``深入…``,
see ``book/_ext/deep_dive.py``), and its prose with code and math removed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from tests.site_fixtures import ROOT, toc_docnames

DEEP_DIVE_MARKER = "深入"
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
_FENCE = re.compile(r"^(```+|~~~+|:::+)")


@dataclass(frozen=True)
class Cell:
    """One notebook cell with its place in the chapter."""

    notebook: str          # file stem: "sigmoid", "gradient-flow"
    index: int
    kind: str              # "markdown" or "code"
    source: str
    tags: tuple
    metadata: dict
    deep_dive: bool        # inside a 深入 section

    @property
    def where(self) -> str:
        return f"{self.notebook} cell {self.index}"


@lru_cache(maxsize=None)
def chapter_paths() -> tuple:
    """The chapters (notebooks of Parts I-III) in reading order (``_toc.yml``).

    A notebook in the appendix (the learner's start page) is no chapter.
    """
    paths = []
    for name in toc_docnames():
        path = ROOT / f"{name}.ipynb"
        if path.exists() and "appendix" not in path.parts:
            paths.append(path)
    return tuple(paths)


def part_two_paths() -> tuple:
    return tuple(p for p in chapter_paths() if p.parent.name == "functions")


def _headings(markdown: str):
    """(level, title) of every heading outside fenced blocks."""
    inside = None
    for line in markdown.splitlines():
        fence = _FENCE.match(line.strip())
        if fence:
            mark = fence.group(1)[0] * 3
            if inside is None:
                inside = mark
            elif mark == inside:
                inside = None
            continue
        if inside is None:
            match = _HEADING.match(line)
            if match:
                yield len(match.group(1)), match.group(2)


def _update(dive_level, level, title):
    """Deep-dive level after a heading: a dive ends at a heading of its level or above."""
    if dive_level is not None and level <= dive_level:
        dive_level = None
    if dive_level is None and title.startswith(DEEP_DIVE_MARKER):
        dive_level = level
    return dive_level


@lru_cache(maxsize=None)
def cells(path: Path) -> tuple:
    """Every cell of a notebook, with its deep-dive flag.

    A markdown cell belongs to a deep dive when its first heading opens or
    continues one (or, without headings, when a dive is open); a code cell
    when a dive is open where it stands.
    """
    notebook = json.loads(path.read_text(encoding="utf-8"))
    out, dive_level = [], None
    for index, raw in enumerate(notebook["cells"]):
        source = "".join(raw.get("source", ""))
        flag = dive_level is not None
        if raw["cell_type"] == "markdown":
            for position, (level, title) in enumerate(_headings(source)):
                dive_level = _update(dive_level, level, title)
                if position == 0:
                    flag = dive_level is not None
        out.append(Cell(path.stem, index, raw["cell_type"], source,
                        tuple(raw.get("metadata", {}).get("tags", ())),
                        raw.get("metadata", {}), flag))
    return tuple(out)


_CODE_SPAN = re.compile(r"`[^`\n]*`")
_DISPLAY_MATH = re.compile(r"\$\$.*?\$\$", re.S)
_INLINE_MATH = re.compile(r"\$[^$\n]+\$")
_FENCED = re.compile(r"^```+[^\n]*\n(?:.*?\n)?```+\s*$", re.S | re.M)


def prose(markdown: str, keep_directives: bool = True) -> str:
    """Markdown with code spans and math removed (directive bodies kept as prose)."""
    text = _DISPLAY_MATH.sub(" ", markdown)
    if not keep_directives:
        text = _FENCED.sub(" ", text)
    text = _CODE_SPAN.sub(" ", text)
    return _INLINE_MATH.sub(" ", text)


def chapter_prose(path: Path) -> str:
    """All markdown prose of a notebook, in order."""
    return "\n".join(prose(c.source) for c in cells(path) if c.kind == "markdown")


def main_path_characters(path: Path) -> int:
    """Characters of markdown outside 深入 sections (the main reading path)."""
    return sum(len(c.source) for c in cells(path) if c.kind == "markdown" and not c.deep_dive)


GLOSSARY = ROOT / "book" / "appendix" / "glossary.md"
_FIRST_SEEN = re.compile(r"首见：\{doc\}`([^`]+)`")


def glossary_entries() -> list[dict]:
    """Entries of the glossary directive: zh, en, meaning, first (a docname)."""
    text = GLOSSARY.read_text(encoding="utf-8")
    body = text.split("```{glossary}", 1)[1].split("\n```", 1)[0]
    entries, terms, definition = [], [], []

    def flush():
        if terms:
            entries.append({"terms": list(terms), "definition": " ".join(definition)})

    for line in body.splitlines():
        if not line.strip():
            continue
        if line.startswith(" "):
            definition.append(line.strip())
        else:
            if definition:
                flush()
                terms.clear()
                definition.clear()
            terms.append(line.strip())
    flush()
    out = []
    for entry in entries:
        first = _FIRST_SEEN.search(entry["definition"])
        out.append({"zh": entry["terms"][0], "en": entry["terms"][-1],
                    "n_terms": len(entry["terms"]), "meaning": entry["definition"],
                    "first": first.group(1) if first else None})
    return out

def glossary_first_seen() -> dict[str, str]:
    """Every glossary term (Chinese and English) -> the docname its entry names as 首见."""
    out = {}
    for entry in glossary_entries():
        first = (GLOSSARY.parent / entry["first"]).resolve().relative_to(ROOT).as_posix()
        out.update({entry["zh"]: first, entry["en"]: first})
    return out
