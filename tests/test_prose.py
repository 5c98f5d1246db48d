"""Quoted numbers (activations.prose): the site shows what the learner's kernel shows.

JupyterLab (jupyterlab-myst) evaluates an ``{eval}`` expression in the kernel
and shows the result's text/plain form without one pair of outer quotes. The
site evaluates the same expression from the glued text/plain form
(:func:`activations.prose.shown_text`). These tests evaluate each expression
both ways, as the kernel would (``eval`` + IPython's formatter) and as the site
does, and require the same characters.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from IPython.core.formatters import format_display_data

from activations import prose
from activations.evidence import Shown


def kernel_shows(expression: str, values: dict) -> str:
    """What jupyterlab-myst shows: the kernel's text/plain of the result, outer quotes off."""
    namespace = prose.GluedValues()
    namespace._values.update(values)
    text = format_display_data(eval(expression, {"glued": namespace}))[0]["text/plain"]
    return re.sub(r"""^(["'])(.*)\1$""", r"\2", text, flags=re.DOTALL)


def site_shows(expression: str, values: dict) -> str:
    """What the site shows: the expression evaluated from the glued text/plain forms."""
    plain = {name: format_display_data(value)[0]["text/plain"] for name, value in values.items()}
    return prose.shown_text(expression, plain.__getitem__)


VALUES = {
    "ratio": 0.123456789, "tiny": 3.2e-300, "count": 8, "negative": -2.5, "big": 1e22,
    "summary": Shown("93.1% ± 0.9%（8/8 个种子收敛）"), "name": "relu", "quoted": "it's \"x\"",
    "flag": True, "pair": (0.01, 0.03), "zero": -0.0, "inf": float("inf"), "nan": float("nan"),
    "minus_inf": -float("inf"),
}
EXPRESSIONS = [
    "glued.ratio", "glued.tiny", "glued.count", "glued.summary", "glued.name", "glued.quoted",
    "glued.flag", "glued.pair", "glued.zero", "glued.inf", 'f"{glued.ratio:.2f}"',
    'f"{glued.ratio:.1%}"', 'f"{glued.tiny:.1e}"', 'f"{glued.count:.0f}"', 'f"{glued.count}"',
    'f"{glued.negative:+.1f}"', 'f"{glued.big:.3g}"', 'f"{glued.summary}"', 'f"{glued.name:s}"',
    'f"{glued.ratio:.2f} 与 {glued.negative:.1f}"', 'f"{glued.inf:.1f}"', "f'{glued.ratio:.3f}'", 'f"{glued.nan:.2f}"',
    'f"{glued.minus_inf:.0%}"', "glued.nan",
]


@pytest.mark.parametrize("expression", EXPRESSIONS)
def test_the_site_shows_what_the_kernel_shows(expression):
    assert site_shows(expression, VALUES) == kernel_shows(expression, VALUES)


@pytest.fixture(scope="module")
def shell():
    """An IPython shell, so that display data can be captured as a kernel would send it."""
    from IPython.core.interactiveshell import InteractiveShell

    return InteractiveShell.instance()


def displayed(shell, fn) -> list[tuple[dict, dict]]:
    """(data, metadata) of every display output ``fn()`` publishes."""
    from IPython.utils.capture import capture_output

    with capture_output() as captured:
        fn()
    return [(output.data, output.metadata) for output in captured.outputs]


@pytest.mark.parametrize("display", [False, True])
@pytest.mark.parametrize("value", [0.125, 3, "95.9% ± 0.6%", (1.5, "a"), -math.inf])
def test_glue_writes_the_output_myst_nb_reads(shell, value, display):
    """The site reads glued values in myst-nb's format: ours must be byte for byte its own."""
    from myst_nb import glue as myst_glue

    ours = displayed(shell, lambda: prose.glue("value", value, display=display))
    theirs = displayed(shell, lambda: myst_glue("value", value, display=display))
    assert ours == theirs and len(ours) == 1


def test_numpy_scalars_are_glued_as_python_numbers(monkeypatch):
    shown = {}
    monkeypatch.setattr(prose, "_publish", lambda name, value, display: shown.update({name: value}))
    prose.glue("ratio64", np.float64(0.1))
    prose.glue("ratio32", np.float32(0.1))
    prose.glue("count", np.int64(3))
    assert type(prose.glued.ratio64) is float and prose.glued.ratio64 == 0.1
    assert prose.glued.ratio32 == float(np.float32(0.1)) and type(shown["ratio32"]) is float
    assert type(prose.glued.count) is int
    # NumPy 2's repr would be np.float64(0.1), which no format specification reads back
    values = {"ratio64": prose.glued.ratio64}
    assert site_shows('f"{glued.ratio64:.2f}"', values) == "0.10" == \
        kernel_shows('f"{glued.ratio64:.2f}"', values)


@pytest.mark.parametrize("name", ["slope_0.01", "1st", "a-b", "", "glued value"])
def test_a_glue_name_must_be_an_identifier(name):
    with pytest.raises(ValueError, match="not a Python identifier"):
        prose.glue(name, 1.0)


def test_reading_a_name_not_glued_says_what_to_run():
    with pytest.raises(AttributeError, match="run the code cells above"):
        prose.glued.never_glued_anywhere


def test_glued_values_are_set_only_by_glue():
    with pytest.raises(AttributeError, match="prose.glue"):
        prose.glued.x = 1


@pytest.mark.parametrize("expression", [
    "ratio", "glued", "glued.ratio + 1", "glued['ratio']", "other.ratio", 'f"{glued.ratio!r}"',
    'f"{glued.ratio:{width}}"', "glued.ratio()", "1 +", 'f"{ratio:.2f}"',
])
def test_other_expressions_are_refused(expression):
    with pytest.raises(prose.ProseExpressionError):
        prose.shown_text(expression, {"ratio": "0.5"}.__getitem__)


def test_a_format_that_does_not_apply_is_an_error_not_a_guess():
    with pytest.raises(prose.ProseExpressionError, match="glued.name"):
        prose.shown_text('f"{glued.name:.2f}"', {"name": "'relu'"}.__getitem__)


def test_glued_names_lists_every_field():
    assert prose.glued_names('f"{glued.a:.1f} ± {glued.b:.1f}（{glued.c}）"') == ["a", "b", "c"]
    assert prose.glued_names("glued.x0") == ["x0"]
