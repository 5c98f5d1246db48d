"""Citations that read as citations in JupyterLab and stay BibTeX citations on the site.

jupyterlab-myst cannot read ``references.bib``: a ``{cite:p}`` role shows its
raw key there, flagged as unresolved. So a notebook writes a citation as a
Markdown link whose text is the citation and whose target names the keys::

    [（LeCun et al., 1998）](#cite.p:lecun1998efficient)   parenthetical
    [Hendrycks and Gimpel, 2016](#cite.t:hendrycks2016gaussian)   textual

JupyterLab shows the text. Before the site or PDF build parses a notebook,
:func:`restore_roles` turns each such link back into the ``{cite:p}`` /
``{cite:t}`` role, so sphinxcontrib-bibtex formats, links and lists the
citation exactly as before. ``tests/test_book_conventions.py`` checks that
each link's text is :func:`citation_text` of its keys, so the text cannot
drift from the bibliography.
"""

from __future__ import annotations

import re
from pathlib import Path

BIBLIOGRAPHY = Path(__file__).resolve().parents[1] / "references.bib"

#: A citation link; the text may not contain brackets, quotes or backslashes
#: (it is matched inside the notebook's JSON text, see restore_roles).
LINK = re.compile(
    r"\[(?P<text>[^\[\]\n\"\\]*)\]\(#cite\.(?P<kind>[pt]):(?P<keys>[\w.:-]+(?:,[\w.:-]+)*)\)")


def load_citations(path: Path = BIBLIOGRAPHY) -> dict[str, str]:
    """BibTeX key -> "Author et al., year" (two authors: "A and B, year"), LaTeX accents as Unicode."""
    if not path.exists():
        return {}
    from pybtex.database import parse_file  # installed with sphinxcontrib-bibtex
    from pybtex.richtext import Text

    def plain(latex: str) -> str:  # Mont{\'u}far -> Montúfar
        return Text.from_latex(latex).render_as("text")

    citations = {}
    for key, entry in parse_file(str(path)).entries.items():
        people = entry.persons.get("author") or entry.persons.get("editor") or []
        names = [plain(" ".join(p.last_names)) for p in people]
        who = names[0] + (" et al." if len(names) > 2 else f" and {names[1]}" if len(names) == 2
                          else "") if names else entry.fields.get("title", key)
        citations[key] = f"{who}, {entry.fields.get('year', 'n.d.')}".replace("{", "").replace("}", "")
    return citations


def citation_text(kind: str, keys: str, citations: dict[str, str]) -> str:
    """The plain text of a citation: ``p`` in full-width parentheses, ``t`` bare.

    >>> citation_text("p", "a,b", {"a": "A et al., 2020", "b": "B, 2019"})
    '（A et al., 2020; B, 2019）'
    """
    cited = "; ".join(citations.get(key.strip(), key.strip()) for key in keys.split(","))
    return f"（{cited}）" if kind == "p" else cited


def citation_link(kind: str, keys: str, citations: dict[str, str]) -> str:
    """The Markdown link a notebook writes for a citation (see the module docstring)."""
    return f"[{citation_text(kind, keys, citations)}](#cite.{kind}:{keys})"


def restore_roles(text: str) -> str:
    """Every citation link in ``text`` back to its ``{cite:p}``/``{cite:t}`` role."""
    return LINK.sub(lambda m: f"{{cite:{m['kind']}}}`{m['keys']}`", text)


def _restore_in_notebooks(app, docname: str, source: list) -> None:
    if str(app.env.doc2path(docname)).endswith(".ipynb"):
        source[0] = restore_roles(source[0])


def setup(app):
    """Turn citation links back into roles before a notebook is parsed."""
    app.connect("source-read", _restore_in_notebooks)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
