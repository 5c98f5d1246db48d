"""Every derivative against central finite differences, and the kink conventions (item 5).

Finite differences in float64 with step ``h = cbrt(eps) * max(1, |x|)``. The
error of a central difference is bounded by the truncation term
``h^2/6 * max|f'''|`` plus the rounding term ``eps * |f| / h``; each
comparison allows ``rtol * |f'|`` plus those two bounds, with
``max|f'''| <= THIRD_DERIVATIVE_BOUND`` on the grid (the largest of these
functions' third derivatives on [-6, 6] is GELU-tanh's, about 2.1, and
swish's with beta = 2, about 2.2).
"""

from __future__ import annotations

import warnings

import mpmath
import numpy as np
import pytest

import activations

from .conftest import (LEARNABLE, PUBLISHED_SELU_ALPHA, PUBLISHED_SELU_SCALE, SETTINGS,
                       activation_cases, assert_ulp_close, materialize)

EPS = np.finfo(np.float64).eps
RTOL = 1e-7
THIRD_DERIVATIVE_BOUND = 10.0
SEED = 20261127


def step(x):
    return np.cbrt(EPS) * np.maximum(1.0, np.abs(x))


def allowed_error(derivative, f_plus, f_minus, h):
    """rtol plus the truncation and rounding bounds of a central difference."""
    truncation = h**2 / 6 * THIRD_DERIVATIVE_BOUND
    rounding = 2 * EPS * np.maximum(np.abs(f_plus), np.abs(f_minus)) / h
    return RTOL * np.abs(derivative) + truncation + rounding


def assert_matches_difference(derivative, f_plus, f_minus, h, what):
    difference = (f_plus - f_minus) / (2 * h)
    error = np.abs(derivative - difference)
    allowed = allowed_error(derivative, f_plus, f_minus, h)
    bad = ~(error <= allowed)
    assert not bad.any(), (
        f"{what}: {np.count_nonzero(bad)} mismatches; worst relative excess "
        f"{np.max(error[bad] / allowed[bad]):.3g} at index {np.flatnonzero(bad.ravel())[0]}"
    )


def seeded_grid(record, shape=(400,)):
    """Uniform on [-6, 6] plus a dense band near 0, at least 1e-3 from every kink."""
    rng = np.random.default_rng(SEED)
    x = np.concatenate([rng.uniform(-6, 6, size=shape[0]), rng.uniform(-0.5, 0.5, size=100)])
    for kink in record.kinks:
        x = x[np.abs(x - kink) >= 1e-3]
    return x


# --- elementwise derivatives d/dx ------------------------------------------------------------

@pytest.mark.parametrize("record, params", activation_cases(vector=False))
def test_derivative_matches_central_difference(record, params):
    x = seeded_grid(record)
    kwargs = materialize(params, x.shape)
    h = step(x)
    f_plus, f_minus = record.fn(x + h, **kwargs), record.fn(x - h, **kwargs)
    assert_matches_difference(record.grad(x, **kwargs), f_plus, f_minus, h,
                              f"{record.name}{params}")


# --- gated units: the VJP, half by half -------------------------------------------------------

def gated_pairs(record, axis, rows=60, width=5):
    """Value half a, gate half b (of the seeded grid, away from the gate's kinks), upstream v.

    ``a`` and ``v`` stay within [-1.5, 1.5], so the third derivative in b of
    ``v a g(b)`` is at most 2.25 times the gate's: inside THIRD_DERIVATIVE_BOUND.
    """
    rng = np.random.default_rng(SEED)
    b = rng.choice(seeded_grid(record), size=(rows, width))
    a = rng.uniform(-1.5, 1.5, size=b.shape)
    v = rng.uniform(-1.5, 1.5, size=b.shape)
    if axis == 0:
        a, b, v = a.T, b.T, v.T
    return a, b, v


@pytest.mark.parametrize("record, params", activation_cases(gated=True))
def test_gated_vjp_matches_central_difference_per_half(record, params):
    """Each half of vjp(x, v) against d/d(half) of sum(v * fn(x)) for a random upstream v.

    Output i depends on a_i and b_i only, so moving a whole half by h moves
    each output by one term: one pair of evaluations checks every element.
    """
    axis = params.get("axis", -1)
    a, b, v = gated_pairs(record, axis)
    grad_a, grad_b = np.split(record.vjp(np.concatenate([a, b], axis), v, **params), 2, axis)
    for name, half, got in (("a", a, grad_a), ("b", b, grad_b)):
        h = step(half)

        def loss_terms(moved):
            x = np.concatenate([moved, b] if name == "a" else [a, moved], axis)
            return v * record.fn(x, **params)

        assert_matches_difference(got, loss_terms(half + h), loss_terms(half - h), h,
                                  f"{record.name}{params} d/d{name}")


# --- learnable parameters d/da, d/dbeta ------------------------------------------------------

PARAM_CASES = [
    pytest.param(name, params, shape, id=f"{name}[{sid}]-{'x'.join(map(str, shape))}")
    for name in LEARNABLE
    for sid, params in SETTINGS[name].items()
    for shape in [(40,), (6, 5), (4, 3, 5)]
]


@pytest.mark.parametrize("name, params, shape", PARAM_CASES)
def test_parameter_gradient_matches_central_difference(name, params, shape):
    """d/dp sum(upstream * f(x; p)) for every element of the parameter p."""
    param_name, grad_name = LEARNABLE[name]
    fn = activations.get(name).fn
    rng = np.random.default_rng(SEED)
    x = rng.uniform(-4, 4, size=shape)
    upstream = rng.normal(size=shape)
    kwargs = materialize(params, shape)
    p = np.array(kwargs.get(param_name, activations.get(name).params[param_name]), np.float64)
    grad = getattr(activations, grad_name)(x, **{**kwargs, param_name: p}, upstream=upstream)
    assert np.shape(grad) == p.shape

    def loss(p_value):
        return np.sum(upstream * fn(x, **{**kwargs, param_name: p_value}))

    difference = np.empty(p.shape)
    h = np.empty(p.shape)
    for index in np.ndindex(p.shape):
        h[index] = step(p[index])
        p_plus, p_minus = p.copy(), p.copy()
        p_plus[index] += h[index]
        p_minus[index] -= h[index]
        difference[index] = (loss(p_plus) - loss(p_minus)) / (2 * h[index])
    # d^3 f / dp^3 is x^4 * sigma^(3)(p x) for swish (|sigma^(3)| <= 1/8) and 0 for prelu;
    # the loss is a sum of x.size rounded terms.
    truncation = h**2 / 6 * np.sum(np.abs(upstream) * x**4) / 8
    rounding = x.size * EPS * np.sum(np.abs(upstream * fn(x, **kwargs))) / h
    allowed = RTOL * np.abs(grad) + truncation + rounding
    assert np.all(np.abs(grad - difference) <= allowed), (grad, difference)


@pytest.mark.parametrize("name", list(LEARNABLE))
def test_parameter_gradient_upstream_defaults_to_ones(name):
    param_name, grad_name = LEARNABLE[name]
    x = np.linspace(-3, 3, 13)
    p = np.full(13, 0.7)
    grad = getattr(activations, grad_name)
    np.testing.assert_array_equal(grad(x, **{param_name: p}),
                                  grad(x, **{param_name: p}, upstream=np.ones(13)))


@pytest.mark.parametrize("name", list(LEARNABLE))
def test_parameter_gradient_is_the_upstream_weighted_sum(name):
    """A scalar parameter's gradient is the sum of the per-element gradients."""
    param_name, grad_name = LEARNABLE[name]
    grad = getattr(activations, grad_name)
    rng = np.random.default_rng(SEED)
    x, upstream = rng.normal(size=(5, 7)), rng.normal(size=(5, 7))
    per_element = grad(x, **{param_name: np.full((5, 7), 0.7)}, upstream=upstream)
    total = grad(x, **{param_name: 0.7}, upstream=upstream)
    np.testing.assert_allclose(total, per_element.sum(), rtol=1e-13)
    per_column = grad(x, **{param_name: np.full(7, 0.7)}, upstream=upstream)
    np.testing.assert_allclose(per_column, per_element.sum(axis=0), rtol=1e-13)


# --- softmax: Jacobian, products, log_softmax ---------------------------------------------------

def softmax_rows(n=6, rows=8):
    return np.random.default_rng(SEED).normal(scale=2.0, size=(rows, n))


def test_softmax_jacobian_matches_central_differences():
    for x in softmax_rows():
        jac = activations.softmax_jacobian(x)
        for j in range(x.size):
            h = step(x[j])
            e = np.zeros_like(x)
            e[j] = h
            f_plus, f_minus = activations.softmax(x + e), activations.softmax(x - e)
            assert_matches_difference(jac[:, j], f_plus, f_minus, h, f"column {j}")


def test_softmax_jacobian_is_batched_over_leading_axes():
    x = softmax_rows().reshape(2, 4, 6)
    jac = activations.softmax_jacobian(x)
    assert jac.shape == (2, 4, 6, 6)
    for index in np.ndindex(2, 4):
        np.testing.assert_allclose(jac[index], activations.softmax_jacobian(x[index]), rtol=1e-15)


def test_softmax_grad_is_the_jacobian_diagonal():
    x = softmax_rows()
    diagonal = np.diagonal(activations.softmax_jacobian(x), axis1=-2, axis2=-1)
    np.testing.assert_allclose(activations.softmax_grad(x), diagonal, rtol=1e-14)


@pytest.mark.parametrize("axis", [-1, 0, 1])
def test_softmax_jvp_and_vjp_match_the_jacobian(axis):
    rng = np.random.default_rng(SEED)
    x = rng.normal(scale=2.0, size=(5, 6))
    v = rng.normal(size=(5, 6))
    moved = np.moveaxis(x, axis, -1)
    jac = activations.softmax_jacobian(moved)
    v_moved = np.moveaxis(v, axis, -1)
    jvp = np.moveaxis(np.einsum("...ij,...j->...i", jac, v_moved), -1, axis)
    vjp = np.moveaxis(np.einsum("...i,...ij->...j", v_moved, jac), -1, axis)
    np.testing.assert_allclose(activations.softmax_jvp(x, v, axis=axis), jvp,
                               rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(activations.softmax_vjp(x, v, axis=axis), vjp,
                               rtol=1e-12, atol=1e-15)


def test_log_softmax_jacobian_matches_central_differences():
    """d log s_i / d x_j = delta_ij - s_j."""
    for x in softmax_rows():
        expected = np.eye(x.size) - activations.softmax(x)[None, :]
        for j in range(x.size):
            h = step(x[j])
            e = np.zeros_like(x)
            e[j] = h
            f_plus, f_minus = activations.log_softmax(x + e), activations.log_softmax(x - e)
            assert_matches_difference(expected[:, j], f_plus, f_minus, h, f"column {j}")


@pytest.mark.parametrize("axis", [-1, 0])
def test_softmax_and_log_softmax_act_along_the_axis(axis):
    x = softmax_rows()
    moved = x if axis == -1 else x.T
    for func in (activations.softmax, activations.log_softmax, activations.softmax_grad):
        out = func(moved, axis=axis)
        # Same algorithm, another summation order: a few ULP apart at most.
        np.testing.assert_allclose(out if axis == -1 else out.T,
                                   np.array([func(row) for row in x]), rtol=1e-14)


# --- kink conventions ---------------------------------------------------------------------------

KINKED = [c for c in activation_cases(vector=False) if c.values[0].kinks]


def expected_at_zero(record, params):
    """The package's convention: 0 belongs to the LEFT (x <= 0) branch."""
    name = record.name
    if name == "relu":
        return 0.0
    if name == "leaky_relu":
        return params.get("negative_slope", record.params["negative_slope"])
    if name == "prelu":
        return params.get("a", record.params["a"])
    if name == "selu":  # the exact product of the published constants, rounded once
        return float(mpmath.mpf(PUBLISHED_SELU_SCALE) * mpmath.mpf(PUBLISHED_SELU_ALPHA))
    raise AssertionError(f"no stated convention for {name}")


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64],
                         ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("record, params", KINKED)
def test_derivative_at_zero_follows_the_stated_convention(record, params, dtype):
    zeros = np.array([0.0, -0.0, 0.0], dtype=dtype)
    kwargs = materialize(params, zeros.shape)
    expected = np.broadcast_to(np.asarray(expected_at_zero(record, kwargs), np.float64),
                               zeros.shape)
    got = record.grad(zeros, **kwargs)
    assert got.dtype == dtype
    # Exact for relu/leaky/prelu; selu's constant scale*alpha may be the product of the
    # rounded constants: 1 ULP.
    assert_ulp_close(got, expected, dtype, ulps=1, what=f"{record.name}'(0)")


def test_kinked_functions_are_the_expected_ones():
    """relu, leaky_relu, prelu and selu have a kink at 0; nothing else has one."""
    kinked = {r.name: r.kinks for r in activations.ACTIVATIONS if r.kinks}
    assert kinked == {name: (0.0,) for name in ("relu", "leaky_relu", "prelu", "selu")}


@pytest.mark.parametrize("record, params", KINKED)
def test_derivative_at_a_kink_is_the_left_one_sided_limit(record, params):
    """grad(k) equals lim grad(x) as x -> k from the left, and differs from the right limit."""
    for kink in record.kinks:
        left = np.array([kink - 1e-12], np.float64)
        right = np.array([kink + 1e-12], np.float64)
        at = np.array([kink], np.float64)
        kwargs = materialize(params, at.shape)
        got = record.grad(at, **kwargs)
        # The left derivative of selu is scale*alpha*exp(x): 1e-12 away it is within 2e-12.
        np.testing.assert_allclose(got, record.grad(left, **kwargs), rtol=2e-12, atol=0)
        assert not np.allclose(record.grad(left, **kwargs), record.grad(right, **kwargs),
                               rtol=1e-6), "one-sided derivatives agree: not a kink"
        # The record documents the same choice: the value of the x <= 0 branch.
        assert "x <= 0" in record.kink_convention, record.kink_convention


def test_prelu_slope_gradient_is_zero_at_the_kink():
    """d/da (a * min(x, 0)) = min(x, 0): zero on both sides of 0."""
    grad = activations.prelu_grad_a(np.array([0.0, -0.0]), a=np.array([0.25, 0.25]))
    np.testing.assert_array_equal(grad, [0.0, 0.0])


#: Slopes for every branch of the rectifier derivative kernel: inside [0, 1], outside it
#: on either side, and float64 slopes that round to +-inf or to 0 in float32.
RECTIFIER_SLOPES = (0.0, 0.3, 1.0, -0.5, 1.5, 1e300, -1e300, 5e-324)


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("slope", RECTIFIER_SLOPES, ids=repr)
@pytest.mark.parametrize("name, keyword", [("leaky_relu_grad", "negative_slope"),
                                           ("prelu_grad", "a")])
def test_rectifier_derivative_is_the_slope_rounded_once(name, keyword, slope, dtype):
    """Left of the kink the derivative is the slope itself, rounded once to ``x``'s dtype.

    The one rounding is IEEE's cast of the float64 slope (``+-1e300`` becomes
    ``+-inf`` in float32, ``5e-324`` becomes 0), done here by NumPy's cast
    rather than by the kernel; right of the kink the derivative is 1, and NaN
    stays NaN. An overflow to inf is the correct rounding, so no warning may
    be raised on the way. (The sign of a zero slope is not compared: the
    kernel takes ``max(H, slope)``, and which zero ``np.maximum(0.0, -0.0)``
    returns depends on the CPU's max instruction.)
    """
    func = getattr(activations, name)
    x = np.array([-np.inf, -2.5, -0.0, 0.0, 1e-30, 3.0, np.inf, np.nan], dtype)
    with np.errstate(over="ignore"):
        rounded = np.asarray(slope, np.float64).astype(dtype)
    expected = np.where(x > 0, dtype(1), rounded)
    expected[np.isnan(x)] = np.nan
    with warnings.catch_warnings(), np.errstate(over="warn", divide="warn", invalid="warn"):
        warnings.simplefilter("error")
        got = func(x, **{keyword: slope})
    assert got.dtype == dtype
    np.testing.assert_array_equal(got, expected, err_msg=f"{name}(x, {keyword}={slope!r})")
