"""Optional deep dives (深入): sections a newcomer may skip, folded on the site.

Each Part II chapter has a main path a student with calculus and basic NumPy
can follow, and optional sections on the floating-point machinery. An author
marks one by its heading alone: a section whose title starts with ``深入``
(``### 深入：Dekker 分裂``). Everything in it, prose and code cells alike,
belongs to the deep dive; it is still executed and tested like the rest.

This extension tags such sections with the class ``deep-dive``; the page's
``deep-dive.js`` folds their content under the heading behind a button
(a reader who follows a link into one finds it unfolded), and
``deep-dive.css`` marks them. Printed (and in the PDF) they are shown in full.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx

#: A section whose title starts with this is a deep dive.
MARKER = "深入"
CLASS = "deep-dive"


def is_deep_dive_title(title: str) -> bool:
    """True for a deep-dive heading (``深入：…`` or ``深入 …``)."""
    return title.strip().startswith(MARKER)


def mark_deep_dives(app: Sphinx, doctree: nodes.document) -> None:
    """Add the ``deep-dive`` class to every section with a deep-dive title."""
    for section in doctree.findall(nodes.section):
        title = next(iter(section.findall(nodes.title)), None)
        if title is not None and is_deep_dive_title(title.astext()):
            section["classes"].append(CLASS)


def setup(app: Sphinx) -> dict:
    app.connect("doctree-read", mark_deep_dives)
    app.add_css_file("deep-dive.css")
    app.add_js_file("deep-dive.js")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
