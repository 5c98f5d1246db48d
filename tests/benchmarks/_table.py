"""Aligned plain-text tables for the terminal and the same table as Markdown."""

from __future__ import annotations

import pathlib

#: Where ``make bench`` writes its Markdown tables (at the repository root).
RESULTS_DIR = pathlib.Path(__file__).resolve().parents[2] / "bench-results"


def render_text(header, rows):
    """Columns padded to their widest cell; numbers right-aligned."""
    cells = [list(map(str, header))] + [list(map(str, row)) for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    numeric = [all(_looks_numeric(row[i]) for row in cells[1:]) for i in range(len(header))]

    def line(row):
        return "  ".join(cell.rjust(w) if num else cell.ljust(w)
                         for cell, w, num in zip(row, widths, numeric)).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(cells[0]), rule] + [line(row) for row in cells[1:]])


def render_markdown(header, rows):
    """A GitHub-flavoured Markdown table (``|`` in cells escaped)."""
    def line(row):
        return "| " + " | ".join(str(cell).replace("|", r"\|") for cell in row) + " |"

    return "\n".join([line(header), "|" + "|".join("---" for _ in header) + "|"]
                     + [line(row) for row in rows])


def write_markdown(filename, title, preamble, header, rows):
    """Write ``bench-results/<filename>`` and return its path."""
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / filename
    path.write_text(f"# {title}\n\n{preamble}\n\n{render_markdown(header, rows)}\n", encoding="utf-8")
    return path


def _looks_numeric(cell):
    try:
        float(cell.lstrip("<>~"))
    except ValueError:
        return cell in ("", "-")
    return True
