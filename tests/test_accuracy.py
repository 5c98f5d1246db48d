"""Accuracy of every value and derivative against mpmath (DESIGN section 8, CI size).

For every activation in the registry, each parameter setting, value and
derivative, float32 and float64: the library is evaluated on a grid that
spans the whole float range (subnormals, 1e-300..1e308 of both signs,
+-inf, NaN) plus the danger zones of the naive formulas, and compared with
:mod:`activations.reference` at 50 digits. The target is at most 4 ULP,
or an absolute error of at most 4 machine epsilons within 0.01 of an
interior zero of GELU' or Swish'. ``make bench`` prints the same
measurement on larger grids, next to the naive formulas and scipy.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest

import activations
from activations import reference
from tests.benchmarks import _grid
from tests.settings import scalar_settings

from .conftest import LEARNABLE, ulp_distance

DTYPES = (np.float32, np.float64)
SCALAR_POINTS = 1500    # per dtype; the reference costs ~20-60 us a point
VECTOR_ROWS = 150
CASES = _grid.cases()


def _grid_for(case, dtype):
    if case.gated:
        return _grid.gated_grid(dtype, size=SCALAR_POINTS)
    if case.vector:
        return _grid.vector_grid(dtype, rows=VECTOR_ROWS)
    return _grid.scalar_grid(dtype, size=SCALAR_POINTS)


def _describe_worst(case, dtype, x, result, exact, errors, window):
    """The failure message: function, dtype, worst input, got vs expected."""
    worst = np.unravel_index(np.argmax(errors), errors.shape)
    unit = "eps (absolute, near an interior zero)" if window[worst] else "ULP"
    where = (f"row x={x[worst[:-1]].tolist()!r}, entry {worst[-1]}" if x.ndim > 1
             else f"x={float(x[worst])!r}")
    failing = int(np.count_nonzero(errors > reference.TARGET_ULP))
    return (f"{case.label} {case.kind} in {np.dtype(dtype).name}: max error "
            f"{errors[worst]:.4g} {unit} > {reference.TARGET_ULP:g} at {where}: "
            f"got {float(result[worst])!r}, expected {mpmath.nstr(exact[worst], 20)} "
            f"({failing} of {errors.size} points fail)")


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.label}-{c.kind}")
def test_within_target_ulp(case, dtype):
    x = _grid_for(case, dtype)
    result = case.library()(x, **case.params)
    expected_shape = x[..., :1].shape if case.gated and not case.derivative else x.shape
    assert result.dtype == np.dtype(dtype) and result.shape == expected_shape, (
        f"{case.label}: dtype/shape {result.dtype}/{result.shape} for input "
        f"{np.dtype(dtype).name}/{x.shape}")
    errors, exact, window = reference.measure(case.name, x, result, case.derivative, **case.params)
    assert errors.max() <= reference.TARGET_ULP, _describe_worst(
        case, dtype, x, result, exact, errors, window)


#: A VJP v * g(b) and v * a * g'(b) rounds one more product than grad: 6 ULP (issue 13).
VJP_TARGET_ULP = 6.0
GATED_VJP_CASES = [case for case in CASES if case.gated and case.derivative]


def gated_upstream(x, dtype, seed=2):
    """An upstream gradient for the rows of ``x``: the grid's own values in another order.

    So ``v`` runs over the whole float range too (subnormals, the largest
    floats, +-0, +-inf, NaN) and meets every regime of ``a`` and ``g(b)``.
    """
    values = _grid.scalar_grid(dtype, size=SCALAR_POINTS, seed=seed)
    return np.random.default_rng(seed).choice(values, size=x[..., :1].shape)


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("case", GATED_VJP_CASES, ids=lambda c: c.label)
def test_gated_vjp_with_an_upstream_gradient_within_target(case, dtype):
    """Each half of vjp(x, v) against reference.vjp on the full gated grid."""
    x = _grid.gated_grid(dtype, size=SCALAR_POINTS)
    v = gated_upstream(x, dtype)
    record = activations.get(case.name)
    with np.errstate(over="raise", invalid="raise", divide="raise"):   # the contract: no warnings
        result = record.vjp(x, v, **case.params)
    assert result.dtype == np.dtype(dtype) and result.shape == x.shape
    errors, exact, window = reference.measure(case.name, x, result, True, upstream=v,
                                              **case.params)
    for half, name in ((0, "v g(b)"), (1, "v a g'(b)")):
        worst = int(np.argmax(errors[:, half]))
        assert errors[worst, half] <= VJP_TARGET_ULP, (
            f"{case.label} vjp half {name} in {np.dtype(dtype).name}: {errors[worst, half]:.4g} "
            f"ULP at a, b = {x[worst].tolist()!r}, v = {float(v[worst, 0])!r}: got "
            f"{float(result[worst, half])!r}, expected {mpmath.nstr(exact[worst, half], 20)}")


#: Block lengths of the online recurrence: one entry, a pair, one that does not divide
#: the row, the whole row, and longer than the row (one step).
ONLINE_BLOCKS = {"1": 1, "2": 2, "7": 7, "n": 0, "n+5": 5}
#: The softmax value cases: online_softmax is measured on exactly their inputs.
SOFTMAX_VALUE_CASES = [case for case in CASES if case.name == "softmax" and not case.derivative]


@pytest.mark.parametrize("block_id", ONLINE_BLOCKS)
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("case", SOFTMAX_VALUE_CASES, ids=lambda c: c.label)
def test_online_softmax_within_target_and_of_softmax(case, dtype, block_id):
    """online_softmax on softmax's own grid: within the target of the truth, and of softmax."""
    x = _grid_for(case, dtype)
    n = x.shape[-1]
    block = ONLINE_BLOCKS[block_id] if block_id not in ("n", "n+5") else n + ONLINE_BLOCKS[block_id]
    result = activations.online_softmax(x, block=block, **case.params)
    assert result.dtype == np.dtype(dtype) and result.shape == x.shape
    errors, exact, window = reference.measure(case.name, x, result, **case.params)
    assert errors.max() <= reference.TARGET_ULP, _describe_worst(
        case, dtype, x, result, exact, errors, window)
    from_softmax = ulp_distance(result, case.library()(x, **case.params), dtype)
    assert from_softmax.max() <= reference.TARGET_ULP, (
        f"online_softmax(block={block}) is {from_softmax.max():.3g} ULP from softmax")


# ----------------------------------------------------------------------------
# The learnable parameters' gradients, element by element. Central differences
# on [-4, 4] (test_gradients) cannot see an error of a few ULP, nor the tails:
# make mutants found the careful paths of swish_grad_beta unpinned. With a
# parameter of the input's shape and the upstream gradient at ones, the result
# is the elementwise derivative, measured here on the accuracy grid.
# ----------------------------------------------------------------------------

def _mp_sigmoid(t):
    return 1 / (1 + mpmath.exp(-t))


def _mp_swish_grad_beta(t, beta):
    r""":math:`\partial_\beta\, t\sigma(\beta t) = t^2 \sigma(\beta t)\sigma(-\beta t)`."""
    if mpmath.isinf(t):   # the limit: t^2 e^{-|beta t|} -> 0, or t^2/4 -> inf for beta = 0
        return mpmath.inf if beta == 0 else mpmath.mpf(0)
    return t * t * _mp_sigmoid(beta * t) * _mp_sigmoid(-beta * t)


def _mp_prelu_grad_a(t, a):
    r""":math:`\partial_a \operatorname{PReLU}(t) = \min(t, 0)`."""
    return min(t, 0)


#: {activation: (keyword, gradient function, exact elementwise d/dparameter in mpmath)}
PARAMETER_GRADIENTS = {"swish": ("beta", "swish_grad_beta", _mp_swish_grad_beta),
                       "prelu": ("a", "prelu_grad_a", _mp_prelu_grad_a)}
PARAMETER_CASES = [pytest.param(name, params, id=f"{name}{params}")
                   for name in PARAMETER_GRADIENTS for params in scalar_settings(name)]


def _exact_parameter_gradient(name, x, value):
    exact = PARAMETER_GRADIENTS[name][2]
    with mpmath.workdps(50):
        p = mpmath.mpf(float(value))
        return [mpmath.nan if math.isnan(t) else exact(mpmath.mpf(t), p) for t in x.tolist()]


def test_every_learnable_parameter_is_measured():
    assert {name: entry[:2] for name, entry in PARAMETER_GRADIENTS.items()} == LEARNABLE


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("name, params", PARAMETER_CASES)
def test_parameter_gradient_within_target_ulp(name, params, dtype):
    keyword, grad_name, _ = PARAMETER_GRADIENTS[name]
    x = _grid.scalar_grid(dtype, size=SCALAR_POINTS)
    value = params.get(keyword, activations.get(name).params[keyword])
    parameter = np.full(x.shape, value, dtype=np.float64)
    with np.errstate(over="raise", invalid="raise", divide="raise"):   # the contract: no warnings
        result = getattr(activations, grad_name)(x, **{**params, keyword: parameter})
    assert result.dtype == np.dtype(dtype) and result.shape == x.shape
    errors = reference.ulp_error(result, _exact_parameter_gradient(name, x, value), dtype)
    worst = int(np.argmax(errors))
    expected = _exact_parameter_gradient(name, x[worst:worst + 1], value)[0]
    assert errors[worst] <= reference.TARGET_ULP, (
        f"{grad_name}({keyword}={value}) in {np.dtype(dtype).name}: {errors[worst]:.4g} ULP at "
        f"x={float(x[worst])!r}: got {float(result[worst])!r}, expected {mpmath.nstr(expected, 20)} "
        f"({int(np.count_nonzero(errors > reference.TARGET_ULP))} of {x.size} points fail)")


# ----------------------------------------------------------------------------
# The yardstick itself: each check can fail if the reference or the ULP
# arithmetic is wrong.
# ----------------------------------------------------------------------------

def test_every_activation_is_measured():
    assert {case.name for case in CASES} >= {record.name for record in activations.ALL_RECORDS}


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_grids_span_the_float_range(dtype):
    x = _grid.scalar_grid(dtype, size=SCALAR_POINTS)
    info = np.finfo(dtype)
    finite = x[np.isfinite(x)]
    assert x.dtype == dtype
    assert {np.inf, -np.inf} <= set(x[np.isinf(x)].tolist()) and np.isnan(x).any()
    assert np.abs(finite).max() == info.max
    assert np.abs(finite[finite != 0]).min() == info.smallest_subnormal
    assert np.count_nonzero((x > -0.76) & (x < -0.74)) >= 3      # GELU' zero
    assert np.count_nonzero((x > -1.29) & (x < -1.27)) >= 3      # Swish' zero
    for zone in (88.7, 709.8, 1e4, 1e300):
        assert zone > float(info.max) or np.count_nonzero(np.abs(np.abs(x) / zone - 1) < 0.03) >= 6


def test_ulp_error_counts_spacings():
    one = np.float64(1.0)
    steps = np.array([one, np.nextafter(one, 2), np.nextafter(np.nextafter(one, 2), 2)])
    assert reference.ulp_error(steps, [mpmath.mpf(1)] * 3).tolist() == [0.0, 1.0, 2.0]
    # The unit is the spacing at the exact value (1), not at the result (half as big).
    assert reference.ulp_error(np.array([np.nextafter(one, 0)]), [mpmath.mpf(1)]).tolist() == [0.5]
    tiny = np.float32(np.finfo(np.float32).smallest_subnormal)
    assert reference.ulp_error(np.array([3 * tiny]), [mpmath.mpf(float(tiny))]).tolist() == [2.0]


def test_ulp_error_special_values():
    huge = mpmath.mpf(10) ** 400          # overflows float64 and float32
    got = np.array([np.inf, -np.inf, np.nan, 0.0, np.inf, 1.0])
    exact = [huge, huge, mpmath.nan, mpmath.nan, mpmath.inf, mpmath.mpf(1)]
    assert reference.ulp_error(got, exact).tolist() == [0.0, math.inf, 0.0, math.inf, 0.0, 0.0]
    # A true value far below the subnormals is 0 to within a tiny fraction of a ULP.
    assert reference.ulp_error(np.array([0.0]), [mpmath.mpf(10) ** -400])[0] < 1e-70


def test_target_error_uses_epsilons_only_in_the_window():
    exact = reference.derivative("gelu", [-0.7518])
    got = np.array([float(exact[0]) + 1e-15])           # ~4.5 eps, ~1e9 ULP
    inside = reference.target_error(got, exact, [True])
    outside = reference.target_error(got, exact, [False])
    assert 4 < inside[0] < 5 and outside[0] > 1e6


def _mp_selu(t):
    scale, alpha = mpmath.mpf("1.0507009873554804934"), mpmath.mpf("1.6732632423543772848")
    return scale * t if t > 0 else scale * alpha * (mpmath.exp(t) - 1)


def _mp_gelu_tanh(t):   # the paper's formula, literally
    inner = mpmath.sqrt(2 / mpmath.pi) * (t + mpmath.mpf("0.044715") * t ** 3)
    return t / 2 * (1 + mpmath.tanh(inner))


MPMATH_FORMS = {   # (name, params): mpmath's own functions; f' by mpmath.diff
    ("sigmoid", ()): lambda t: 1 / (1 + mpmath.exp(-t)),
    ("tanh", ()): mpmath.tanh,
    ("gelu", ()): lambda t: t * mpmath.ncdf(t),
    ("gelu", (("approximate", "tanh"),)): _mp_gelu_tanh,
    ("gelu", (("approximate", "sigmoid"),)): lambda t: t / (1 + mpmath.exp(-mpmath.mpf("1.702") * t)),
    ("swish", ()): lambda t: t / (1 + mpmath.exp(-t)),
    ("swish", (("beta", 1.5),)): lambda t: t / (1 + mpmath.exp(-1.5 * t)),
    ("selu", ()): _mp_selu,
}


@pytest.mark.parametrize("name,params", sorted(MPMATH_FORMS), ids=str)
def test_reference_matches_mpmath_builtins(name, params):
    """At moderate points (no kink), where mpmath's own functions and mpmath.diff are safe."""
    form = MPMATH_FORMS[name, params]
    points = [-7.5, -2.0, -0.3, 0.4, 1.5, 6.0]
    values = reference.value(name, points, **dict(params))
    slopes = reference.derivative(name, points, **dict(params))
    with mpmath.workdps(40):
        for t, v, d in zip(points, values, slopes):
            assert mpmath.almosteq(v, form(mpmath.mpf(t)), rel_eps=1e-18), (name, t)
            assert mpmath.almosteq(d, mpmath.diff(form, mpmath.mpf(t)), rel_eps=1e-18), (name, t)


def test_reference_tails_have_no_cancellation():
    # sigma'(x) ~ e^-x and tanh'(x) ~ 4 e^-2x where 1 - sigma, 1 - tanh^2 are exactly 0.
    assert mpmath.almosteq(reference.derivative("sigmoid", [800.0])[0], mpmath.exp(-800), rel_eps=1e-40)
    assert mpmath.almosteq(reference.derivative("tanh", [400.0])[0], 4 * mpmath.exp(-800), rel_eps=1e-40)
    # GELU on the left: x Phi(x) with Phi(-40) ~ 3.7e-350, not 0.
    assert mpmath.almosteq(reference.value("gelu", [-40.0])[0], -40 * mpmath.ncdf(-40), rel_eps=1e-40)
    # log_softmax of a dominant entry is -(sum of the others' shares), not 0.
    row = reference.value("log_softmax", [[0.0, -100.0, -100.0]])[0]
    assert mpmath.almosteq(row[0], -mpmath.log1p(2 * mpmath.exp(-100)), rel_eps=1e-40)


def test_reference_limits_at_infinity():
    inf = np.inf
    assert reference.value("relu", [inf, -inf]).tolist() == [mpmath.inf, 0]
    assert reference.value("prelu", [-inf], a=-0.5).tolist() == [mpmath.inf]
    assert reference.derivative("gelu", [inf, -inf], approximate="tanh").tolist() == [1, 0]
    selu = reference.value("selu", [-inf])[0]
    with mpmath.workdps(40):
        limit = -mpmath.mpf("1.0507009873554804934193349852946") * mpmath.mpf("1.6732632423543772848170429916717")
        assert mpmath.almosteq(selu, limit, rel_eps=1e-30)
    assert mpmath.isnan(reference.value("swish", [np.nan])[0])


def test_interior_zeros_are_zeros_of_the_derivative():
    for name, params in [("gelu", {}), ("gelu", {"approximate": "tanh"}),
                         ("gelu", {"approximate": "sigmoid"}), ("swish", {"beta": 1.5})]:
        (zero,) = reference.interior_zeros(name, **params)
        left, right = reference.derivative(name, [float(zero) - 1e-6, float(zero) + 1e-6], **params)
        assert left < 0 < right, (name, params, zero)


def test_reference_broadcasts_parameters_and_axes():
    x = np.array([[-2.0, 3.0], [-4.0, -1.0]])
    prelu = reference.value("prelu", x, a=np.array([0.25, -0.5]))
    assert prelu.tolist() == [[-0.5, 3.0], [-1.0, 0.5]]
    by_columns = reference.value("softmax", x, axis=0)
    assert (by_columns == reference.value("softmax", x.T).T).all()
    assert all(mpmath.almosteq(sum(column), 1, rel_eps=1e-45) for column in by_columns.T)
