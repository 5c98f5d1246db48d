"""activations.show displays the package's own source."""

from __future__ import annotations

import inspect
import sys

import activations
from activations import show


def test_source_is_the_installed_code_in_a_python_fence():
    shown = show.source(activations.sigmoid_grad)
    assert shown.code == inspect.getsource(activations.sigmoid_grad)
    markdown = shown._repr_markdown_()
    assert markdown.startswith("`activations.sigmoid.sigmoid_grad`")
    assert "```python\ndef sigmoid_grad(x):" in markdown
    assert markdown.rstrip().endswith("```")


def test_fence_outgrows_backticks_in_the_code():
    markdown = show.Source("s = '````'\n", "demo")._repr_markdown_()
    assert "`````python" in markdown


def test_modules_are_shown_whole():
    # activations.sigmoid is the function (it shadows the module), hence sys.modules.
    shown = show.source(sys.modules["activations.sigmoid"])
    assert shown.origin == "activations.sigmoid"
    assert "SIGMOID = Activation(" in shown.code


def test_docstring_can_be_dropped_keeping_the_code():
    full = show.source(activations.sigmoid_grad).code
    bare = show.source(activations.sigmoid_grad, docstring=False).code
    assert activations.sigmoid_grad.__doc__.strip().splitlines()[0] in full
    assert '"""' not in bare and "Derivative of the sigmoid" not in bare
    assert bare.splitlines()[0] == "def sigmoid_grad(x):"
    body = [line for line in full.splitlines() if "real_input(x" in line or "return restore" in line]
    assert body and all(line in bare.splitlines() for line in body)
