r"""Ground truth for every activation: values and derivatives in mpmath.

The accuracy test, the accuracy benchmark and the chapters' 验证 sections
measure the NumPy kernels against this module. Each reference is written
from the mathematics, independently of the NumPy code, in a form that has
no cancellation and stays exact in mpmath's unbounded exponent range:
:math:`\sigma'(x) = e^{-|x|}/(1+e^{-|x|})^2` rather than
:math:`\sigma(1-\sigma)`, :math:`\tanh' = 4e^{-2|x|}/(1+e^{-2|x|})^2`
rather than :math:`1-\tanh^2`, :math:`\Phi(x) = \operatorname{erfc}(-x/\sqrt2)/2`
on the left, :math:`\operatorname{expm1}` for SELU. Computations use ten
guard digits beyond the requested precision.

The API is small:

- :func:`value` and :func:`derivative` give object arrays of ``mpf``;
- :func:`ulp_error` measures a NumPy result in units in the last place;
- :func:`interior_zeros`, :func:`zero_window` and :func:`target_error`
  implement the accuracy target of DESIGN section 8 (at most 4 ULP, or an
  absolute error of at most 4 machine epsilons within 0.01 of an interior
  zero of a derivative);
- :func:`measure` does all of that for computed values at given inputs,
  and :func:`max_ulp` runs the library on a grid and returns the worst error.

Examples
--------
>>> from activations import reference
>>> reference.value("sigmoid", [0.0, -1000.0], dps=20)
array([mpf('0.5'), mpf('5.0759588975494567652918e-435')], dtype=object)
>>> exact = reference.derivative("tanh", [30.0])
>>> float(reference.ulp_error(np.array([0.0]), exact)[0]) > 1e10   # 1 - tanh**2
True
"""

from __future__ import annotations

import math
from typing import Callable, NamedTuple

import mpmath
import numpy as np

from . import get as _get_record
from . import log_softmax as _library_log_softmax

__all__ = [
    "value", "derivative", "vjp", "ulp_error", "interior_zeros", "zero_window", "target_error", "measure",
    "Measurement", "max_ulp", "full_range_grid", "TARGET_ULP", "ZERO_WINDOW",
]

#: Accuracy target of DESIGN section 8, in ULP (and in machine epsilons
#: of absolute error inside a :data:`ZERO_WINDOW`).
TARGET_ULP = 4.0

#: Half-width of the window around an interior zero of a derivative where
#: the target is an absolute error instead of a relative one.
ZERO_WINDOW = 0.01

_GUARD_DIGITS = 10

# Constants of the approximations, as published (exact decimals).
_GELU_TANH_CUBIC = "0.044715"       # Hendrycks & Gimpel (2016), hendrycks2016gaussian
_GELU_SIGMOID_SCALE = "1.702"       # same paper, x * sigmoid(1.702 x)
# SELU constants alpha_01 and lambda_01 of Klambauer et al. (2017), klambauer2017self,
# to the 31 digits the paper prints; far beyond float64's 16.
_SELU_ALPHA = "1.6732632423543772848170429916717"
_SELU_SCALE = "1.0507009873554804934193349852946"

# Infinite inputs are evaluated at +-2**2048: far outside every float
# range, so every activation has reached its limit there to all digits
# that a float can show.
_FAR_EXPONENT = 2048
_ROUNDS_TO_INF = 2 ** 1100      # beyond float64's 2**1024
_ROUNDS_TO_ZERO = mpmath.mpf(2) ** -1100   # below float64's 2**-1074


# --------------------------------------------------------------------------
# Building blocks (arguments are finite mpf; the context holds the precision)
# --------------------------------------------------------------------------

def _sigmoid(t):
    """sigma(t) = 1/(1 + e^{-t}); exact relative accuracy on both sides."""
    return 1 / (1 + mpmath.exp(-t))


def _sigmoid_product(t):
    """sigma(t) sigma(-t) = e^{-|t|}/(1 + e^{-|t|})^2, without 1 - sigma."""
    e = mpmath.exp(-abs(t))
    return e / (1 + e) ** 2


def _erfc(z):
    r"""erfc(z) for any finite z.

    mpmath's ``erfc`` overflows an internal float for :math:`z \gtrsim
    10^{154}`; there the asymptotic series
    :math:`\frac{e^{-z^2}}{z\sqrt\pi}\sum_n (-1)^n \frac{(2n-1)!!}{(2z^2)^n}`
    converges to full precision in a couple of terms.
    """
    if z < _ERFC_SERIES_FROM:
        return mpmath.erfc(z)
    return mpmath.exp(-z * z) * _erfc_scaled(z)


#: From here on the reference uses the asymptotic series of erfc.
_ERFC_SERIES_FROM = 10 ** 20


def _erfc_scaled(z):
    r""":math:`e^{z^2}\operatorname{erfc}(z)` by its asymptotic series, for :math:`z \ge 10^{20}`."""
    inv = 1 / (2 * z * z)
    term, total, n = mpmath.mpf(1), mpmath.mpf(1), 1
    while abs(term) > mpmath.eps * abs(total):
        term *= -(2 * n - 1) * inv
        total += term
        n += 1
    return total / (z * mpmath.sqrt(mpmath.pi))


def _normal_cdf(t):
    """Phi(t): the erfc form on the left keeps the tail's relative accuracy."""
    z = t / mpmath.sqrt(2)
    return _erfc(-z) / 2 if t < 0 else 1 - _erfc(z) / 2


def _normal_pdf(t):
    return mpmath.exp(-t * t / 2) / mpmath.sqrt(2 * mpmath.pi)


def _check_approximate(approximate):
    choices = ("none", "tanh", "sigmoid")
    if approximate not in choices:
        raise ValueError(f"approximate must be one of {choices}; got {approximate!r}")


# --------------------------------------------------------------------------
# Scalar references: (value, derivative) per registry name
# --------------------------------------------------------------------------

def _tanh(t):
    # expm1 keeps tanh(t) ~ t for tiny t, which 1 - e^{-2|t|} would lose.
    e = mpmath.exp(-2 * abs(t))
    return mpmath.sign(t) * -mpmath.expm1(-2 * abs(t)) / (1 + e)


def _tanh_grad(t):
    e = mpmath.exp(-2 * abs(t))
    return 4 * e / (1 + e) ** 2


def _relu(t):
    return t if t > 0 else mpmath.mpf(0)


def _relu_grad(t):
    return mpmath.mpf(1) if t > 0 else mpmath.mpf(0)   # 0 belongs to the left branch


def _leaky_relu(t, negative_slope=0.01):
    return t if t > 0 else mpmath.mpf(negative_slope) * t


def _leaky_relu_grad(t, negative_slope=0.01):
    return mpmath.mpf(1) if t > 0 else mpmath.mpf(negative_slope)


def _prelu(t, a=0.25):
    return _leaky_relu(t, a)


def _prelu_grad(t, a=0.25):
    return _leaky_relu_grad(t, a)


def _swish(t, beta=1.0):
    return t * _sigmoid(mpmath.mpf(beta) * t)


def _swish_grad(t, beta=1.0):
    # sigma(bt) + bt sigma(bt) sigma(-bt): no subtraction except near the
    # interior zero, where only an absolute accuracy is asked for.
    bt = mpmath.mpf(beta) * t
    return _sigmoid(bt) + bt * _sigmoid(bt) * _sigmoid(-bt)


def _gelu_tanh_argument(t):
    """2u with u = sqrt(2/pi) (t + 0.044715 t^3); 1 + tanh(u) = 2 sigma(2u)."""
    return 2 * mpmath.sqrt(2 / mpmath.pi) * (t + mpmath.mpf(_GELU_TANH_CUBIC) * t ** 3)


def _gelu(t, approximate="none"):
    _check_approximate(approximate)
    if approximate == "none":
        return t * _normal_cdf(t)
    if approximate == "tanh":
        return t * _sigmoid(_gelu_tanh_argument(t))
    return t * _sigmoid(mpmath.mpf(_GELU_SIGMOID_SCALE) * t)


def _gelu_grad(t, approximate="none"):
    _check_approximate(approximate)
    if approximate == "none":
        z = -t / mpmath.sqrt(2)
        if z >= _ERFC_SERIES_FROM:
            # Phi(t) and t phi(t) share the factor e^{-z^2}: computed once, because two
            # evaluations of an exponent near 1e92 at 60 digits differ by e^(1e31) and
            # would get even the sign of the (negative) sum wrong.
            return mpmath.exp(-z * z) * (_erfc_scaled(z) / 2 + t / mpmath.sqrt(2 * mpmath.pi))
        return _normal_cdf(t) + t * _normal_pdf(t)
    if approximate == "tanh":
        slope = 2 * mpmath.sqrt(2 / mpmath.pi) * (1 + 3 * mpmath.mpf(_GELU_TANH_CUBIC) * t * t)
        v = _gelu_tanh_argument(t)
        return _sigmoid(v) + t * slope * _sigmoid_product(v)
    k = mpmath.mpf(_GELU_SIGMOID_SCALE)
    return _sigmoid(k * t) + k * t * _sigmoid_product(k * t)


def _selu(t):
    scale, alpha = mpmath.mpf(_SELU_SCALE), mpmath.mpf(_SELU_ALPHA)
    return scale * t if t > 0 else scale * alpha * mpmath.expm1(t)


def _selu_grad(t):
    scale, alpha = mpmath.mpf(_SELU_SCALE), mpmath.mpf(_SELU_ALPHA)
    return scale if t > 0 else scale * alpha * mpmath.exp(t)   # 0 -> left branch


_SCALAR: dict[str, tuple[Callable, Callable]] = {
    "sigmoid": (_sigmoid, _sigmoid_product),
    "tanh": (_tanh, _tanh_grad),
    "relu": (_relu, _relu_grad),
    "leaky_relu": (_leaky_relu, _leaky_relu_grad),
    "prelu": (_prelu, _prelu_grad),
    "swish": (_swish, _swish_grad),
    "gelu": (_gelu, _gelu_grad),
    "selu": (_selu, _selu_grad),
}


# --------------------------------------------------------------------------
# Vector references (one row = the last axis)
# --------------------------------------------------------------------------

def _softmax_parts(row):
    """Exponentials shifted by the row's max, and the sum of all but one maximal entry.

    Returns ``(exps, rest)`` so that the normaliser is ``1 + rest`` exactly
    (the maximal entry contributes :math:`e^0 = 1`), or None for an
    undefined row: one with a NaN, several ``+inf`` or only ``-inf``.
    A row with exactly one ``+inf`` has the limit ``[.., 1, ..]``.
    """
    if any(mpmath.isnan(v) for v in row):
        return None
    top = max(row)
    first = row.index(top)
    if mpmath.isinf(top):
        if top < 0 or row.count(top) > 1:
            return None
        return [mpmath.mpf(int(i == first)) for i in range(len(row))], mpmath.mpf(0)
    exps = [mpmath.exp(v - top) for v in row]   # v - top is exact-then-rounded: no cancellation
    return exps, mpmath.fsum(exps[:first] + exps[first + 1:])


def _complement(exps, rest, i):
    """1 - s_i as (sum of the other entries)/S, never by subtraction from 1."""
    others = mpmath.fsum(exps[:i] + exps[i + 1:])
    return others / (1 + rest)


def _softmax_row(row):
    parts = _softmax_parts(row)
    if parts is None:
        return [mpmath.nan] * len(row)
    exps, rest = parts
    return [e / (1 + rest) for e in exps]


def _softmax_grad_row(row):
    parts = _softmax_parts(row)
    if parts is None:
        return [mpmath.nan] * len(row)
    exps, rest = parts
    return [e / (1 + rest) * _complement(exps, rest, i) for i, e in enumerate(exps)]


def _log_softmax_row(row):
    parts = _softmax_parts(row)
    if parts is None:
        return [mpmath.nan] * len(row)
    top = max(row)
    if mpmath.isinf(top):
        return [mpmath.mpf(0) if v == top else -mpmath.inf for v in row]
    # Both terms are <= 0, so the difference cannot cancel; log1p(rest)
    # keeps the dominant entry's log-probability -rest when rest is tiny.
    log_total = mpmath.log1p(parts[1])
    return [-mpmath.inf if mpmath.isinf(v) else (v - top) - log_total for v in row]


def _log_softmax_grad_row(row):
    parts = _softmax_parts(row)
    if parts is None:
        return [mpmath.nan] * len(row)
    exps, rest = parts
    return [_complement(exps, rest, i) for i in range(len(exps))]


_VECTOR: dict[str, tuple[Callable, Callable]] = {
    "softmax": (_softmax_row, _softmax_grad_row),
    "log_softmax": (_log_softmax_row, _log_softmax_grad_row),
}


# --------------------------------------------------------------------------
# Public evaluation
# --------------------------------------------------------------------------

#: Functions beside the registry, by the reference they are measured against:
#: online_softmax computes softmax by another recurrence, so its truth is softmax's.
_BESIDE_THE_REGISTRY = {"log_softmax": "log_softmax", "online_softmax": "softmax"}


def _canonical(name: str) -> str:
    if isinstance(name, str):
        beside = _BESIDE_THE_REGISTRY.get(name.strip().lower().replace("-", "_"))
        if beside:
            return beside
    return _get_record(name).name


def _to_mpf(v):
    """Exact mpf of one array element (floats of any width, ints, bools)."""
    if isinstance(v, mpmath.mpf):
        return v
    if isinstance(v, (bool, int, np.integer, np.bool_)):
        return mpmath.mpf(int(v))
    return mpmath.mpf(float(v))


def _scalar_at(fn, t, params):
    """fn at one point, with NaN propagated and infinities as limits."""
    if mpmath.isnan(t):
        return mpmath.nan
    if not mpmath.isinf(t):
        return fn(t, **params)
    far = fn(mpmath.sign(t) * mpmath.mpf(2) ** _FAR_EXPONENT, **params)
    if abs(far) > _ROUNDS_TO_INF:
        return mpmath.sign(far) * mpmath.inf
    return mpmath.mpf(0) if abs(far) < _ROUNDS_TO_ZERO else far


def _object_array(x):
    """``x`` as an array, keeping mpf inputs (object dtype) as they are."""
    arr = np.asarray(x)
    if arr.dtype == object:
        return arr
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"reference needs real input; got dtype {arr.dtype}")
    return arr


def _evaluate(name, x, dps, params, which):
    key = _canonical(name)
    arr = _object_array(x)
    if arr.size == 0:
        return np.empty(arr.shape, dtype=object)
    with mpmath.workdps(dps + _GUARD_DIGITS):
        if key in _VECTOR:
            return _vector_values(_VECTOR[key][which], arr, dps, **params)
        if _is_gated(key):
            return _gated_values(key, arr, dps, which, params)
        values = _scalar_values(_SCALAR[key][which], arr, params)
    return _rounded_array(values, arr.shape, dps)


# --------------------------------------------------------------------------
# Gated units (2n inputs, n outputs): a * g(b) from the gate's scalar reference
# --------------------------------------------------------------------------

def _is_gated(key):
    return key not in _SCALAR and key not in _VECTOR and _get_record(key).gated


def _product_with_limits(b, gate, factors):
    r"""``gate * prod(factors)`` with the package's rule for :math:`0\cdot\infty`.

    An exact 0 (an input, or the gate at a finite ``b``) times an infinite
    factor is 0, the limit of the product; an infinite factor times a
    gate whose limit at :math:`b = \pm\infty` is 0 has no limit: NaN.
    """
    terms = [gate, *factors]
    if any(mpmath.isnan(t) for t in terms):
        return mpmath.nan
    if any(t == 0 for t in terms):
        undefined = mpmath.isinf(b) and gate == 0 and any(mpmath.isinf(f) for f in factors)
        return mpmath.nan if undefined else mpmath.mpf(0)
    return mpmath.fprod(terms)


def _gated_values(key, arr, dps, which, params, upstream=None):
    """a * g(b) (``which=0``) or [v g(b), v a g'(b)] (``which=1``; v = ones by default)."""
    params = dict(params)
    axis = params.pop("axis", -1)
    value, slope = _SCALAR[_get_record(key).gate]
    a, b = np.split(arr, 2, axis=axis)
    v = np.ones(a.shape) if upstream is None else np.asarray(upstream)
    pairs = zip(a.reshape(-1), b.reshape(-1), v.reshape(-1))
    rows = []
    for ai, bi, vi in pairs:
        ai, bi, vi = _to_mpf(ai), _to_mpf(bi), _to_mpf(vi)
        if which == 0:
            rows.append((_product_with_limits(bi, _scalar_at(value, bi, params), [ai]),))
        else:
            rows.append((_product_with_limits(bi, _scalar_at(value, bi, params), [vi]),
                         _product_with_limits(bi, _scalar_at(slope, bi, params), [vi, ai])))
    halves = [_rounded_array([row[i] for row in rows], a.shape, dps) for i in range(len(rows[0]))]
    return halves[0] if which == 0 else np.concatenate(halves, axis=axis)


def vjp(name, x, v, dps=50, **params):
    r"""True gradient of a gated unit for an upstream gradient ``v``: :math:`[v\,g(b), v\,a\,g'(b)]`.

    Parameters are those of :func:`value` (``axis`` included), and ``v``
    has the output's shape (``x`` with ``axis`` halved).

    Examples
    --------
    >>> vjp("glu", [[2.0, 0.0]], [[3.0]], dps=15)
    array([[mpf('1.5'), mpf('1.5')]], dtype=object)
    """
    key = _canonical(name)
    arr = _object_array(x)
    with mpmath.workdps(dps + _GUARD_DIGITS):
        return _gated_values(key, arr, dps, 1, params, upstream=v)


def _rounded_array(values, shape, dps):
    """Object array of ``shape`` holding ``values`` rounded to ``dps`` digits."""
    out = np.empty(shape, dtype=object)
    with mpmath.workdps(dps):
        out.reshape(-1)[...] = [+v for v in values]
    return out


def _vector_values(row_fn, arr, dps, axis=-1):
    """Apply ``row_fn`` to every vector along ``axis``."""
    moved = np.moveaxis(arr.reshape(1) if arr.ndim == 0 else arr, axis, -1)
    rows = moved.reshape(-1, moved.shape[-1])
    values = [v for row in rows for v in row_fn([_to_mpf(e) for e in row])]
    return np.moveaxis(_rounded_array(values, moved.shape, dps), -1, axis).reshape(arr.shape)


def _scalar_values(fn, arr, params):
    """Evaluate ``fn`` elementwise, broadcasting array parameters (PReLU's a) against x."""
    names = [k for k, v in params.items() if not isinstance(v, str)]
    arrays = [np.asarray(params[k]) for k in names]
    fixed = {k: v for k, v in params.items() if isinstance(v, str)}
    if any(a.ndim for a in arrays):
        shape = np.broadcast_shapes(arr.shape, *(a.shape for a in arrays))
        if shape != arr.shape:
            raise ValueError(f"parameters of shapes {[a.shape for a in arrays]} "
                             f"do not broadcast to the input's shape {arr.shape}")
    columns = [np.broadcast_to(a, arr.shape).reshape(-1) for a in arrays]
    values = []
    for i, t in enumerate(arr.reshape(-1)):
        point = dict(fixed, **{k: _to_mpf(col[i]) for k, col in zip(names, columns)})
        values.append(_scalar_at(fn, _to_mpf(t), point))
    return values


def value(name, x, dps=50, **params):
    r"""True value of an activation, elementwise (softmax: along the last axis).

    Parameters
    ----------
    name : str
        Registry name or alias (``"silu"``), ``"log_softmax"``, or
        ``"online_softmax"`` (whose true value is softmax's).
    x : array_like
        Real input (floats are taken exactly; mpf objects are accepted).
        For ``softmax``/``log_softmax`` each vector lies along ``axis``
        (a keyword parameter, default -1).
    dps : int
        Decimal digits of the result (computed with 10 guard digits).
    **params
        The NumPy function's keyword parameters: ``negative_slope``,
        ``a`` (may be an array broadcasting against ``x``), ``beta``,
        ``approximate``. Defaults are those of the library.

    Returns
    -------
    numpy.ndarray of mpmath.mpf, dtype object, shape of ``x``
        NaN propagates; :math:`\pm\infty` gives the limit of the function.

    Examples
    --------
    >>> value("gelu", [-10.0], dps=15)
    array([mpf('-7.6198530241605263e-23')], dtype=object)
    >>> value("gelu", [1.0], dps=15, approximate="tanh")
    array([mpf('0.84119199060827665')], dtype=object)
    >>> value("softmax", [[0.0, 0.0], [0.0, -np.inf]], dps=15)
    array([[mpf('0.5'), mpf('0.5')],
           [mpf('1.0'), mpf('0.0')]], dtype=object)
    >>> value("selu", [-np.inf], dps=15)
    array([mpf('-1.7580993408473768')], dtype=object)
    """
    return _evaluate(name, x, dps, params, which=0)


def derivative(name, x, dps=50, **params):
    r"""True derivative :math:`f'(x)`, elementwise (softmax: the Jacobian diagonal).

    At a kink the left derivative is returned (0 belongs to the
    :math:`x \le 0` branch, as in PyTorch and JAX): ``relu'(0) = 0``,
    ``leaky_relu'(0) = negative_slope``, ``prelu'(0) = a``,
    ``selu'(0) = scale * alpha``. For ``softmax`` the result is
    :math:`s_i(1-s_i)`, for ``log_softmax`` it is :math:`1-s_i`, both with
    :math:`1-s_i` summed from the other entries.

    Parameters and returns are those of :func:`value`.

    Examples
    --------
    >>> derivative("tanh", [0.0, 100.0], dps=15)
    array([mpf('1.0'), mpf('5.5355861069469502e-87')], dtype=object)
    >>> derivative("relu", [-1.0, 0.0, 2.0], dps=15)
    array([mpf('0.0'), mpf('0.0'), mpf('1.0')], dtype=object)
    """
    return _evaluate(name, x, dps, params, which=1)


# --------------------------------------------------------------------------
# Error measures
# --------------------------------------------------------------------------

def _round_to(v, finfo):
    """Correctly rounded (nearest, ties to even) Python float of mpf ``v`` in a dtype.

    Handles subnormals with a single rounding (mpmath's own float
    conversion rounds twice there) and returns +-inf on overflow.
    """
    if not v:
        return 0.0
    sign, man, exp, bc = v._mpf_
    top = exp + bc - 1                       # floor(log2 |v|)
    min_exp = int(finfo.minexp)
    if top < min_exp - finfo.nmant - 2:      # below half the smallest subnormal
        return -0.0 if sign else 0.0
    if top >= int(finfo.maxexp):            # |v| >= 2**maxexp: past the largest float
        return -math.inf if sign else math.inf
    quantum = max(top, min_exp) - finfo.nmant   # exponent of one ULP at v
    shift = exp - quantum
    if shift >= 0:
        n = man << shift
    else:
        n, rest = man >> -shift, man & ((1 << -shift) - 1)
        half = 1 << (-shift - 1)
        if rest > half or (rest == half and n & 1):
            n += 1
    try:
        rounded = math.ldexp(n, quantum)
    except OverflowError:                    # float64's top binade rounded up to 2**1024
        rounded = math.inf
    if rounded > float(finfo.max):
        rounded = math.inf
    return -rounded if sign else rounded


def _one_ulp_error(got, exact, finfo):
    got_nan, exact_nan = math.isnan(got), mpmath.isnan(exact)
    if got_nan or exact_nan:
        return 0.0 if got_nan and exact_nan else math.inf
    rounded = float(exact) if mpmath.isinf(exact) else _round_to(exact, finfo)
    if math.isinf(got):
        # Right only when the true value is, or rounds to, this infinity.
        return 0.0 if got == rounded else math.inf
    if mpmath.isinf(exact):
        return math.inf
    with mpmath.workdps(20):
        unit = _ulp_of(min(abs(rounded), float(finfo.max)), finfo)
        return float(abs(mpmath.mpf(got) - exact) / unit)


def _ulp_of(rounded, finfo):
    """np.spacing(|rounded|) as an exact power of two, also at the largest float.

    (``np.spacing(max)`` is ``inf`` with a warning; a true value beyond the
    largest float is measured in the spacing of the top binade.)
    """
    binade = math.frexp(rounded)[1] - 1 if rounded else int(finfo.minexp)
    return mpmath.ldexp(1, max(binade, int(finfo.minexp)) - finfo.nmant)


def ulp_error(result, exact, dtype=None):
    r"""Error of ``result`` in units in the last place of ``dtype``.

    .. math:: \mathrm{err} = \frac{|r - f|}{\operatorname{spacing}(\operatorname{fl}(f))}

    where :math:`f` is the exact value and :math:`\operatorname{fl}(f)` its
    correctly rounded value in ``dtype`` (subnormals included, so a
    result in the subnormal range is measured in the subnormal spacing).

    Parameters
    ----------
    result : array_like of float
        The computed values.
    exact : array_like of mpf (or of anything mpmath accepts)
        True values, e.g. from :func:`value`; broadcast against ``result``.
    dtype : numpy dtype, optional
        Format whose ULP is the unit; defaults to ``result``'s dtype
        (float64 for non-float input).

    Returns
    -------
    numpy.ndarray of float64
        0 where both are NaN or the same infinity (also when the true
        value overflows to the infinity returned); ``inf`` where exactly
        one is NaN or infinite, or the infinity has the wrong sign.

    Examples
    --------
    >>> x = np.float32(1.0)
    >>> ulp_error(np.nextafter(x, np.float32(2)), [mpmath.mpf(1)])
    array([1.])
    >>> ulp_error(np.array([np.inf, np.nan, 1.0]),
    ...           [mpmath.mpf(10) ** 400, mpmath.nan, mpmath.inf])
    array([ 0.,  0., inf])
    """
    result = np.asarray(result)
    dtype = np.dtype(dtype if dtype is not None else
                     (result.dtype if result.dtype.kind == "f" else np.float64))
    finfo = np.finfo(dtype)
    exact = np.asarray(exact, dtype=object)
    result, exact = np.broadcast_arrays(result, exact)
    errors = [_one_ulp_error(float(r), _to_mpf(e), finfo)
              for r, e in zip(result.reshape(-1), exact.reshape(-1))]
    return np.array(errors, dtype=np.float64).reshape(result.shape)


def interior_zeros(name, **params):
    r"""Points where the derivative vanishes between two non-zero regions.

    These are GELU's minimum (:math:`x \approx -0.7518` for the erf form)
    and Swish's (:math:`\beta x \approx -1.2785`); every other activation
    has none. Near such a zero a relative (ULP) error is meaningless, so
    the target there is an absolute error (see :func:`target_error`).

    Returns
    -------
    tuple of mpmath.mpf
        Roots to 30 digits, found with :func:`mpmath.findroot`.

    Examples
    --------
    >>> [float(z) for z in interior_zeros("gelu")]
    [-0.7517915247...]
    >>> [round(float(z), 4) for z in interior_zeros("swish", beta=2.0)]
    [-0.6392]
    >>> interior_zeros("relu")
    ()
    """
    key = _canonical(name)
    if _is_gated(key):   # a gated unit's derivative in b is a * g'(b): the gate's zeros
        key = _get_record(key).gate
    if key == "gelu":
        guess = mpmath.mpf("-0.75")
    elif key == "swish" and params.get("beta", 1.0) != 0:
        guess = mpmath.mpf("-1.2785") / mpmath.mpf(params.get("beta", 1.0))
    else:
        return ()
    grad = _SCALAR[key][1]
    with mpmath.workdps(30):
        return (mpmath.findroot(lambda t: grad(t, **params), guess),)


def zero_window(name, x, width=ZERO_WINDOW, **params):
    """Boolean mask of the points of ``x`` within ``width`` of an interior zero of f'.

    Examples
    --------
    >>> zero_window("gelu", [-0.76, -0.5, 0.0])
    array([ True, False, False])
    """
    x = np.asarray(x, dtype=np.float64)
    mask = np.zeros(x.shape, dtype=bool)
    for zero in interior_zeros(name, **params):
        mask |= np.abs(x - float(zero)) <= width
    return mask


def target_error(result, exact, window, dtype=None, scale=None):
    r"""Error in the units of the accuracy target (DESIGN section 8).

    Outside ``window`` this is :func:`ulp_error`; inside it (near an
    interior zero of a derivative) it is the smaller of that and the
    absolute error divided by the machine epsilon of ``dtype``: the window
    relaxes the target, it never tightens it. Either way the target is
    :data:`TARGET_ULP` (4). ``scale`` (broadcast against ``result``) is
    the size of the factors multiplying the derivative, for a gated unit's
    :math:`v\,a\,g'(b)`: inside the window the error is then counted in
    units of ``scale`` machine epsilons.

    Examples
    --------
    >>> exact = derivative("gelu", [-0.7518])         # about -5e-6
    >>> got = np.array([float(exact[0]) + 2e-16])
    >>> float(ulp_error(got, exact)[0]) > 100
    True
    >>> float(target_error(got, exact, [True])[0]) < 1
    True
    """
    result = np.asarray(result)
    dtype = np.dtype(dtype if dtype is not None else
                     (result.dtype if result.dtype.kind == "f" else np.float64))
    errors = ulp_error(result, exact, dtype)
    window = np.broadcast_to(np.asarray(window, dtype=bool), errors.shape)
    # NaN/inf mismatches keep their infinite error inside the window too, and an
    # exact result needs no scale (|v a| may be 0, or 0 * inf, there).
    window = window & np.isfinite(errors) & (errors > 0)
    if window.any():
        result = np.broadcast_to(result, errors.shape)
        exact = np.broadcast_to(np.asarray(exact, dtype=object), errors.shape)
        eps = mpmath.mpf(float(np.finfo(dtype).eps))
        scale = np.broadcast_to(np.ones(()) if scale is None else np.asarray(scale, dtype=object),
                                errors.shape)
        with mpmath.workdps(20):
            scaled = [_scaled_error(r, e, eps * _to_mpf(k))
                      for r, e, k in zip(result[window], exact[window], scale[window])]
        # The window relaxes the target, never tightens it: where |v a| eps is below
        # the result's own ULP (tiny factors), the ULP error stands.
        errors[window] = np.minimum(errors[window], scaled)
    return errors


def _scaled_error(result, exact, unit):
    """|result - exact| / unit; an inexact result where the unit is 0 is infinitely wrong."""
    difference = abs(mpmath.mpf(float(result)) - _to_mpf(exact))
    return float(difference / unit) if unit else math.inf


class Measurement(NamedTuple):
    """What :func:`measure` found: per-point errors and what they were measured against."""

    errors: np.ndarray   #: float64, in target units (ULP, or eps inside ``window``)
    exact: np.ndarray    #: object array of mpf, the reference values
    window: np.ndarray   #: bool, points within ZERO_WINDOW of an interior zero of f'


def measure(name, x, result, derivative=False, dtype=None, upstream=None, **params):
    """Measure computed values ``result`` at ``x`` against the reference.

    Parameters
    ----------
    name : str
        Registry name or alias, or ``"log_softmax"``.
    x : array_like
        The inputs ``result`` was computed from.
    result : array_like
        The computed values (library, naive formula, scipy, ...).
    derivative : bool
        Whether ``result`` is the derivative (which enables the
        absolute-error window around interior zeros).
    dtype : numpy dtype, optional
        Whose ULP and epsilon to use; default ``result``'s dtype.
    upstream : array_like, optional
        For a gated unit's derivative: the upstream gradient ``v`` that
        ``result`` (a VJP) was computed with; ones by default (``grad``).
        Near an interior zero of the gate's derivative the second half is
        held to an absolute error of 4 machine epsilons times
        :math:`|v a|`.
    **params
        The function's parameters, as for :func:`value`.

    Returns
    -------
    Measurement
        ``errors`` (see :func:`target_error`), ``exact`` and ``window``.

    Examples
    --------
    >>> x = np.array([-40.0, 0.0, 40.0])
    >>> s = 1 / (1 + np.exp(-x))
    >>> bool(measure("sigmoid", x, s * (1 - s), derivative=True).errors.max() > 1e15)
    True
    """
    key = _canonical(name)
    result = np.asarray(result)
    if _is_gated(key):
        return _measure_gated(key, x, result, derivative, dtype, upstream, params)
    exact = _evaluate(key, x, 50, params, which=int(derivative))
    window = (zero_window(key, x, **params) if derivative and key not in _VECTOR
              else np.zeros(np.shape(x), dtype=bool))
    return Measurement(target_error(result, exact, window, dtype), exact, window)


def _measure_gated(key, x, result, derivative, dtype, upstream, params):
    """:func:`measure` for a gated unit: the window and its scale lie in the b half."""
    if not derivative:
        exact = _evaluate(key, x, 50, params, which=0)
        window = np.zeros(exact.shape, dtype=bool)
        return Measurement(target_error(result, exact, window, dtype), exact, window)
    if upstream is None:
        exact = _evaluate(key, x, 50, params, which=1)
    else:
        exact = vjp(key, x, upstream, **params)
    axis = params.get("axis", -1)
    gate_params = {k: v for k, v in params.items() if k != "axis"}
    a, b = np.split(np.asarray(x, dtype=np.float64), 2, axis=axis)
    v = np.ones(a.shape) if upstream is None else np.asarray(upstream, dtype=np.float64)
    near = zero_window(key, b, **gate_params)
    window = np.concatenate([np.zeros(a.shape, bool), near], axis=axis)
    # |v a| exactly (mpf): the float64 product of two large factors would overflow.
    products = [abs(_to_mpf(ai) * _to_mpf(vi)) for ai, vi in zip(a.reshape(-1), v.reshape(-1))]
    scale = np.concatenate([np.ones(a.shape, dtype=object),
                            np.array(products, dtype=object).reshape(a.shape)], axis=axis)
    return Measurement(target_error(result, exact, window, dtype, scale), exact, window)


def _library_function(key, derivative):
    if key == "log_softmax":
        if derivative:
            raise ValueError("the library has no log_softmax derivative")
        return _library_log_softmax
    record = _get_record(key)
    return record.grad if derivative else record.fn


def max_ulp(name, x, dtype, derivative=False, **params):
    """Worst error of the library on ``x`` cast to ``dtype``, in target units.

    Evaluates the library's value (or derivative) function, compares it
    with the mpmath reference at 50 digits and returns the largest
    :func:`target_error`: ULP, except within :data:`ZERO_WINDOW` of an
    interior zero of GELU' or Swish', where the absolute error is counted in
    machine epsilons. A result at most :data:`TARGET_ULP` meets the target.

    Examples
    --------
    >>> x = np.linspace(-50, 50, 101)
    >>> max_ulp("sigmoid", x, np.float64) <= TARGET_ULP
    True
    """
    key = _canonical(name)
    points = np.asarray(x).astype(dtype)
    result = _library_function(key, derivative)(points, **params)
    errors = measure(key, points, result, derivative, dtype, **params).errors
    return float(np.max(errors)) if errors.size else 0.0


def full_range_grid(dtype, n=200, extra=()):
    """Test points spanning every magnitude a ``dtype`` can hold, both signs.

    ``n`` geometrically spaced magnitudes from the smallest subnormal to
    half the largest finite number, the largest finite number itself (a
    geometric sequence ending there would overflow in its last power),
    0, -inf and +inf, a dense linear grid on [-120, 120] where the
    activations bend and saturate, and any ``extra`` points (for example a
    window around the zero of a derivative). This is the grid the chapters'
    验证 sections measure their ULP errors on.

    Parameters
    ----------
    dtype : numpy float dtype
        float16, float32 or float64.
    n : int
        Number of magnitudes per sign.
    extra : array_like
        More points to include, cast to ``dtype``.

    Returns
    -------
    numpy.ndarray
        The points, cast to ``dtype`` (not sorted, may repeat).

    Examples
    --------
    >>> grid = full_range_grid(np.float32, n=10)
    >>> grid.dtype, float(grid.max()), float(np.abs(grid[grid != 0]).min())
    (dtype('float32'), inf, 1.401298464324817e-45)
    """
    info = np.finfo(dtype)
    magnitudes = np.append(np.geomspace(float(info.smallest_subnormal), float(info.max) / 2, n),
                           float(info.max))
    dense = np.linspace(-120.0, 120.0, 481)
    points = [-magnitudes, [0.0, -np.inf, np.inf], magnitudes, dense, np.ravel(extra)]
    return np.concatenate(points).astype(dtype)
