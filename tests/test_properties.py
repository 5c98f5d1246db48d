"""The records' Properties checked against the code, and hypothesis property tests (item 6).

The summary table of the book prints ``record.properties``; these tests make
sure every entry is what the functions actually do (for the default
parameters): the output range by far-out evaluation and a dense sweep,
monotonicity by the sign of the derivative, zero-centredness by quadrature
against N(0, 1), smoothness by the one-sided derivatives at the kinks, and
saturation by the derivative far out. Softmax is viewed through component 0
of ``softmax([t, 0, 0])`` (``Activation.scalar_functions``).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, stats

import activations

from .conftest import activation_cases


#: Every record, gated units included: a gated record's properties are those of its gate,
#: which ``scalar_functions`` exposes as ``t -> fn([1, t])`` (see the gated tests below).
RECORDS = [pytest.param(record, id=record.name) for record in activations.ALL_RECORDS]

#: Deterministic, modest and without an example database on disk, so CI is reproducible.
DETERMINISTIC = settings(derandomize=True, max_examples=60, deadline=None, database=None)

# A dense sweep of the interesting part of the line plus far-out points on both sides.
DENSE = np.linspace(-20.0, 20.0, 400_001)
FAR = np.concatenate([np.geomspace(20.0, 1e300, 400), [np.inf]])
SWEEP = np.concatenate([-FAR[::-1], DENSE, FAR])


def values_and_slopes(record):
    f, df = record.scalar_functions()
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        return f(SWEEP), df(SWEEP)


# --- Properties against the code ----------------------------------------------------------------

@pytest.mark.parametrize("record", RECORDS)
def test_output_range_bounds_every_value(record):
    low, high = record.properties.output_range
    values, _ = values_and_slopes(record)
    assert np.all(values >= low) and np.all(values <= high), \
        f"{record.name}: values in [{values.min()}, {values.max()}], claimed [{low}, {high}]"


@pytest.mark.parametrize("record", RECORDS)
def test_output_range_is_tight(record):
    """Each bound is approached: the infimum (supremum) is the min (max) over the sweep.

    An infinite bound must be reached by the value at -inf or +inf; a finite
    one within 1e-9 (the dense sweep's spacing is 1e-4 and extrema are flat).
    """
    low, high = record.properties.output_range
    values, _ = values_and_slopes(record)
    for bound, reached in ((low, values.min()), (high, values.max())):
        if math.isinf(bound):
            assert reached == bound, f"{record.name}: {reached} does not reach {bound}"
        else:
            assert math.isclose(reached, bound, rel_tol=1e-9, abs_tol=1e-9), \
                f"{record.name}: extreme value {reached!r}, claimed bound {bound!r}"


@pytest.mark.parametrize("record", RECORDS)
def test_monotonic_matches_the_sign_of_the_derivative(record):
    values, slopes = values_and_slopes(record)
    finite = np.isfinite(SWEEP)
    non_negative = bool(np.all(slopes[finite] >= 0))
    assert record.properties.monotonic == non_negative, \
        f"{record.name}: min slope {slopes[finite].min()}"
    if record.properties.monotonic:
        assert np.all(np.diff(values[finite]) >= 0)


def mean_under_standard_normal(record):
    """E[f(z)] for z ~ N(0, 1), by adaptive quadrature split at 0 (the kinks are there)."""
    f, _ = record.scalar_functions()
    density = stats.norm.pdf

    def integrand(z):
        return float(f(np.float64(z))) * density(z)

    if record.vector:  # component 0 of softmax(z), z ~ N(0, I_3): 1/3 by symmetry
        rng = np.random.default_rng(20261127)
        return float(np.mean(record.fn(rng.standard_normal((200_000, 3)))[:, 0]))
    left, _ = integrate.quad(integrand, -np.inf, 0.0, epsabs=1e-12)
    right, _ = integrate.quad(integrand, 0.0, np.inf, epsabs=1e-12)
    return left + right


@pytest.mark.parametrize("record", RECORDS)
def test_zero_centered_means_small_mean_under_standard_normal(record):
    mean = mean_under_standard_normal(record)
    assert record.properties.zero_centered == (abs(mean) < 0.05), f"{record.name}: E f(z) = {mean}"


@pytest.mark.parametrize("record", RECORDS)
def test_smoothness_zero_iff_one_sided_derivatives_differ(record):
    """C^0 exactly when some kink has different one-sided derivatives; smooth records have none."""
    _, df = record.scalar_functions()
    differ = []
    for kink in record.kinks:
        left, right = df(np.array([kink - 1e-9, kink + 1e-9]))
        differ.append(not math.isclose(left, right, rel_tol=1e-6))
    assert (record.properties.smoothness == 0) == any(differ)
    if record.properties.smoothness == math.inf:
        assert record.kinks == ()
    # No unclaimed kink: away from the claimed ones the derivative has no jump.
    _, slopes = values_and_slopes(record)
    dense = slopes[(SWEEP > -20) & (SWEEP < 20)]
    grid = DENSE[1:-1]
    jumps = np.abs(np.diff(dense))
    near_kink = np.zeros(jumps.shape, bool)
    for kink in record.kinks:
        near_kink |= np.abs(grid[:-1] - kink) < 1e-3
    assert np.all(jumps[~near_kink] < 0.01), f"{record.name}: derivative jumps somewhere"


@pytest.mark.parametrize("record", RECORDS)
def test_saturates_where_the_derivative_vanishes(record):
    _, df = record.scalar_functions()
    far = np.array([-1e3, -50.0, 50.0, 1e3])
    slopes = np.abs(df(far))
    vanishes_left = bool(np.all(slopes[:2] < 1e-10))
    vanishes_right = bool(np.all(slopes[2:] < 1e-10))
    observed = {(True, True): "both", (True, False): "left",
                (False, True): "right", (False, False): "none"}[(vanishes_left, vanishes_right)]
    assert record.properties.saturates == observed
    # A side that does not saturate keeps a slope bounded away from 0.
    for vanishes, side in ((vanishes_left, slopes[:2]), (vanishes_right, slopes[2:])):
        assert vanishes or np.all(side > 1e-3)


# --- hypothesis property tests ------------------------------------------------------------------

def floats(dtype, min_value=None, max_value=None):
    width = np.finfo(dtype).bits
    return st.floats(min_value=min_value, max_value=max_value, allow_nan=False,
                     allow_infinity=False, width=width)


def arrays(dtype, **bounds):
    return st.lists(floats(dtype, **bounds), min_size=1, max_size=30).map(
        lambda v: np.array(v, dtype=dtype))


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=lambda d: np.dtype(d).name)
def test_sigmoid_symmetry(dtype):
    @DETERMINISTIC
    @given(arrays(dtype, min_value=0.0))
    def check(x):
        # 1 - sigmoid(x) is exact for x >= 0 (Sterbenz), so the two sides differ
        # only by the rounding of sigmoid(x) and sigmoid(-x): a few ULP of sigmoid(x).
        s = activations.sigmoid(x)
        assert np.all(np.abs(activations.sigmoid(-x) - (1 - s)) <= 4 * np.spacing(s))

    check()


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=lambda d: np.dtype(d).name)
def test_tanh_is_odd_and_its_derivative_even(dtype):
    @DETERMINISTIC
    @given(arrays(dtype))
    def check(x):
        np.testing.assert_array_equal(activations.tanh(-x), -activations.tanh(x))
        np.testing.assert_array_equal(activations.tanh_grad(-x), activations.tanh_grad(x))

    check()


MONOTONE = [pytest.param(r, id=r.name) for r in activations.ACTIVATIONS
            if r.properties.monotonic and not r.vector]


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("record", MONOTONE)
def test_monotone_functions_are_monotone_on_sorted_draws(record, dtype):
    @DETERMINISTIC
    @given(arrays(dtype, min_value=-1e4, max_value=1e4))
    def check(x):
        # The accuracy contract allows 4 ULP, so adjacent floats may be out of
        # order by that much; anything larger is a real decrease.
        y = record.fn(np.sort(x))
        assert np.all(np.diff(y) >= -4 * np.spacing(np.abs(y[1:])))

    check()


@pytest.mark.parametrize("name, params", [("relu", {}), ("leaky_relu", {}),
                                          ("leaky_relu", {"negative_slope": 0.2})])
def test_homogeneity(name, params):
    """f(c x) = c f(x) for c >= 0 (in float64, away from overflow and underflow)."""
    fn = activations.get(name).fn
    magnitudes = st.one_of(st.just(0.0), floats(np.float64, 1e-100, 1e100))
    signed = st.tuples(magnitudes, st.booleans()).map(lambda t: -t[0] if t[1] else t[0])

    @DETERMINISTIC
    @given(st.lists(signed, min_size=1, max_size=20), magnitudes)
    def check(xs, c):
        x = np.array(xs)
        # relu is exact; a slope product rounds once on each side: 1 ULP each.
        lhs, rhs = fn(c * x, **params), c * fn(x, **params)
        assert np.all(np.abs(lhs - rhs) <= 2 * np.spacing(np.abs(rhs)))

    check()


@pytest.mark.parametrize("axis", [-1, 0])
def test_softmax_is_a_probability_vector(axis):
    @DETERMINISTIC
    @given(st.lists(floats(np.float64, -1e6, 1e6), min_size=1, max_size=12), st.integers(1, 3))
    def check(values, rows):
        x = np.tile(np.array(values), (rows, 1))
        x = x if axis == -1 else x.T
        s = activations.softmax(x, axis=axis)
        assert np.all((s >= 0) & (s <= 1))
        n = x.shape[axis]
        np.testing.assert_allclose(s.sum(axis=axis), 1.0, rtol=0, atol=2 * n * np.finfo(float).eps)

    check()


def dyadic_logits():
    """Multiples of 2**-20 in [-50, 50]: adding an integer shift to them is exact."""
    return st.lists(st.integers(-50 * 2**20, 50 * 2**20), min_size=1, max_size=12).map(
        lambda k: np.array(k, dtype=np.float64) / 2**20)


def test_softmax_translation_invariance():
    @DETERMINISTIC
    @given(dyadic_logits(), st.integers(-1000, 1000))
    def check(x, c):
        # x + c is exact, so both sides see the same differences x_i - max(x):
        # they may differ only by each one's 4-ULP accuracy.
        eps = np.finfo(np.float64).eps
        np.testing.assert_allclose(activations.softmax(x + c), activations.softmax(x),
                                   rtol=8 * eps, atol=0)
        np.testing.assert_allclose(activations.log_softmax(x + c), activations.log_softmax(x),
                                   rtol=8 * eps, atol=8 * eps)

    check()


def test_softmax_is_exp_of_log_softmax():
    @DETERMINISTIC
    @given(st.lists(floats(np.float64, -300, 300), min_size=1, max_size=12))
    def check(values):
        x = np.array(values)
        log_s = activations.log_softmax(x)
        # exp turns the absolute error of log_s (4 ULP of |log_s|) into a relative one.
        eps = np.finfo(np.float64).eps
        allowed = 8 * eps * (1 + np.abs(log_s)) * np.exp(log_s)
        assert np.all(np.abs(np.exp(log_s) - activations.softmax(x)) <= allowed)

    check()


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=lambda d: np.dtype(d).name)
def test_leaky_relu_with_slope_zero_is_relu(dtype):
    @DETERMINISTIC
    @given(arrays(dtype))
    def check(x):
        np.testing.assert_array_equal(activations.leaky_relu(x, negative_slope=0.0),
                                      activations.relu(x))
        np.testing.assert_array_equal(activations.leaky_relu_grad(x, negative_slope=0.0),
                                      activations.relu_grad(x))

    check()


def test_prelu_with_a_scalar_slope_is_leaky_relu():
    @DETERMINISTIC
    @given(arrays(np.float64, min_value=-1e300, max_value=1e300), floats(np.float64, -2.0, 2.0))
    def check(x, a):
        # Both compute a * x for x < 0 and x otherwise: each within 1 ULP of the truth.
        for prelu_func, leaky_func in ((activations.prelu, activations.leaky_relu),
                                       (activations.prelu_grad, activations.leaky_relu_grad)):
            p, q = prelu_func(x, a=a), leaky_func(x, negative_slope=a)
            assert np.all(np.abs(p - q) <= 2 * np.spacing(np.abs(q)))

    check()


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=lambda d: np.dtype(d).name)
def test_swish_with_beta_1702_is_the_sigmoid_gelu(dtype):
    @DETERMINISTIC
    @given(arrays(dtype, min_value=-1e4, max_value=1e4))
    def check(x):
        # Each side is within 4 ULP of x*sigma(1.702x) (derivative: 4 eps absolute near
        # its interior zero), so they are within twice that of each other.
        eps = np.finfo(dtype).eps
        for s, g in ((activations.swish(x, beta=1.702), activations.gelu(x, approximate="sigmoid")),
                     (activations.swish_grad(x, beta=1.702),
                      activations.gelu_grad(x, approximate="sigmoid"))):
            assert np.all(np.abs(s.astype(float) - g) <= np.maximum(8 * np.spacing(np.abs(g)),
                                                                     8 * eps))

    check()


# --- gated units: a * g(b) through the gate --------------------------------------------------------

#: Every gated record and parameter setting; the pairs below lie along the last axis.
GATED_SETTINGS = [case for case in activation_cases(gated=True) if "axis" not in case.values[1]]


def pairs_of(a, b):
    """Rows ``[a_i, b_i]``: the gated unit's input with the halves along the last axis."""
    return np.stack(np.broadcast_arrays(a, b), axis=-1)


def halves(dtype, a_bounds=None, b_bounds=None):
    """Equal-length arrays ``(a, b)``: the two halves of a gated unit's input."""
    def draw(n):
        a = st.lists(floats(dtype, **(a_bounds or {})), min_size=n, max_size=n)
        b = st.lists(floats(dtype, **(b_bounds or {})), min_size=n, max_size=n)
        return st.tuples(a, b)

    return st.integers(1, 30).flatmap(draw).map(
        lambda ab: (np.array(ab[0], dtype=dtype), np.array(ab[1], dtype=dtype)))


def gate_params(params):
    """The gated record's parameters as its gate takes them (the same keywords)."""
    return {k: v for k, v in params.items() if k != "axis"}


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("record, params", GATED_SETTINGS)
def test_gated_unit_with_a_one_is_its_gate(record, params, dtype):
    """a = 1 gives g(b) and its derivative g'(b): the gated unit is its gate on that line."""
    gate = activations.get(record.gate)

    @DETERMINISTIC
    @given(arrays(dtype, min_value=-1e4, max_value=1e4))
    def check(b):
        x = pairs_of(np.ones_like(b), b)
        eps = np.finfo(dtype).eps
        for got, expected in ((record.fn(x, **params)[..., 0], gate.fn(b, **gate_params(params))),
                              (record.grad(x, **params)[..., 1],
                               gate.grad(b, **gate_params(params)))):
            assert got.dtype == expected.dtype == dtype
            # Each side is within 4 ULP of g (4 eps absolute near an interior zero of g'),
            # so they are within twice that of each other.
            allowed = np.maximum(8 * np.spacing(np.abs(expected)), 8 * eps)
            assert np.all(np.abs(got.astype(float) - expected) <= allowed)

    check()


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("record, params", GATED_SETTINGS)
def test_gated_unit_is_odd_in_a_and_zero_at_a_zero(record, params, dtype):
    """y(-a, b) = -y(a, b) exactly (one rounding of a symmetric product); y(0, b) = 0."""
    # a from the whole float range; b where no gate has saturated to 0 or to b itself
    @DETERMINISTIC
    @given(halves(dtype, b_bounds=dict(min_value=-50.0, max_value=50.0)))
    def check(ab):
        a, b = ab
        y = record.fn(pairs_of(a, b), **params)[..., 0]
        np.testing.assert_array_equal(record.fn(pairs_of(-a, b), **params)[..., 0], -y)
        zero = record.fn(pairs_of(np.zeros_like(b), b), **params)[..., 0]
        assert np.all(zero == 0), zero
        # sign(y) = sign(a) sign(g(b)) wherever y is not 0 (and g(b) has not underflowed
        # in float64, where the gated unit's scaled product still has a sign to give)
        g = activations.get(record.gate).fn(b.astype(np.float64), **gate_params(params))
        nonzero = (y != 0) & (g != 0)
        assert np.all(np.sign(y[nonzero]) == (np.sign(a) * np.sign(g))[nonzero])

    check()


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("record, params", GATED_SETTINGS)
def test_gated_vjp_is_linear_in_the_upstream_gradient(record, params, dtype):
    """vjp(x, 1) is grad(x), and vjp(x, 2**k v) = 2**k vjp(x, v) where nothing over/underflows."""
    moderate = dict(min_value=-1e3, max_value=1e3)

    @DETERMINISTIC
    @given(halves(dtype, moderate, moderate), st.integers(-8, 8))
    def check(ab, k):
        a, b = ab
        x = pairs_of(a, b)
        v = np.linspace(-2.0, 3.0, a.size).astype(dtype)[:, None]
        np.testing.assert_array_equal(record.vjp(x, np.ones_like(v), **params),
                                      record.grad(x, **params))
        scaled, plain = record.vjp(x, v * dtype(2.0 ** k), **params), record.vjp(x, v, **params)
        normal = np.abs(plain) >= np.finfo(dtype).tiny * 2.0 ** 8   # scaling by 2**k is exact
        np.testing.assert_array_equal(scaled[normal], (plain * dtype(2.0 ** k))[normal])
        # The first half g(b) v does not depend on a; the second a g'(b) v is odd in a.
        flipped = record.vjp(pairs_of(-a, b), v, **params)
        np.testing.assert_array_equal(flipped[..., 0], plain[..., 0])
        np.testing.assert_array_equal(flipped[..., 1], -plain[..., 1])

    check()


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=lambda d: np.dtype(d).name)
def test_online_softmax_is_softmax_for_any_row_and_block(dtype):
    """Any finite logits (masked entries included), any block length: softmax's answer.

    Both are within 4 ULP of the truth wherever the result is a normal
    number; they may differ by twice that, or by a few subnormal spacings.
    """
    @DETERMINISTIC
    @given(st.lists(st.one_of(floats(dtype), st.just(-math.inf)), min_size=1, max_size=40),
           st.integers(1, 50))
    def check(values, block):
        x = np.array(values, dtype=dtype)
        got, expected = activations.online_softmax(x, block=block), activations.softmax(x)
        if np.all(x == -np.inf):
            assert np.isnan(got).all() and np.isnan(expected).all()
            return
        info = np.finfo(dtype)
        allowed = np.maximum(8 * np.spacing(expected), 4 * info.smallest_subnormal)
        assert np.all(np.abs(got - expected) <= allowed)

    check()
