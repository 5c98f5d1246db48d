"""SymPy forms against the NumPy code, and the identities the chapters rely on (issue 2, item 4).

The SymPy forms are for deriving and proving; the NumPy code is what ships.
Here the two are tied together: the lambdified SymPy value and derivative
agree with the NumPy functions on a grid away from kinks, the SymPy
derivative at a kink takes the package's convention, and the identities
that the chapters quote are proved symbolically.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
import sympy as sp

import activations

from .conftest import LEARNABLE, PUBLISHED_SELU_ALPHA, PUBLISHED_SELU_SCALE, activation_cases

X = sp.Symbol("x", real=True)
EPS = np.finfo(np.float64).eps

#: Half-width of the comparison grid. The lambdified SymPy forms are the naive
#: formulas; beyond these bounds their cancellation (1 - tanh^2, 1 + erf(x/sqrt2)
#: and 1 + tanh(u) in the left tail) costs more than the 1e-12 being tested.
GRID_HALF_WIDTH = {"tanh": 4.0, "gelu": 3.0}
#: Relative tolerance of the comparison; both sides are accurate to ~1e-15 on the grid.
RTOL = 1e-12
#: Size of a derivative within 0.02 of its interior zero; there the comparison is
#: absolute, RTOL * NEAR_ZERO (test_accuracy.py checks those windows against mpmath).
NEAR_ZERO = 1e-2

ELEMENTWISE = activation_cases(vector=False, scalar_only=True)


def lambdify(expr):
    """Vectorised NumPy function of ``X`` (scipy first, so erf is scipy.special.erf)."""
    return sp.lambdify(X, expr, modules=["scipy", "numpy"])


def grid(record):
    # A gated unit's SymPy form is naive in its gate exactly as the gate's own form is.
    half = GRID_HALF_WIDTH.get(record.gate or record.name, 8.0)
    x = np.linspace(-half, half, 1601)
    for kink in record.kinks:
        x = x[np.abs(x - kink) > 1e-3]
    return x


def evaluate(func, x):
    """Evaluate a lambdified expression as a float64 array of x's shape."""
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        return np.broadcast_to(np.asarray(func(x), dtype=np.float64), x.shape)


@pytest.mark.parametrize("record, params", ELEMENTWISE)
def test_sympy_value_matches_numpy(record, params):
    x = grid(record)
    expected = evaluate(lambdify(record.expr(X, **params)), x)
    np.testing.assert_allclose(record.fn(x, **params), expected, rtol=RTOL, atol=0)


def near_interior_zeros(x, values, width=0.02):
    """Grid points within ``width`` of a sign change of ``values``."""
    crossings = x[:-1][np.sign(values[:-1]) * np.sign(values[1:]) < 0]
    return np.any(np.abs(x[:, None] - crossings[None, :]) < width, axis=1)


@pytest.mark.parametrize("record, params", ELEMENTWISE)
def test_sympy_derivative_matches_numpy(record, params):
    x = grid(record)
    expected = evaluate(lambdify(sp.diff(record.expr(X, **params), X)), x)
    got = record.grad(x, **params)
    near = near_interior_zeros(x, expected)
    np.testing.assert_allclose(got[~near], expected[~near], rtol=RTOL, atol=0)
    # Near an interior zero (GELU' at -0.75, Swish' at -1.28/beta) a relative error is
    # meaningless; there the derivative is below ~1e-2, so RTOL of that scale is allowed.
    np.testing.assert_allclose(got[near], expected[near], rtol=0, atol=RTOL * NEAR_ZERO)


# --- gated units: a * g(b) in two symbols ------------------------------------------------------

A, B = sp.symbols("a b", real=True)
GATED = [case for case in activation_cases(gated=True) if "axis" not in case.values[1]]


def gated_grid(record):
    """Pairs [a, b] (last axis): b on the gate's grid, a of both signs and several scales."""
    b = grid(record)
    a = 3.0 * np.cos(np.arange(b.size) * 0.7) * 10.0 ** np.resize([-2, 0, 1], b.size)
    return np.stack([a, b], axis=-1)


def lambdify_pair(expr):
    return sp.lambdify((A, B), expr, modules=["scipy", "numpy"])


def evaluate_pair(expr, x):
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        values = lambdify_pair(expr)(x[:, 0], x[:, 1])
    return np.broadcast_to(np.asarray(values, dtype=np.float64), x[:, 0].shape)


@pytest.mark.parametrize("record, params", GATED)
def test_sympy_gated_value_matches_numpy(record, params):
    x = gated_grid(record)
    expected = evaluate_pair(record.expr(A, B, **params), x)
    np.testing.assert_allclose(record.fn(x, **params)[:, 0], expected, rtol=RTOL, atol=0)


@pytest.mark.parametrize("record, params", GATED)
def test_sympy_gated_derivatives_match_numpy(record, params):
    """d/da and d/db of expr(a, b) against the two halves of grad (the Jacobian's diagonals)."""
    x = gated_grid(record)
    expr = record.expr(A, B, **params)
    got = record.grad(x, **params)
    np.testing.assert_allclose(got[:, 0], evaluate_pair(sp.diff(expr, A), x), rtol=RTOL, atol=0)
    expected = evaluate_pair(sp.diff(expr, B), x)
    # Near an interior zero of g' the comparison is absolute, scaled by |a| (as for the
    # elementwise derivatives above, where a = 1).
    near = near_interior_zeros(x[:, 1], expected / x[:, 0])
    np.testing.assert_allclose(got[~near, 1], expected[~near], rtol=RTOL, atol=0)
    assert np.all(np.abs(got[near, 1] - expected[near])
                  <= RTOL * NEAR_ZERO * np.abs(x[near, 0])), record.name


@pytest.mark.parametrize("record, params", GATED)
def test_sympy_gated_form_is_a_times_the_gate(record, params):
    """expr(a, b) = a * (gate's expr)(b), proved symbolically, and linear in a."""
    gate = activations.get(record.gate)
    gate_params = {k: v for k, v in params.items() if k != "axis"}
    expr = record.expr(A, B, **params)
    assert is_zero(expr - A * gate.expr(B, **gate_params))
    assert sp.diff(expr, A, 2) == 0


LEARNABLE_CASES = [c for c in ELEMENTWISE if c.values[0].name in LEARNABLE]


@pytest.mark.parametrize("record, params", LEARNABLE_CASES)
def test_sympy_parameter_derivative_matches_numpy(record, params):
    """d/da of prelu_expr and d/dbeta of swish_expr against prelu_grad_a / swish_grad_beta."""
    param_name, grad_name = LEARNABLE[record.name]
    value = params.get(param_name, record.params[param_name])
    p = sp.Symbol(param_name, real=True)
    derivative = sp.diff(record.expr(X, **{**params, param_name: p}), p).subs(p, value)
    x = grid(record)
    expected = evaluate(lambdify(derivative), x)
    # A parameter of x's shape makes the "reduced" gradient elementwise.
    got = getattr(activations, grad_name)(x, **{**params, param_name: np.full(x.shape, value)})
    np.testing.assert_allclose(got, expected, rtol=RTOL, atol=0)


@pytest.mark.parametrize("record, params", [c for c in ELEMENTWISE if c.values[0].kinks])
def test_sympy_derivative_at_a_kink_takes_the_package_convention(record, params):
    derivative = sp.diff(record.expr(X, **params), X)
    for kink in record.kinks:
        symbolic = derivative.subs(X, kink)
        assert symbolic.is_number, f"derivative at {kink} is {symbolic}"
        # Equal up to the rounding of products of constants (selu: scale * alpha).
        for at in (np.float64(kink), np.float64(-0.0 if kink == 0 else kink)):
            assert math.isclose(float(symbolic), record.grad(at, **params),
                                rel_tol=4 * EPS, abs_tol=0), f"at {at!r}"


# --- softmax as a SymPy Matrix (n = 3) ---------------------------------------------------------

XS = sp.symbols("x1:4", real=True)


def softmax_column():
    return sp.Matrix(list(activations.softmax_expr(XS)))


def test_softmax_expr_matches_numpy():
    rng = np.random.default_rng(20261127)
    rows = rng.normal(scale=3.0, size=(50, 3))
    s_func = sp.lambdify(XS, softmax_column(), modules=["scipy", "numpy"])
    j_func = sp.lambdify(XS, softmax_column().jacobian(XS), modules=["scipy", "numpy"])
    for row in rows:
        expected = np.asarray(s_func(*row), dtype=np.float64).ravel()
        np.testing.assert_allclose(activations.softmax(row), expected, rtol=RTOL)
        expected_jac = np.asarray(j_func(*row), dtype=np.float64)
        # The lambdified diagonal is e/S - e^2/S^2, which cancels when s ~ 1: an
        # absolute error of a few eps on that side.
        np.testing.assert_allclose(activations.softmax_jacobian(row), expected_jac,
                                   rtol=RTOL, atol=8 * EPS)


def test_softmax_jacobian_is_diag_minus_outer_product():
    s = softmax_column()
    difference = s.jacobian(XS) - (sp.diag(*s) - s * s.T)
    assert difference.applyfunc(sp.simplify) == sp.zeros(3, 3)


def test_softmax_is_translation_invariant():
    c = sp.Symbol("c", real=True)
    shifted = sp.Matrix(list(activations.softmax_expr([xi + c for xi in XS])))
    assert (shifted - softmax_column()).applyfunc(sp.simplify) == sp.zeros(3, 1)


def test_softmax_components_sum_to_one():
    assert sp.simplify(sum(softmax_column()) - 1) == 0


# --- identities --------------------------------------------------------------------------------

def sigma(z):
    return activations.sigmoid_expr(z)


def is_zero(expr) -> bool:
    """Proved zero: simplify first, then SymPy's own equality test."""
    simplified = sp.simplify(expr)
    return simplified == 0 or bool(simplified.equals(0))


def test_sigmoid_derivative_is_sigma_times_one_minus_sigma():
    s = sigma(X)
    assert is_zero(sp.diff(s, X) - s * (1 - s))


def test_tanh_derivative_is_one_minus_tanh_squared():
    t = activations.tanh_expr(X)
    assert is_zero(sp.diff(t, X) - (1 - t**2))


def test_tanh_is_a_rescaled_sigmoid():
    assert is_zero((activations.tanh_expr(X) - (2 * sigma(2 * X) - 1)).rewrite(sp.exp))


def test_swish_derivative_closed_form():
    beta = sp.Symbol("beta", positive=True)
    s = sigma(beta * X)
    closed_form = s * (1 + beta * X * (1 - s))
    assert is_zero(sp.diff(activations.swish_expr(X, beta=beta), X) - closed_form)


def test_gelu_derivative_is_cdf_plus_x_pdf():
    cdf = (1 + sp.erf(X / sp.sqrt(2))) / 2
    pdf = sp.exp(-X**2 / 2) / sp.sqrt(2 * sp.pi)
    assert is_zero(sp.diff(activations.gelu_expr(X, approximate="none"), X) - (cdf + X * pdf))


def test_gelu_is_x_times_the_normal_cdf():
    cdf = (1 + sp.erf(X / sp.sqrt(2))) / 2
    assert is_zero(activations.gelu_expr(X) - X * cdf)


def test_sigmoid_gelu_approximation_is_swish_with_beta_1702():
    # nsimplify turns a Float 1.702 into the Rational 851/500 on both sides, so the
    # proof does not depend on how each module spells the constant.
    gelu_form = sp.nsimplify(activations.gelu_expr(X, approximate="sigmoid"), rational=True)
    swish_form = sp.nsimplify(activations.swish_expr(X, beta=sp.Rational(851, 500)), rational=True)
    assert is_zero(gelu_form - swish_form)


def test_tanh_gelu_approximation_is_the_published_formula():
    u = sp.sqrt(2 / sp.pi) * (X + sp.Rational(44715, 1000000) * X**3)
    published = X / 2 * (1 + sp.tanh(u))
    approx = sp.nsimplify(activations.gelu_expr(X, approximate="tanh"), rational=True)
    assert is_zero((approx - published).rewrite(sp.exp))


LIMITS = {  # id: (expression as a function of X, point, limit)
    "sigma(+oo)": (lambda: sigma(X), sp.oo, 1),
    "sigma(-oo)": (lambda: sigma(X), -sp.oo, 0),
    "sigma'(+oo)": (lambda: sp.diff(sigma(X), X), sp.oo, 0),
    "tanh(+oo)": (lambda: activations.tanh_expr(X), sp.oo, 1),
    "tanh(-oo)": (lambda: activations.tanh_expr(X), -sp.oo, -1),
    "tanh'(+oo)": (lambda: sp.diff(activations.tanh_expr(X), X), sp.oo, 0),
    "swish/x(+oo)": (lambda: activations.swish_expr(X) / X, sp.oo, 1),
    "swish(-oo)": (lambda: activations.swish_expr(X), -sp.oo, 0),
    "swish'(-oo)": (lambda: sp.diff(activations.swish_expr(X), X), -sp.oo, 0),
    "gelu/x(+oo)": (lambda: activations.gelu_expr(X) / X, sp.oo, 1),
    "gelu(-oo)": (lambda: activations.gelu_expr(X), -sp.oo, 0),
    "gelu'(-oo)": (lambda: sp.diff(activations.gelu_expr(X), X), -sp.oo, 0),
    "gelu'(+oo)": (lambda: sp.diff(activations.gelu_expr(X), X), sp.oo, 1),
}


@pytest.mark.parametrize("expr, point, limit", LIMITS.values(), ids=LIMITS.keys())
def test_limits(expr, point, limit):
    assert sp.limit(expr(), X, point) == limit


def test_selu_limit_at_minus_infinity_is_minus_scale_alpha():
    # On a negative symbol a Piecewise form collapses to its left branch.
    negative = sp.Symbol("x", negative=True)
    limit = sp.limit(activations.selu_expr(negative), negative, -sp.oo)
    assert math.isclose(float(limit), -activations.SELU_SCALE * activations.SELU_ALPHA,
                        rel_tol=1e-15)


def test_sigmoid_derivative_peaks_at_one_quarter_at_zero():
    d1 = sp.diff(sigma(X), X)
    critical = sp.solve(sp.diff(d1, X), X)
    assert critical == [0]
    assert sp.simplify(d1.subs(X, 0)) == sp.Rational(1, 4)
    assert sp.diff(d1, X, 2).subs(X, 0) < 0
    assert activations.sigmoid_grad(0.0) == 0.25


def test_tanh_derivative_peaks_at_one_at_zero():
    d1 = sp.diff(activations.tanh_expr(X), X)
    assert sp.solve(sp.diff(d1, X), X) == [0]
    assert sp.simplify(d1.subs(X, 0)) == 1


# --- SELU constants from the self-normalizing fixed point -------------------------------------

def relative_difference(a, b):
    return abs(mpmath.mpf(a) - mpmath.mpf(b)) / abs(mpmath.mpf(b))


def test_derived_selu_constants_match_the_package_and_the_paper():
    with mpmath.workdps(50):
        alpha, scale = activations.derive_selu_constants()
        assert isinstance(alpha, mpmath.mpf) and isinstance(scale, mpmath.mpf)
        # 15 significant digits: the target of issue 2.
        assert relative_difference(alpha, PUBLISHED_SELU_ALPHA) < 1e-15
        assert relative_difference(scale, PUBLISHED_SELU_SCALE) < 1e-15
        # The float64 constants are the derived values correctly rounded.
        assert activations.SELU_ALPHA == float(alpha)
        assert activations.SELU_SCALE == float(scale)


def test_selu_constants_satisfy_the_fixed_point():
    """For z ~ N(0, 1): E[selu(z)] = 0 and E[selu(z)^2] = 1, by quadrature."""
    with mpmath.workdps(30):
        alpha, scale = activations.derive_selu_constants(dps=30)

        def selu(z):
            return scale * (z if z > 0 else alpha * mpmath.expm1(z))

        def moment(k):
            density = lambda z: selu(z) ** k * mpmath.npdf(z)  # noqa: E731
            return mpmath.quad(density, [-mpmath.inf, 0, mpmath.inf])

        assert abs(moment(1)) < 1e-25
        assert abs(moment(2) - 1) < 1e-25
