"""The printed book's structure: parts, preface, appendix and references in the PDF.

``make pdf`` (``book/_ext/pdf.py``) runs Sphinx's LaTeX builder on the same
sources as the site. Left alone, the builder turns the book's shape into a
manual's: the preface's sections become chapters 1-6 ahead of the real
chapters, the parts of ``_toc.yml`` disappear (their captions only name the
table of contents), and the bibliography lands at the very end under an
English heading, leaving the appendix's references chapter empty.

This extension rearranges the assembled LaTeX doctree (a post-transform that
runs only for the LaTeX builder, on the root document into which the builder
has inlined every chapter):

* the root document (``book/intro``) becomes an unnumbered 前言 chapter whose
  sections are unnumbered sections;
* each toctree of the root document (one per part of ``_toc.yml``) is
  preceded by ``\\part{<caption>}``; the first unnumbered part after the
  numbered ones (附录) starts the appendix, so its chapters are lettered;
* the bibliography is moved back into the chapter whose page holds the
  ``bibliography`` directive;
* in table cells, long CamelCase identifiers and slashed names may break
  (a comparison table's column can be narrower than one of them).

The LaTeX side (Chinese headings, line breaks in long identifiers, the
bibliography without a heading of its own) is the style file
``pdf_layout.sty`` beside this module, which the extension copies into the
LaTeX output folder and loads. The HTML builders are not touched.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.builders.latex.nodes import thebibliography
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.texescape import escape

logger = logging.getLogger(__name__)

STYLE = Path(__file__).with_name("pdf_layout.sty")


def _latex(text: str) -> nodes.raw:
    """A piece of LaTeX, written as is by the LaTeX builder (other builders skip it)."""
    return nodes.raw("", text, format="latex")


def _labels(docname: str, ids) -> str:
    """LaTeX labels for a node's ids, in the form Sphinx's writer gives references."""
    return "".join(rf"\label{{\detokenize{{{docname}:{id_}}}}}" for id_ in ids)


#: Where a long identifier in a table cell may break: between a lower-case
#: letter or digit and an upper-case letter (DenseRelu|Dense).
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
#: A slash between words (ReGLU/|GeGLU): LaTeX breaks no line there by itself.
_SLASH = re.compile(r"(?<=\w/)(?=\w)")
#: Inline code shorter than this stays whole.
LONG_LITERAL = 12


def _breakable(pieces: list[str], make) -> list[nodes.Node]:
    """``make(piece)`` for each piece, with a LaTeX line-break opportunity between them."""
    out: list[nodes.Node] = []
    for i, piece in enumerate(pieces):
        if i:
            out.append(_latex(r"\allowbreak{}"))
        out.append(make(piece))
    return out


def _is_toctree_wrapper(node) -> bool:
    return isinstance(node, nodes.compound) and "toctree-wrapper" in node["classes"]


class BookLayout(SphinxPostTransform):
    """Preface, parts, appendix and bibliography of the assembled LaTeX document."""

    # After Sphinx's LaTeX BibliographyTransform (750), which gathers the
    # citations into one thebibliography node at the end of the document.
    default_priority = 760
    builders = ("latex",)

    def run(self, **kwargs) -> None:
        root = self.config.root_doc
        if self.document.get("docname") != root:
            return
        section = next((child for child in self.document.children
                        if isinstance(child, nodes.section)), None)
        if section is None:
            logger.warning("pdf_layout: the root document %s has no title", root)
            return
        self._preface(root, section)
        self._parts(root, section)
        self._bibliography()
        self._table_breaks()

    def _preface(self, root: str, section: nodes.section) -> None:
        """The root document as an unnumbered chapter with unnumbered sections."""
        title = escape(section[0].astext(), "xelatex")
        section.insert(1, _latex(
            rf"\chapter*{{{title}}}\markboth{{{title}}}{{{title}}}"
            rf"\addcontentsline{{toc}}{{chapter}}{{{title}}}" + _labels(root, section["ids"])))
        for sub in [child for child in section.children if isinstance(child, nodes.section)]:
            heading = escape(sub[0].astext(), "xelatex")
            sub.replace_self([_latex(rf"\section*{{{heading}}}" + _labels(root, sub["ids"])),
                              *sub.children[1:]])

    def _parts(self, root: str, section: nodes.section) -> None:
        """``\\part`` before each part's chapters; the appendix from the first unnumbered part on."""
        toctrees = list(self.env.get_doctree(root).findall(addnodes.toctree))
        wrappers = [child for child in section.children if _is_toctree_wrapper(child)]
        if len(toctrees) != len(wrappers):
            logger.warning("pdf_layout: %d toctrees in %s but %d inlined in the LaTeX document; "
                           "parts left out", len(toctrees), root, len(wrappers))
            return
        seen_numbered = in_appendix = False
        for toctree, wrapper in zip(toctrees, wrappers):
            caption = toctree.get("caption")
            if not caption:
                logger.warning("pdf_layout: a toctree of %s has no caption; no part heading", root)
                continue
            title = escape(caption, "xelatex")
            if toctree.get("numbered"):
                if in_appendix:
                    logger.warning("pdf_layout: numbered part %r after the appendix", caption)
                seen_numbered = True
                heading = rf"\part{{{title}}}"
            elif seen_numbered and not in_appendix:
                in_appendix = True
                # titlesec lists an unnumbered part in 目录 as well.
                heading = rf"\appendix\part*{{{title}}}"
            else:
                heading = rf"\part*{{{title}}}"
            wrapper.parent.insert(wrapper.parent.index(wrapper), _latex(heading))

    def _table_breaks(self) -> None:
        """Let narrow table columns break long identifiers and slashed names.

        A column of a comparison table may be narrower than one name in it
        (``DenseReluDense``, ``ReGLU/GeGLU/SwiGLU``); LaTeX then sets the
        name into the next column. Inside table cells only, such names get
        break opportunities without a hyphen.
        """
        for entry in list(self.document.findall(nodes.entry)):
            for literal in list(entry.findall(nodes.literal)):
                text = literal.astext()
                pieces = _CAMEL.split(text)
                if len(text) < LONG_LITERAL or len(pieces) == 1 or len(literal.children) != 1:
                    continue
                literal.replace_self(_breakable(
                    pieces, lambda piece: nodes.literal(piece, piece, classes=literal["classes"])))
            for text in list(entry.findall(nodes.Text)):
                if isinstance(text.parent, (nodes.literal, nodes.math, nodes.raw)):
                    continue
                pieces = _SLASH.split(str(text))
                if len(pieces) > 1:
                    text.parent.replace(text, _breakable(pieces, nodes.Text))

    def _bibliography(self) -> None:
        """Put the gathered bibliography where the ``bibliography`` directive stands."""
        lists = list(self.document.findall(thebibliography))
        domain = self.env.get_domain("cite")
        homes = sorted({key.docname for key in getattr(domain, "bibliographies", {})})
        if not lists:
            return
        if len(homes) != 1:
            logger.warning("pdf_layout: bibliography directives in %s; the references stay at "
                           "the end of the PDF", homes or "no document")
            return
        home = next((node for node in self.document.findall(addnodes.start_of_file)
                     if node["docname"] == homes[0]), None)
        target = next(iter(home.findall(nodes.section)), None) if home is not None else None
        if target is None:
            logger.warning("pdf_layout: %s is not in the LaTeX document", homes[0])
            return
        for node in lists:
            node.parent.remove(node)
            target.append(node)


def add_style(app: Sphinx) -> None:
    """Copy ``pdf_layout.sty`` next to the LaTeX sources the builder writes."""
    if app.builder.name != "latex":
        return
    Path(app.outdir).mkdir(parents=True, exist_ok=True)
    shutil.copyfile(STYLE, Path(app.outdir, STYLE.name))


def setup(app: Sphinx) -> dict:
    app.add_post_transform(BookLayout)
    app.add_latex_package(STYLE.stem)
    app.connect("builder-inited", add_style)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
