"""Swish and GELU behaviours that mutation testing found unpinned (bench-results/mutants.md).

The accuracy test (test_accuracy) measures every value and derivative on a
grid that spans the float range, but a grid is sparse exactly where the
careful paths of ``swish`` and ``gelu`` take over: where ``beta*x`` is
rounded and the gate is in its far tail, where a result overflows only
because the true value does, at the thresholds between two formulas. Each
test here pins one such behaviour of the documented contract (DESIGN
section 8: 4 ULP against mpmath, no floating-point warnings, the input's
dtype kept), on a few inputs chosen for it.
"""

from __future__ import annotations

import mpmath
import numpy as np
import pytest

import activations
from activations import reference

from .conftest import assert_within_target
from .test_small_inputs import exact_swish_grad_beta


# --- Swish beyond |t| = 700, where the rounding of t = beta*x shows ------------------

#: betas that float64 holds only rounded, so that beta*x is rounded for most x
INEXACT_BETAS = (1.702, 0.3, 3.7)


def _swish_exact(name, x, beta):
    """mpmath values of swish, swish_grad or swish_grad_beta (elementwise) at x."""
    if name == "swish_grad_beta":
        return [exact_swish_grad_beta(mpmath.mpf(float(xi)), mpmath.mpf(beta)) for xi in x]
    return (reference.derivative if name == "swish_grad" else reference.value)("swish", x, beta=beta)


def _swish_call(name, x, beta):
    """The library's result; swish_grad_beta with beta of x's shape, so that nothing is summed."""
    if name == "swish_grad_beta":
        return activations.swish_grad_beta(x, beta=np.full_like(x, beta))
    return getattr(activations, name)(x, beta=beta)


@pytest.mark.parametrize("beta", INEXACT_BETAS)
@pytest.mark.parametrize("name", ["swish", "swish_grad", "swish_grad_beta"])
def test_swish_beyond_t_700_corrects_the_rounding_of_beta_x(name, beta):
    """Value and derivatives for 700 < |t| < 740, where the results are still normal numbers.

    There sigma(t) ~ e^t (t < 0) and sigma(t) sigma(-t) ~ e^-|t| turn the
    rounding error of t = beta*x (up to 2**-44 absolute) into a relative error
    of |t| * 2**-53 of the result, about 400 ULP: the careful paths must add
    it back, with the right sign.
    """
    t = np.concatenate([np.linspace(700.5, 739.5, 40), -np.linspace(700.5, 739.5, 40)])
    x = t / beta
    assert_within_target(_swish_call(name, x, beta), _swish_exact(name, x, beta),
                          f"{name}(beta={beta})")


@pytest.mark.parametrize("name", ["gelu", "gelu_grad"])
def test_gelu_sigmoid_beyond_t_700_is_within_target(name):
    """x sigma(1.702 x) below t = -700: 1.702 is not a float64, and its rest counts here too."""
    x = -np.linspace(700.5, 739.5, 40) / 1.702
    got = getattr(activations, name)(x, approximate="sigmoid")
    exact = (reference.derivative if name == "gelu_grad" else reference.value)(
        "gelu", x, approximate="sigmoid")
    assert_within_target(got, exact, f"{name}(approximate='sigmoid')")


@pytest.mark.parametrize("t", [100.0, 705.0, -705.0])
def test_swish_beta_gradient_overflows_quietly_where_the_true_value_does(t):
    """x = 1e200 or 1e308 with a tiny beta: x**2 sigma(t) sigma(-t) exceeds the largest float.

    The contract allows the honest inf, but no floating-point warning, on the
    bulk path (|t| <= 700) and on the far-tail path alike.
    """
    x = np.array([1e200 if abs(t) < 700 else 1e308])
    beta = t / x
    with np.errstate(all="raise"):
        got = activations.swish_grad_beta(x, beta=beta)
    assert got.tolist() == [np.inf]


# --- the gate t = beta*x: exactness cases and extreme factors ------------------------

@pytest.mark.parametrize("beta", [2.0, -1.0, 0.25])
@pytest.mark.parametrize("name", ["swish", "swish_grad", "swish_grad_beta"])
def test_swish_is_accurate_for_betas_that_make_beta_x_exact(name, beta):
    """A power-of-two beta (or -1) makes beta*x exact, but only beta = 1 is SiLU.

    The settings table has no such beta; here each function is held to the
    4-ULP target with it, on both tails and around the zero of the derivative.
    """
    t = np.concatenate([np.linspace(-40.0, 40.0, 161), -np.geomspace(40.0, 740.0, 30),
                        np.linspace(-1.75, -0.5, 26)])
    x = t / beta
    got = _swish_call(name, x, beta)
    if name == "swish_grad":   # near the zero of swish' the target is absolute (4 eps)
        errors = reference.measure("swish", x, got, True, beta=beta).errors
        worst = int(np.argmax(errors))
        assert errors[worst] <= reference.TARGET_ULP, (
            f"{name}(beta={beta}): {errors[worst]:.4g} ULP at x={x[worst]!r}")
    else:
        assert_within_target(got, _swish_exact(name, x, beta), f"{name}(beta={beta})")


@pytest.mark.parametrize("beta_scale", [1e302, 1e-302])
@pytest.mark.parametrize("name", ["swish", "swish_grad", "swish_grad_beta"])
def test_swish_with_a_huge_factor_in_beta_x(name, beta_scale):
    """beta = 1.7e302 with x ~ -1e-301, or beta ~ 1e-302 with x ~ -1e303: t = beta*x is ordinary.

    The rounding error of t is still recovered exactly (the Dekker split of
    the huge factor would overflow, so the significands are split instead).
    """
    beta = 1.7 * beta_scale
    t = -np.linspace(2.5, 60.0, 24)
    x = t / beta
    assert_within_target(_swish_call(name, x, beta), _swish_exact(name, x, beta),
                          f"{name}(beta={beta:g})")


@pytest.mark.parametrize("name", ["swish", "swish_grad_beta"])
def test_swish_far_tail_with_a_huge_x(name):
    """x up to -2e301 with beta = 1.3e-298: t = beta*x from -720 down to -2100.

    e^t alone is far below the subnormals there, but x e^t is a normal
    number down to t ~ -1400 and x^2 e^t down to t ~ -2095. Both were
    formed as (x e^{t+128}) e^-128 with t held at -1100, which returned -0
    for x e^t = -1.3e-294 (t = -1370). Mutation testing led here: the
    reasons given for three "equivalent" mutants of the error cut-off at
    |t| = 1100 assumed that nothing could lift e^t back into range.
    """
    beta = 1.3e-298
    x = -np.linspace(720.0, 2100.0, 60) / beta
    with np.errstate(over="raise", invalid="raise", divide="raise"):   # no warning either
        got = _swish_call(name, x, beta)
    assert_within_target(got, _swish_exact(name, x, beta), f"{name}(beta={beta:g})")


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_swish_with_a_zero_entry_in_beta_halves_infinities(dtype):
    """beta = 0 gives x/2 for every x, +-inf included, also where other entries of beta are not 0.

    (0 * inf is NaN, so t = beta*x cannot be formed naively there.)
    """
    x = np.array([np.inf, -np.inf, -3.0, np.inf], dtype=dtype)
    beta = np.array([0.0, 0.0, 0.0, 0.5])
    with np.errstate(all="raise"):
        got = activations.swish(x, beta=beta)
    assert got.dtype == dtype
    assert got.tolist() == [np.inf, -np.inf, -1.5, np.inf]


# --- gelu(approximate="tanh"): where the rounding of v matters ------------------------

def test_gelu_tanh_value_left_of_minus_0_6_is_within_target():
    """x sigma(v) for x in [-1.6, -0.6], where v = 2 sqrt(2/pi)(x + 0.044715 x^3) < -1.

    sigma(v) has relative condition |v| sigma(-v) > 0.7 there, so the rounding
    of v in plain float64 would cost more than the target (4.5 ULP measured);
    a dense grid sees it.
    """
    x = np.linspace(-1.6, -0.6, 5001)
    got = activations.gelu(x, approximate="tanh")
    errors = reference.measure("gelu", x, got, approximate="tanh").errors
    worst = int(np.argmax(errors))
    assert errors[worst] <= reference.TARGET_ULP, (
        f"gelu tanh: {errors[worst]:.4g} ULP at x={x[worst]!r}")


def test_gelu_tanh_derivative_left_of_the_window_is_within_target():
    """GELU-tanh' for x in [-3, -1.6]: N = (1 + v) + 2Bx^3 + e^v from the double-double parts of v."""
    x = np.linspace(-3.0, -1.6, 2001)
    got = activations.gelu_grad(x, approximate="tanh")
    errors = reference.measure("gelu", x, got, True, approximate="tanh").errors
    worst = int(np.argmax(errors))
    assert errors[worst] <= reference.TARGET_ULP, (
        f"gelu_grad tanh: {errors[worst]:.4g} ULP at x={x[worst]!r}")


def _edges(*points):
    """Each point and its two float64 neighbours."""
    return np.array([np.nextafter(p, d) for p in points for d in (-np.inf, p, np.inf)])


@pytest.mark.parametrize("approximate, points", [
    # the tanh form: its bulk/careful switches (|x| = 30, x = -0.35) and its window's edge
    ("tanh", (30.0, -30.0, -0.35, -1.6, -0.6)),
    # the erf form: ndtr gives way to the fits (-0.3, -0.5), the fits' breaks, ones above 40
    ("none", (-0.25, -0.3, -0.5, -1.0, -2.0, -4.0, -8.0, -16.0, -37.5, -40.0, 40.0)),
])
@pytest.mark.parametrize("name", ["gelu", "gelu_grad"])
def test_gelu_at_its_switch_points(name, approximate, points):
    """Exactly at a threshold between two formulas, and one float either side.

    Both formulas meet the target near a switch point, but the point itself
    belongs to one of them only: the other may not be valid there.
    """
    x = _edges(*points)
    got = getattr(activations, name)(x, approximate=approximate)
    errors = reference.measure("gelu", x, got, name == "gelu_grad", approximate=approximate).errors
    worst = int(np.argmax(errors))
    assert errors[worst] <= reference.TARGET_ULP, (
        f"{name}({approximate}): {errors[worst]:.4g} ULP at x={x[worst]!r}: got {got[worst]!r}")


def test_gelu_derivative_where_exp_of_minus_a_squared_nears_the_subnormals():
    """GELU'(x) for x in [-40, -37.5]: e^{-a^2/2} is rescaled by e^64 before the product."""
    x = np.linspace(-40.0, -37.5, 501)
    got = activations.gelu_grad(x)
    assert_within_target(got, reference.derivative("gelu", x), "gelu_grad")


@pytest.mark.parametrize("name", ["swish", "swish_grad", "swish_grad_beta"])
def test_a_non_real_beta_is_named_in_the_message(name):
    """The message names the function and the parameter, as PReLU's does for its slope."""
    with pytest.raises(TypeError, match=rf"^{name}\(\) needs real parameter 'beta' \(bool, int or "
                                        r"float16/32/64\); got dtype <U3$"):
        getattr(activations, name)([1.0, 2.0], beta="0.5")
