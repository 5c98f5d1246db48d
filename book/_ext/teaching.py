"""Coursework on the site: student notebooks for download and the teaching guide's tables.

* At the start of an HTML build, every chapter whose exercises are tagged for
  grading is converted by ``assignments.build_course`` (nbgrader's own
  ``generate_assignment``); the student version ``release/<slug>/<slug>.ipynb``
  is copied to ``_downloads/student/<slug>.ipynb`` in the site. A chapter is
  converted again only when its notebook or the converter changed (hashes in
  ``_downloads/student/hashes.json``).
* Each such chapter's download menu gets "学生版 .ipynb" beside the full
  notebook; both are relative links, so they work from ``file://`` too.
* The directive ``coursework-table`` (used by book/appendix/teaching.md)
  writes, at build time, the table of every chapter's exercises by kind with
  their checks, hidden tests and points, read from the notebooks' tags.

A malformed exercise is a build warning naming the notebook and the cell, so
``make book`` (``--warningiserror``) fails on it as ``make assignments`` does.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import tempfile
from pathlib import Path

import nbformat
from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

import assignments

logger = logging.getLogger(__name__)

STUDENT_DIR = Path("_downloads", "student")
KIND_NAMES = {"derive": "推导", "implement": "实现", "experiment": "实验", "other": "其他"}


def student_url(slug: str) -> str:
    """Site-relative path of a chapter's student notebook."""
    return f"{STUDENT_DIR.as_posix()}/{slug}.ipynb"


def _chapters(app: Sphinx) -> dict[str, Path]:
    """docname -> notebook path for every notebook of the book that has exercises."""
    root = Path(app.srcdir)
    return {path.relative_to(root).with_suffix("").as_posix(): path
            for path in assignments.book_notebooks(root / "book")}


def _digest(path: Path) -> str:
    converter = Path(assignments.__file__).read_bytes()
    return hashlib.sha256(converter + path.read_bytes()).hexdigest()


def build_student_notebooks(app: Sphinx) -> None:
    """Convert the tagged chapters and copy their student versions into the site."""
    app.env.coursework_students = {}
    if app.builder.format != "html":
        return
    target = Path(app.outdir, STUDENT_DIR)
    target.mkdir(parents=True, exist_ok=True)
    hashes_path = target / "hashes.json"
    hashes = json.loads(hashes_path.read_text()) if hashes_path.exists() else {}
    tagged = {doc: path for doc, path in _chapters(app).items() if assignments.is_tagged(path)}
    stale = {doc: path for doc, path in tagged.items()
             if hashes.get(path.stem) != _digest(path) or not (target / f"{path.stem}.ipynb").exists()}
    if stale:
        logger.info(f"[coursework] student notebooks: converting {len(stale)} chapter(s)")
        with tempfile.TemporaryDirectory(prefix="coursework-") as work:
            course = Path(work, "assignments")
            converted = {}
            # All chapters in one course (one gradebook: fast); if one is
            # malformed, again one at a time so it costs only its own link.
            try:
                assignments.build_course(list(stale.values()), course, log=lambda message: None)
                batches = []
            except assignments.ConversionError:
                batches = [[doc] for doc in stale]
            for doc, path in stale.items():
                if batches:
                    try:
                        shutil.rmtree(course, ignore_errors=True)
                        assignments.build_course([path], course, log=lambda message: None)
                    except assignments.ConversionError as error:
                        logger.warning(f"[coursework] {error}", location=doc)
                        continue
                shutil.copyfile(course / "release" / path.stem / f"{path.stem}.ipynb",
                                target / f"{path.stem}.ipynb")
                converted[path.stem] = _digest(path)
        hashes.update(converted)
        hashes_path.write_text(json.dumps(hashes, indent=1, sort_keys=True))
    app.env.coursework_students = {doc: path.stem for doc, path in tagged.items()
                                   if hashes.get(path.stem) == _digest(path)}


def add_student_download(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """Put "学生版 .ipynb" in the chapter's download menu, after the full notebook."""
    slug = getattr(app.env, "coursework_students", {}).get(pagename)
    if slug is None:
        return
    for group in context.get("header_buttons", []):
        if group.get("label") != "download-buttons":
            continue
        button = {
            "type": "link",
            "url": context["pathto"](student_url(slug), 1),
            "text": "学生版 .ipynb",
            "tooltip": "下载学生版笔记本（无答案，可用 nbgrader 评分）",
            "icon": "fas fa-user-graduate",
            "label": "download-student-notebook-button",
        }
        buttons = group["buttons"]
        after = next((i + 1 for i, b in enumerate(buttons)
                      if b.get("label") == "download-notebook-button"), 0)
        buttons.insert(after, button)


def _inline(text: str) -> list[nodes.Node]:
    """Text with ``$...$`` spans as math nodes (typeset by MathJax on the site, by LaTeX in the PDF)."""
    parts = re.split(r"\$([^$]+)\$", text)
    # re.split puts the captured formulas at the odd positions.
    return [nodes.math(part, part) if i % 2 else nodes.Text(part)
            for i, part in enumerate(parts) if part]


def _doc_link(docname: str, title: str) -> addnodes.pending_xref:
    """A link to another page of the book, resolved by Sphinx for every builder."""
    xref = addnodes.pending_xref("", refdomain="std", reftype="doc", reftarget="/" + docname,
                                 refexplicit=True, refwarn=True)
    xref += nodes.inline(title, title)
    return xref


def _table(header: list[str], rows: list[list[list[nodes.Node]]]) -> nodes.table:
    """A docutils table: ``rows`` holds, per row, each cell's body nodes."""
    group = nodes.tgroup(cols=len(header))
    group += [nodes.colspec(colwidth=1) for _ in header]
    head = nodes.thead()
    head += nodes.row("", *(nodes.entry("", nodes.paragraph(text=text)) for text in header))
    body = nodes.tbody()
    for cells in rows:
        body += nodes.row("", *(nodes.entry("", *content) for content in cells))
    group += [head, body]
    table = nodes.table(classes=["coursework-table"])
    table += group
    return table


class CourseworkTable(SphinxDirective):
    """``coursework-table``: every chapter's exercises by kind, checks and points."""

    has_content = False

    def run(self):
        rows = []
        for docname in _chapters_in_toc(self):
            path = Path(self.env.srcdir, docname + ".ipynb")
            self.env.note_dependency(str(path))
            nb = nbformat.read(path, as_version=4)
            try:
                found = assignments.scan(nb, path.name, require_points=False)
            except assignments.ConversionError as error:
                logger.warning(f"[coursework] {error}", location=self.get_location())
                continue
            rows.append(self._row(docname, nb, found))
        table = _table(["章", "练习（类型 · 检查 / 隐藏测试 · 分值）", "总分", "学生版"], rows)
        # For the PDF: the table is longer than a page (longtable breaks it)
        # and the exercises need the widest column. The HTML writer skips the
        # column spec and only carries the class name.
        table["classes"].append("longtable")
        widths = addnodes.tabular_col_spec(
            spec=r"\X{5}{20}\X{9}{20}\X{2}{20}\X{4}{20}")
        return [widths, table]

    def _row(self, docname, nb, found) -> list[list[nodes.Node]]:
        title = next((line[2:].strip() for cell in nb.cells if cell.cell_type == "markdown"
                      for line in cell.source.splitlines() if line.startswith("# ")), docname)
        items = nodes.bullet_list()
        for ex in found.exercises:
            name = re.split(r"[：:]", ex.title, maxsplit=1)[-1].strip()
            if ex.graded:
                detail = (f"{len(ex.checks)} / {len(ex.hidden)} · "
                          f"{ex.points if ex.points else '未定'} 分")
            else:
                detail = "书面回答" if ex.written_solution and not ex.asks_for_code else "未评分"
            items += nodes.list_item("", nodes.paragraph(
                "", "", nodes.Text(f"{KIND_NAMES[ex.kind]}："), *_inline(name),
                nodes.Text(f"（{detail}）")))
        stem = Path(found.name).stem
        if self.env.app.builder.format == "html":
            graded = docname in getattr(self.env, "coursework_students", {})
            student = nodes.reference("", f"{stem}.ipynb", refuri=self._student_href(found.name))
        else:
            # The PDF has no student notebooks to link to: it names the file
            # `make assignments` writes (assignments/release/<slug>/) for a
            # chapter tagged for grading.
            graded = assignments.is_tagged(Path(self.env.srcdir, docname + ".ipynb"))
            student = nodes.literal(text=f"{stem}.ipynb")
        total = str(found.points) if graded else "未标注"
        if not graded:
            student = nodes.Text("—")
        return [[nodes.paragraph("", "", _doc_link(docname, title))], [items],
                [nodes.paragraph(text=total)], [nodes.paragraph("", "", student)]]

    def _student_href(self, name):
        depth = self.env.docname.count("/")
        return "../" * depth + student_url(Path(name).stem)


def _chapters_in_toc(directive) -> list[str]:
    """Chapters with exercises, in the order of _toc.yml (any others after them)."""
    import yaml

    chapters = _chapters(directive.env.app)
    toc = yaml.safe_load(Path(directive.env.srcdir, "_toc.yml").read_text(encoding="utf-8"))
    order: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                order.append(str(node["file"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(toc)
    ordered = [doc for doc in order if doc in chapters]
    return ordered + sorted(set(chapters) - set(ordered))


def setup(app: Sphinx):
    app.connect("builder-inited", build_student_notebooks)
    # After sphinx-book-theme's add_header_buttons (priority 501) builds the menu.
    app.connect("html-page-context", add_student_download, priority=502)
    app.add_directive("coursework-table", CourseworkTable)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
