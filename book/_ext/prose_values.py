"""The ``{eval}`` role for builds from the execution cache (site and PDF).

The chapters quote measured numbers as ``{eval}`glued.<name>``` or
``{eval}`f"{glued.<name>:<format>}"``` (see :mod:`activations.prose`).
JupyterLab (jupyterlab-myst) evaluates these in the learner's kernel. myst-nb's
own ``eval`` role needs a live kernel during the build, which the cached
execution (DESIGN section 8's rebuild target) does not have; this role instead
evaluates the same restricted expression from the values the notebook glued,
so the site shows what the kernel shows.

A name nothing glued, or an expression of another form, is a build warning
(the book builds with ``-W``), never an empty or stale number.
"""

from __future__ import annotations

from docutils import nodes
from myst_nb.core.variables import RetrievalError
from myst_nb.ext.glue.utils import retrieve_glue_data
from myst_nb.ext.utils import RoleBase
from sphinx.util import logging

from activations.prose import ProseExpressionError, shown_text

LOGGER = logging.getLogger(__name__)


class GluedExpressionRole(RoleBase):
    """``{eval}`expression``` -> the text JupyterLab shows for it."""

    def _plain_text(self, name: str) -> str:
        data = retrieve_glue_data(self.document, name).data
        if "text/plain" not in data:
            raise RetrievalError(f"the value glued under {name!r} has no text/plain form")
        return data["text/plain"]

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        try:
            text = shown_text(self.text, self._plain_text)
        except (ProseExpressionError, RetrievalError) as exc:
            message = self.inliner.reporter.warning(
                f"{{eval}}`{self.text}`: {exc}", line=self.line)
            return [nodes.problematic(self.rawtext, self.rawtext)], [message]
        node = nodes.inline(text, text, classes=["glued-value"])
        self.set_source_info(node)
        return [node], []


def setup(app):
    """Replace myst-nb's kernel-bound ``eval`` role (myst_nb must load first)."""
    app.setup_extension("myst_nb")
    app.add_role("eval", GluedExpressionRole(), override=True)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
