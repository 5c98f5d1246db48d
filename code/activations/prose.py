r"""Measured numbers in the prose: one sentence for the site, the PDF and JupyterLab.

A chapter computes a number in a code cell and quotes it in the text. The code
cell calls :func:`glue`, which does two things:

* it stores the value in the notebook's outputs in myst-nb's glue format, where
  the site and PDF builds (from the execution cache, without a kernel) find it;
* it keeps the value in :data:`glued`, where JupyterLab finds it: jupyterlab-myst
  evaluates each ``{eval}`` role of a Markdown cell in the running kernel.

The text quotes the number with an ``{eval}`` role in one of two forms::

    {eval}`glued.overflow_x`            the value as Python shows it
    {eval}`f"{glued.rel_value:.1e}"`    the value with a format specification

In JupyterLab the kernel evaluates that expression; on the site
``book/_ext/prose_values.py`` evaluates the same expression with
:func:`shown_text` from the glued plain text, so both show the same
characters (a test in ``tests/test_prose.py`` holds them to it). Only these
forms are accepted, so that the site never needs a kernel.

>>> glue("answer", 0.5)
>>> glued.answer
0.5
>>> shown_text('f"{glued.answer:.0%}"', {"answer": "0.5"}.__getitem__)
'50%'
"""

from __future__ import annotations

import ast
import re
from typing import Any, Callable

import numpy as np

__all__ = ["glue", "glued", "GluedValues", "shown_text", "glued_names", "ProseExpressionError"]

#: The one name an ``{eval}`` expression may read.
NAMESPACE = "glued"

# jupyterlab-myst shows a text/plain result without one pair of surrounding
# quotes (its PlainTextRenderer), so a glued string reads as text.
_OUTER_QUOTES = re.compile(r"""^(["'])(.*)\1$""", re.DOTALL)


class ProseExpressionError(ValueError):
    """An ``{eval}`` expression the site cannot evaluate without a kernel."""


class GluedValues:
    """The values glued so far in this kernel, read as attributes.

    ``glued.name`` returns the value glued under ``name``. Reading a name not
    glued yet is an :class:`AttributeError` that says which cells to run,
    which JupyterLab shows in place of the number.
    """

    def __init__(self) -> None:
        object.__setattr__(self, "_values", {})

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(
                f"nothing glued under {name!r} yet: run the code cells above this text "
                f"(Run > Run All Cells)") from None

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("glued values are set with activations.prose.glue(name, value)")

    def __dir__(self) -> list[str]:
        return sorted(self._values)

    def __repr__(self) -> str:
        return f"<glued: {len(self._values)} values>"


#: The values glued in this kernel; ``{eval}`` roles read them.
glued = GluedValues()


def glue(name: str, value: Any, display: bool = False) -> None:
    """Glue ``value`` under ``name`` for the site and keep it for JupyterLab.

    Parameters
    ----------
    name : str
        A Python identifier: prose quotes it as ``glued.<name>``.
    value : object
        A number, a string (e.g. :class:`activations.evidence.Shown`) or a
        tuple of them. NumPy scalars are stored as Python scalars, whose
        plain-text form reads back to the same value (NumPy 2 shows
        ``np.float64(0.5)``, which no format specification accepts).
    display : bool
        Also show the value below the cell (myst-nb's ``display``).

    Raises
    ------
    ValueError
        If ``name`` is not an identifier.
    """
    if not name.isidentifier():
        raise ValueError(f"glue name {name!r} is not a Python identifier; "
                         "the prose reads it as glued.<name>")
    if isinstance(value, np.generic):
        value = value.item()
    _publish(name, value, display)
    glued._values[name] = value


#: myst-nb's prefix for a glued value that is stored but not shown below the cell.
GLUE_MIME_PREFIX = "application/papermill.record/"


def _publish(name: str, value: Any, display: bool) -> None:
    """Store ``value`` in the cell's outputs as myst-nb's ``glue`` does.

    The format (papermill's record: the value's MIME bundle, its keys
    prefixed unless shown, and ``{"scrapbook": {"name", "mime_prefix"}}`` in
    the metadata) is what myst-nb reads back when it builds the site;
    ``tests/test_prose.py`` checks that both write the same output. Calling
    ``myst_nb.glue`` instead would import nbformat and jsonschema, about 2 s
    of CPU at the first quoted number of every notebook.
    """
    from IPython.core.formatters import format_display_data
    from IPython.display import display as publish

    bundle, metadata = format_display_data(value)
    prefix = "" if display else GLUE_MIME_PREFIX
    metadata["scrapbook"] = {"name": name, "mime_prefix": prefix}
    publish({prefix + mime: data for mime, data in bundle.items()}, raw=True, metadata=metadata)


def _parse(expression: str) -> ast.expr:
    try:
        return ast.parse(expression.strip(), mode="eval").body
    except SyntaxError as exc:
        raise ProseExpressionError(f"{expression!r} is not a Python expression: {exc.msg}") from None


def _glued_name(node: ast.expr, expression: str) -> str:
    """``glued.<name>`` -> ``name``; anything else is refused."""
    if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
            and node.value.id == NAMESPACE):
        return node.attr
    raise ProseExpressionError(
        f"{expression!r}: an {{eval}} role reads glued.<name>, "
        f'optionally as f"{{glued.<name>:<format>}}"')


def _fields(expression: str) -> list[tuple[str, str | None, str]] | str:
    """The glued name of a bare ``glued.<name>``, or the f-string's pieces.

    An f-string gives (literal text, glued name or None, format spec) pieces.
    """
    node = _parse(expression)
    if not isinstance(node, ast.JoinedStr):
        return _glued_name(node, expression)
    pieces = []
    for part in node.values:
        if isinstance(part, ast.Constant):
            pieces.append((part.value, None, ""))
            continue
        if part.conversion != -1:
            raise ProseExpressionError(f"{expression!r}: no !r/!s/!a conversions")
        spec = ""
        if part.format_spec is not None:
            if not all(isinstance(v, ast.Constant) for v in part.format_spec.values):
                raise ProseExpressionError(f"{expression!r}: the format must be a constant")
            spec = "".join(v.value for v in part.format_spec.values)
        pieces.append(("", _glued_name(part.value, expression), spec))
    return pieces


def glued_names(expression: str) -> list[str]:
    """The glued names an ``{eval}`` expression reads, in order.

    >>> glued_names('f"{glued.mean:.2f} ± {glued.sd:.2f}"')
    ['mean', 'sd']
    """
    fields = _fields(expression)
    if isinstance(fields, str):
        return [fields]
    return [name for _, name, _ in fields if name is not None]


def _value_of(text: str) -> Any:
    """The value a glued plain text stands for: a literal if it is one, else the text.

    ``inf``, ``-inf`` and ``nan`` (Python's repr of those floats) are no
    literals, so they are read as floats here.
    """
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        if text.strip() in ("inf", "-inf", "nan"):
            return float(text)
        return text


def shown_text(expression: str, plain_text_of: Callable[[str], str]) -> str:
    """What JupyterLab shows for an ``{eval}`` expression, from glued plain text.

    Parameters
    ----------
    expression : str
        ``glued.<name>`` or an f-string of ``{glued.<name>:<format>}`` fields.
    plain_text_of : callable
        Maps a glued name to its ``text/plain`` form (IPython's repr of the
        value, which is also what the kernel returns for the expression).

    Returns
    -------
    str
        ``glued.<name>``: the plain text without one pair of surrounding
        quotes (as jupyterlab-myst shows it); an f-string: the string it
        formats, each field formatted from the value the plain text reads back
        to (``ast.literal_eval``; a text that is no literal stays text).

    Raises
    ------
    ProseExpressionError
        If the expression has another form, or a format does not apply.
    """
    fields = _fields(expression)
    if isinstance(fields, str):
        text = plain_text_of(fields)
        match = _OUTER_QUOTES.match(text)
        return match.group(2) if match else text
    out = []
    for literal, name, spec in fields:
        if name is None:
            out.append(literal)
            continue
        try:
            out.append(format(_value_of(plain_text_of(name)), spec))
        except (ValueError, TypeError) as exc:
            raise ProseExpressionError(f"{expression!r}: {exc}") from None
    return "".join(out)
