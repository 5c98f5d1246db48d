"""Show the package's own source code in a chapter.

A chapter's 实现 section displays the code it teaches straight from the
installed package, so the book can never drift from the library.
:func:`source` returns an object that Jupyter renders as a highlighted
Python block: as Markdown, which JupyterLab highlights and which the book
turns into a regular Sphinx code block (theme colours, copy button).
"""

from __future__ import annotations

import ast
import inspect
import re
import textwrap

__all__ = ["Source", "source"]


class Source:
    """Source code of a Python object, displayed as a highlighted block.

    Attributes
    ----------
    code : str
        The source text.
    origin : str
        ``module.qualname`` of the object, shown above the code.
    """

    def __init__(self, code: str, origin: str):
        self.code = code
        self.origin = origin

    def _repr_markdown_(self) -> str:
        # A fence longer than any run of backticks in the code cannot close early.
        longest = max((len(run) for run in re.findall("`+", self.code)), default=0)
        fence = "`" * max(3, longest + 1)
        return f"`{self.origin}`:\n\n{fence}python\n{self.code.rstrip()}\n{fence}\n"

    def __repr__(self) -> str:
        return self.code


def source(obj, docstring: bool = True) -> Source:
    """The source of a function, class or module, ready to display.

    Parameters
    ----------
    obj : function, class or module
        E.g. ``activations.sigmoid`` (the function).
    docstring : bool
        Keep the docstring of a function or class. A chapter whose prose
        already explains the method may drop it to show just the code.

    Returns
    -------
    Source
        Displays as a highlighted code block in a notebook.

    Examples
    --------
    >>> from activations import sigmoid
    >>> shown = source(sigmoid)
    >>> shown.origin
    'activations.sigmoid.sigmoid'
    >>> shown.code.startswith("def sigmoid(x):")
    True
    >>> "Parameters" in source(sigmoid, docstring=False).code
    False
    """
    module = inspect.getmodule(obj)
    name = getattr(obj, "__qualname__", None)
    origin = module.__name__ if name is None or obj is module else f"{module.__name__}.{name}"
    code = inspect.getsource(obj)
    if not docstring and obj is not module:
        code = _without_docstring(code)
    return Source(code, origin)


def _without_docstring(code: str) -> str:
    """Remove the docstring lines of the (single) function or class in ``code``."""
    tree = ast.parse(textwrap.dedent(code))
    definition = tree.body[0]
    first = definition.body[0] if definition.body else None
    if not (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
            and isinstance(first.value.value, str)):
        return code
    lines = code.splitlines(keepends=True)
    return "".join(lines[:first.lineno - 1] + lines[first.end_lineno:])
