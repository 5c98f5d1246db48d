"""The house style and the shared plots draw what they are given."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

import activations
from activations import plotting


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_function_and_derivative_draw_the_package_functions():
    x = np.linspace(-5, 5, 101)
    fig, axes = plotting.plot_function_and_derivative("sigmoid", x=x)
    value_line, grad_line = axes[0].get_lines()[0], axes[1].get_lines()[0]
    np.testing.assert_array_equal(value_line.get_ydata(), activations.sigmoid(x))
    np.testing.assert_array_equal(grad_line.get_ydata(), activations.sigmoid_grad(x))
    assert value_line.get_color() == plotting.COLORS["value"]
    assert axes[0].get_title().startswith("$")  # the record's LaTeX, drawn by mathtext


def test_parameters_reach_the_function():
    calls = []
    record = activations.SIGMOID
    fake = type(record)(**{**record.__dict__, "params": {"scale": 1.0},
                           "fn": lambda x, scale: calls.append(scale) or scale * x,
                           "grad": lambda x, scale: np.full_like(x, scale)})
    _, axes = plotting.plot_function_and_derivative(fake, x=[0.0, 1.0], scale=3.0)
    assert calls == [3.0]
    np.testing.assert_array_equal(axes[1].get_lines()[0].get_ydata(), [3.0, 3.0])


def test_untypesettable_latex_falls_back_to_the_name():
    assert plotting._math_title(r"\begin{cases} x \end{cases}", "relu") == "relu"
    assert plotting._math_title(r"\sigma(x)", "sigmoid") == r"$\sigma(x)$"


def test_gradient_by_depth_is_logarithmic_with_a_bound():
    grads = 0.2 ** np.arange(1, 11)
    ax = plotting.plot_gradient_by_depth({"sigmoid": grads}, bound=0.25 ** np.arange(1, 11))
    assert ax.get_yscale() == "log"
    lines = ax.get_lines()
    np.testing.assert_array_equal(lines[0].get_xdata(), np.arange(1, 11))
    np.testing.assert_array_equal(lines[0].get_ydata(), grads)
    assert lines[1].get_linestyle() == "--"


def test_parameter_paths_and_optimum():
    path = np.array([[0.0, 0.0], [0.5, 0.5], [1.0, 0.0]])
    ax = plotting.plot_parameter_paths({"sgd": path}, target=(1.0, -1.0))
    np.testing.assert_array_equal(ax.get_lines()[0].get_xydata(), path)
    assert ax.get_lines()[1].get_marker() == "*"


def test_house_style_renders_svg_without_fonts(tmp_path):
    plotting.use_house_style()
    fig, _ = plotting.plot_function_and_derivative("sigmoid")
    out = tmp_path / "f.svg"
    fig.savefig(out)
    text = out.read_text()
    assert "<text" not in text  # glyphs are paths: no font needed to view
    assert plt.rcParams["savefig.dpi"] >= 200  # PNGs saved for print are 2x
