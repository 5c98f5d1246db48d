r"""Gated linear units: :math:`\operatorname{GLU}(\mathbf{x}) = \mathbf{a} \odot g(\mathbf{b})`.

A gated unit splits its input in two halves along ``axis``,
:math:`\mathbf{x} = [\mathbf{a}, \mathbf{b}]`, and lets the second half
decide, through a gate nonlinearity :math:`g`, how much of the first one
passes: :math:`2n` inputs give :math:`n` outputs. Dauphin et al. (2017,
dauphin2017language) introduced it with :math:`g = \sigma` for language
models; Shazeer (2020, shazeer2020glu) tried other gates in the
feed-forward layers of the Transformer:

======== ============================== ==========================
function gate :math:`g`                 package kernel of the gate
======== ============================== ==========================
glu      :math:`\sigma(b)`              :func:`activations.sigmoid`
reglu    :math:`\max(b, 0)`             :func:`activations.relu`
geglu    :math:`b\,\Phi(b)`             :func:`activations.gelu`
swiglu   :math:`b\,\sigma(\beta b)`     :func:`activations.swish`
======== ============================== ==========================

The halves follow PyTorch's ``torch.nn.functional.glu``: the first half is
the value, the second goes through the gate. Each function has a
``*_grad`` (the two non-zero diagonals of its Jacobian, laid out like the
input) and a ``*_vjp`` (the gradient with respect to the input for an
upstream gradient of the output's shape, as backpropagation needs it).

Numerics. The gate and its derivative come from the package's own
kernels, evaluated in float64 for every input dtype, and the products
are rounded once to the input's dtype. Where the gate's float64 value is
subnormal or underflows to 0 while the product with a large value is
still an ordinary number (:math:`10^{300}\sigma(-800)`), every factor is
split into a significand and a power of two and the exponentials are
computed already scaled (``exp_scaled`` of ``activations._exact``, which
swish's far tail shares): no factor is rounded outside float64's normal
range.
"""

from __future__ import annotations

import math
import operator
from typing import Callable, NamedTuple

import numpy as np
import sympy as sp
from scipy import special

from ._exact import (NEGLIGIBLE_EXPONENT, exp_scaled, fitted, frexp64, ldexp_once, patch,
                     product_error)
from ._numeric import InputInfo, real_input, restore
from ._spec import Activation
from .gelu import (_BREAKS, _H_TABLE, _K_TABLE, _X0_HI, _X0_LO, _none_grad, _none_value,
                   _square, _tanh_grad, _tanh_parts, _tanh_value, gelu_expr)
from .gelu import GELU
from .relu import RELU, relu, relu_expr, relu_grad
from .sigmoid import SIGMOID, sigmoid, sigmoid_expr, sigmoid_grad
from .swish import SWISH, swish, swish_expr, swish_grad

__all__ = [
    "glu", "glu_grad", "glu_vjp", "glu_expr", "GLU",
    "reglu", "reglu_grad", "reglu_vjp", "reglu_expr", "REGLU",
    "geglu", "geglu_grad", "geglu_vjp", "geglu_expr", "GEGLU",
    "swiglu", "swiglu_grad", "swiglu_vjp", "swiglu_expr", "SWIGLU",
]

#: The approximations geglu offers (the names of :func:`activations.gelu`).
GEGLU_APPROXIMATIONS = ("none", "tanh")

_TINY = np.finfo(np.float64).smallest_normal
#: Beyond this, e^t is below 2**-57 and 1 + e^t rounds to 1: sigma(t) = e^t.
_EXP_TAIL = -40.0
#: Left of this the fits of activations.gelu end; the asymptotic series takes over.
_MILLS_FROM = _BREAKS[-1]
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


# ---------------------------------------------------------------------------
# The gates: float64 kernels from their own modules, and scaled forms
# ---------------------------------------------------------------------------

class _GateKernels(NamedTuple):
    """How one gated function evaluates its gate ``g`` on float64 arrays.

    ``value(b, wide)`` and ``slope(b, wide)`` return float64 ``g(b)`` and
    ``g'(b)``; ``wide`` is True for float16/32 input, whose results have
    ~29 spare bits, so the gate modules' fast paths suffice.
    ``value_scaled(b)`` and ``slope_scaled(b)`` return ``(m, k)`` with
    ``g = m * 2**k`` on the few elements where ``g`` is subnormal or 0 in
    float64 (far left tails, subnormal ``b``).
    """

    value: Callable
    slope: Callable
    value_scaled: Callable
    slope_scaled: Callable
    exact: bool = False      # g and g' are exact (ReLU): every product rounds once as it is


def _exact_scaled(kernel):
    """Scaled form of a gate whose float64 value is exact (ReLU and its step)."""
    return lambda b: frexp64(kernel(b))


def _relu_gate():
    return _GateKernels(lambda b, wide: relu(b), lambda b, wide: relu_grad(b),
                        _exact_scaled(relu), _exact_scaled(relu_grad), exact=True)


def _sigmoid_scaled(kernel, symmetric):
    """sigma or sigma', scaled: e^b (to float64 precision) left of -40; sigma' is even."""
    def scaled(b):
        t = -np.abs(b) if symmetric else b
        tail = t < _EXP_TAIL
        m, k = exp_scaled(np.where(tail, t, 0.0))
        mg, kg = frexp64(kernel(b))
        return np.where(tail, m, mg), np.where(tail, k, kg)
    return scaled


def _sigmoid_gate():
    return _GateKernels(lambda b, wide: sigmoid(b), lambda b, wide: sigmoid_grad(b),
                        _sigmoid_scaled(sigmoid, False), _sigmoid_scaled(sigmoid_grad, True))


def _scaled_argument(b, beta):
    """``t = beta*b`` and its exact rounding error."""
    with np.errstate(over="ignore"):     # t = -inf: the gate is then 0 to all digits
        t = b * beta
    return t, product_error(np.float64(beta), b, t)


def _swish_gate(beta):
    def value_scaled(b):
        t, err = _scaled_argument(b, beta)
        tail = t < _EXP_TAIL
        m, k = exp_scaled(np.where(tail, t, 0.0), np.where(tail, err, 0.0))
        mb, kb = frexp64(b)
        # b sigma(t + err): outside the tail only a b below ~2**-1022 e^40 is masked, where t
        # is not small for a huge beta (1e300); sigma(t + err) = sigma(t)(1 + err sigma(-t))
        # keeps the rounding error of t: dropped, it cost up to |t| 2**-53 (27 ULP measured)
        near = sigmoid(t) * (1.0 + err * sigmoid(-t))
        return mb * np.where(tail, m, near), kb + np.where(tail, k, 0.0)

    def slope_scaled(b):
        t, err = _scaled_argument(b, beta)
        tail = t < _EXP_TAIL
        m, k = exp_scaled(np.where(tail, t, 0.0), np.where(tail, err, 0.0))
        mg, kg = frexp64(swish_grad(b, beta))
        near = 1.0 + np.maximum(t, NEGLIGIBLE_EXPONENT)   # (1 + t) e^t; e^t is 0 beyond
        return np.where(tail, m * near, mg), np.where(tail, k, kg)

    return _GateKernels(lambda b, wide: swish(b, beta), lambda b, wide: swish_grad(b, beta),
                        value_scaled, slope_scaled)


def _mills_h(a):
    r""":math:`h(a) = a\,\Phi(-a)\,e^{a^2/2}`: the fit of activations.gelu up to 40, then its series.

    Beyond :math:`a = 40` the asymptotic series of the Mills ratio,
    :math:`\sqrt{2\pi}\,h(a) = 1 - a^{-2} + 3a^{-4} - 15a^{-6} + \dots`,
    has converged to float64 precision after seven terms.
    """
    fit = fitted(_H_TABLE[-1], _BREAKS[-2], _BREAKS[-1], np.minimum(a, _MILLS_FROM))
    u = 1.0 / (np.maximum(a, _MILLS_FROM) ** 2)
    series = 1.0 + u * (-1.0 + u * (3.0 + u * (-15.0 + u * (105.0 + u * (-945.0 + u * 10395.0)))))
    return np.where(a <= _MILLS_FROM, fit, series * _INV_SQRT_2PI)


def _gelu_none_tail(b):
    """``(m, k, a, h)`` with e^{-a^2/2} = m 2**k, a = -b (a^2 carried exactly), for b < -16."""
    a = np.clip(-b, _BREAKS[-2], 2.0 ** 500)
    s, se = _square(a)
    m, k = exp_scaled(-0.5 * s, -0.5 * se)
    return m, k, a, _mills_h(a)


def _gelu_none_gate():
    tail_from = -37.5       # as activations.gelu: there e^{-b^2/2} nears the subnormals

    def value_scaled(b):
        tail = b < tail_from
        m, k, _, h = _gelu_none_tail(np.where(tail, b, -_BREAKS[-2]))
        mb, kb = frexp64(b)
        # b Phi(b): outside the tail only a subnormal b is masked, where Phi = 1/2
        return np.where(tail, -m * h, mb * special.ndtr(b)), np.where(tail, k, kb)

    def slope_scaled(b):
        tail = b < tail_from
        m, k, a, h = _gelu_none_tail(np.where(tail, b, -_BREAKS[-2]))
        fit = fitted(_K_TABLE[-1], _BREAKS[-2], _BREAKS[-1], np.minimum(a, _MILLS_FROM))
        near = fit * ((a - (-_X0_HI)) - (-_X0_LO))        # E (a - a0) k(a), as gelu_grad
        far = h / a - a * _INV_SQRT_2PI                    # Phi(b) + b phi(b) = E (h/a - a phi/E)
        mg, kg = frexp64(_none_grad(b, False))
        return np.where(tail, m * np.where(a <= _MILLS_FROM, near, far), mg), np.where(tail, k, kg)

    return _GateKernels(_none_value, _none_grad, value_scaled, slope_scaled)


def _gelu_tanh_tail(b):
    """``(m, k, v, n)``: e^{v} = m 2**k, v, and N = (1 + v) + 2Bb^3, from gelu's double-double v."""
    # Below -40 the tail stands in for the true one at b = -40 (b^3 would overflow far out):
    # e^v(-40) = 2**-6682 makes every product of floats 0 as the true factor does, also the
    # VJP's v a g'(b) with |v a| up to 2**2048 (a clamp at -30 did not: e^v(-30.5) * 2**2048
    # is 1e-281), yet it is not 0 itself (inf * g stays inf).
    v, ve, c, ce = _tanh_parts(np.maximum(b, -40.0))
    m, k = exp_scaled(v, ve)
    return m, k, v, ((1.0 + v) + 2.0 * c) + (2.0 * ce + ve)


def _gelu_tanh_gate():
    tail_from = -7.5        # v(b) < -40 from here on

    def value_scaled(b):
        tail = b < tail_from
        m, k, v, _ = _gelu_tanh_tail(np.where(tail, b, tail_from))
        mb, kb = frexp64(b)
        return mb * np.where(tail, m, 0.5), kb + np.where(tail, k, 0.0)

    def slope_scaled(b):
        tail = b < tail_from
        m, k, _, n = _gelu_tanh_tail(np.where(tail, b, tail_from))
        mg, kg = frexp64(_tanh_grad(b, False))
        return np.where(tail, m * n, mg), np.where(tail, k, kg)

    return _GateKernels(_tanh_value, _tanh_grad, value_scaled, slope_scaled)


# ---------------------------------------------------------------------------
# Halves and products
# ---------------------------------------------------------------------------

class _Halves(NamedTuple):
    """The value half ``a`` and gate half ``b`` (float64), the axis and the input's info."""

    a: np.ndarray
    b: np.ndarray
    axis: int
    info: InputInfo


def _halves(x, axis, func_name) -> _Halves:
    """Validate ``x`` and ``axis`` and split ``x`` into its two halves (float64)."""
    work, info = real_input(x, func_name)
    if info.zero_dim:
        raise ValueError(f"{func_name}() splits its input in two halves along an axis; "
                         f"got a 0-d input")
    try:
        axis = operator.index(axis)
    except TypeError:
        raise TypeError(f"{func_name}() needs an integer axis; got {axis!r}") from None
    if not -work.ndim <= axis < work.ndim:
        raise ValueError(f"{func_name}(): axis {axis} is out of range for input with "
                         f"ndim {work.ndim}")
    size = work.shape[axis]
    if size % 2:
        raise ValueError(f"{func_name}(): the size {size} of axis {axis} is odd; a gated "
                         f"unit splits it into two halves of equal size")
    a, b = np.split(work.astype(np.float64, copy=False), 2, axis=axis)
    return _Halves(a, b, axis % work.ndim, info)


def _product(gate, scaled, b, *factors, plain=False):
    r"""``gate * factors[0] * ...`` in float64, each rounding inside the normal range.

    The plain product is right wherever every partial product is a normal
    float64 number. Elsewhere (a gate that is subnormal or underflows to
    0, an intermediate that overflows) every factor is split as
    :math:`m\,2^k` and the significands are multiplied, with the gate's
    own scaled form ``scaled(b)``; the exponents are added and applied
    once. An exact 0 times an infinite factor is 0 (the product's limit);
    only an infinite factor times a gate whose limit at :math:`b = \pm\infty`
    is 0 has no limit and stays NaN.

    ``plain`` skips the scaled path unless a NaN shows up (an infinite
    input times 0). It is right for an exact gate (ReLU: :math:`g = b` or
    0 and :math:`g' = 1` or 0, so the product of the inputs is rounded
    once, as IEEE multiplication rounds, subnormal results included), and
    for float16/32 input: every finite factor and gate is then below :math:`2^{128}` in magnitude (the gates and their
    derivatives grow at most like :math:`|b|`), so no partial product
    overflows float64, and one that falls below float64's normal range
    ends below :math:`2^{-1022} \cdot 2^{256} = 2^{-766}`, where the
    true product also lies: both round to 0 in float32, whose smallest
    subnormal is :math:`2^{-149}`.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        partial = gate * factors[0]
        result = partial
        for factor in factors[1:]:
            result = result * factor
    if plain:
        # Only inf * 0 can have gone wrong (NaN), and the 0 may be a gate that underflowed
        # (inf * tiny is inf): those elements alone take the general path.
        redo = np.isnan(result)
        if redo.any():
            result[redo] = _product(gate[redo], scaled, b[redo], *(f[redo] for f in factors))
        return result
    nonzero = np.ones(result.shape, bool)
    for factor in factors:
        nonzero &= factor != 0
    risky = np.abs(gate) < _TINY
    if len(factors) > 1:
        risky |= ~(np.abs(partial) >= _TINY) | np.isinf(partial)
    patch(result, risky & nonzero & np.isfinite(b), _scaled_product(scaled), b, *factors)
    return _limits_of_zero_times_inf(result, b, factors)


def _scaled_product(scaled):
    def product(b, *factors):
        m, k = scaled(b)
        for factor in factors:
            mf, kf = frexp64(factor)
            with np.errstate(invalid="ignore"):   # 0 * inf: resolved by the caller
                m = m * mf
            k = k + kf
        return ldexp_once(m, k)
    return product


def _limits_of_zero_times_inf(result, b, factors):
    nan_in = np.isnan(b)
    infinite = np.zeros(result.shape, bool)
    for factor in factors:
        nan_in |= np.isnan(factor)
        infinite |= np.isinf(factor)
    fixable = np.isnan(result) & ~nan_in & ~(infinite & np.isinf(b))
    result[fixable] = 0.0
    return result


def _value(func_name, x, axis, kernels):
    """``a * g(b)`` for the halves of ``x``, rounded once to ``x``'s dtype."""
    halves = _halves(x, axis, func_name)
    wide = halves.info.dtype != np.float64
    gate = kernels.value(halves.b, wide)
    plain = wide or kernels.exact
    return restore(_product(gate, kernels.value_scaled, halves.b, halves.a, plain=plain),
                   halves.info)


def _upstream(v, halves, func_name):
    """Validate the upstream gradient ``v``: real, of the output's shape."""
    g, g_info = real_input(v, func_name, "upstream gradient 'v'")
    if g_info.zero_dim or g.shape != halves.a.shape:
        raise ValueError(f"{func_name}(): upstream gradient 'v' of shape {np.shape(v)} does "
                         f"not match the output's shape {halves.a.shape}")
    return g.astype(np.float64, copy=False), np.result_type(halves.info.dtype, g_info.dtype)


def _vjp(halves, kernels, v, dtype):
    r"""``concatenate([v g(b), v a g'(b)])``; ``v`` None means ones (the Jacobian's diagonals)."""
    wide = dtype != np.float64
    b = halves.b
    gate, slope = kernels.value(b, wide), kernels.slope(b, wide)
    plain = wide or kernels.exact
    if v is None:
        first = gate
        second = _product(slope, kernels.slope_scaled, b, halves.a, plain=plain)
    else:
        first = _product(gate, kernels.value_scaled, b, v, plain=plain)
        second = _product(slope, kernels.slope_scaled, b, v, halves.a, plain=plain)
    out = np.concatenate([first, second], axis=halves.axis)
    return restore(out, InputInfo(dtype, False))


def _gradient(func_name, x, axis, kernels):
    """The Jacobian's two diagonals: the VJP for an upstream gradient of ones."""
    halves = _halves(x, axis, func_name)
    return _vjp(halves, kernels, None, halves.info.dtype)


def _backward(func_name, x, v, axis, kernels):
    """The VJP for an upstream gradient ``v`` of the output's shape."""
    halves = _halves(x, axis, func_name)
    g, dtype = _upstream(v, halves, func_name)
    return _vjp(halves, kernels, g, dtype)


def _geglu_kernels(approximate, func_name):
    if not isinstance(approximate, str) or approximate not in GEGLU_APPROXIMATIONS:
        raise ValueError(f"{func_name}(): approximate must be one of 'none', 'tanh'; "
                         f"got {approximate!r}")
    return _GELU_NONE if approximate == "none" else _GELU_TANH


def _swiglu_kernels(beta, func_name):
    """The gate of swiglu for a finite scalar ``beta`` (one gate per layer, as in the paper)."""
    value = np.asarray(beta)
    if value.dtype.kind not in "biuf" or value.ndim:
        raise TypeError(f"{func_name}() needs a real scalar parameter 'beta'; got {beta!r}")
    if not np.isfinite(value):
        raise ValueError(f"{func_name}(): parameter 'beta' must be finite; got {beta!r}")
    return _swish_gate(float(value))


_SIGMOID = _sigmoid_gate()
_RELU = _relu_gate()
_GELU_NONE = _gelu_none_gate()
_GELU_TANH = _gelu_tanh_gate()


# ---------------------------------------------------------------------------
# GLU (sigmoid gate)
# ---------------------------------------------------------------------------

def glu(x, axis=-1):
    r"""Gated linear unit: the first half of ``x`` times the sigmoid of the second.

    .. math:: \operatorname{GLU}(\mathbf{x}) = \mathbf{a} \odot \sigma(\mathbf{b}),
              \qquad [\mathbf{a}, \mathbf{b}] = \mathbf{x} \text{ split along } \texttt{axis}

    Parameters
    ----------
    x : array_like
        Real input with an even size along ``axis``; integers and bools
        become float64.
    axis : int
        The axis that is split in two (default the last), as in
        ``torch.nn.functional.glu``.

    Returns
    -------
    numpy.ndarray
        Shape of ``x`` with ``axis`` halved, dtype of ``x`` (float16/32/64).

    Raises
    ------
    ValueError
        If the size of ``axis`` is odd, ``axis`` is out of range or ``x`` is 0-d.
    TypeError
        For non-real input or a non-integer ``axis``.

    Notes
    -----
    Dauphin et al. (2017), dauphin2017language. The gate is
    :func:`activations.sigmoid`; the product is rounded once, and where
    :math:`\sigma(b)` underflows (:math:`b < -745`) while
    :math:`a\,e^{b}` does not, it is formed from scaled factors.

    Examples
    --------
    >>> glu([1.0, 2.0, 0.0, -1.0])
    array([0.5       , 0.53788284])
    >>> float(glu([1e300, -800.0])[0])        # 1e300 * sigmoid(-800): sigmoid underflows
    3.6e-48
    >>> glu([1.0, 2.0, 3.0])
    Traceback (most recent call last):
    ...
    ValueError: glu(): the size 3 of axis -1 is odd; a gated unit splits it into two halves of equal size
    """
    return _value("glu", x, axis, _SIGMOID)


def glu_grad(x, axis=-1):
    r"""The two non-zero diagonals of GLU's Jacobian, laid out like ``x``.

    .. math:: \frac{\partial y_i}{\partial a_i} = \sigma(b_i), \qquad
              \frac{\partial y_i}{\partial b_i} = a_i\,\sigma'(b_i)

    Output :math:`y_i` depends on :math:`a_i` and :math:`b_i` only, so the
    Jacobian is two diagonal blocks; this is :func:`glu_vjp` with an
    upstream gradient of ones.

    Parameters
    ----------
    x : array_like
        As in :func:`glu`.
    axis : int
        As in :func:`glu`.

    Returns
    -------
    numpy.ndarray
        Shape and dtype of ``x``: :math:`\sigma(\mathbf{b})` in the first
        half, :math:`\mathbf{a}\odot\sigma'(\mathbf{b})` in the second.

    Examples
    --------
    >>> glu_grad([2.0, 0.0])
    array([0.5, 0.5])
    """
    return _gradient("glu_grad", x, axis, _SIGMOID)


def glu_vjp(x, v, axis=-1):
    r"""Gradient of GLU with respect to ``x`` for an upstream gradient ``v`` (backpropagation).

    .. math:: \frac{\partial L}{\partial \mathbf{x}}
              = \bigl[\mathbf{v} \odot \sigma(\mathbf{b}),\;
                      \mathbf{v} \odot \mathbf{a} \odot \sigma'(\mathbf{b})\bigr]

    Parameters
    ----------
    x : array_like
        As in :func:`glu`.
    v : array_like
        Upstream gradient :math:`\partial L/\partial \mathbf{y}`, of the
        output's shape.
    axis : int
        As in :func:`glu`.

    Returns
    -------
    numpy.ndarray
        Shape of ``x``; dtype the promotion of the dtypes of ``x`` and ``v``.

    Raises
    ------
    ValueError
        If ``v`` does not have the output's shape (and as :func:`glu`).

    Examples
    --------
    >>> glu_vjp([[2.0, 0.0]], [[3.0]])
    array([[1.5, 1.5]])
    """
    return _backward("glu_vjp", x, v, axis, _SIGMOID)


def glu_expr(a, b):
    r"""SymPy form of GLU for one pair: :math:`a\,\sigma(b)`.

    Examples
    --------
    >>> a, b = sp.symbols("a b")
    >>> glu_expr(a, b)
    a/(1 + exp(-b))
    """
    return a * sigmoid_expr(b)


# ---------------------------------------------------------------------------
# ReGLU (ReLU gate)
# ---------------------------------------------------------------------------

def reglu(x, axis=-1):
    r"""ReGLU: the first half of ``x`` times the ReLU of the second.

    .. math:: \operatorname{ReGLU}(\mathbf{x}) = \mathbf{a} \odot \max(\mathbf{b}, 0)

    Parameters
    ----------
    x : array_like
        Real input with an even size along ``axis``.
    axis : int
        The axis that is split in two (default the last).

    Returns
    -------
    numpy.ndarray
        Shape of ``x`` with ``axis`` halved, dtype of ``x``.

    Notes
    -----
    Shazeer (2020), shazeer2020glu. The gate is exact, so the result is
    the product rounded once. The derivative in :math:`b` at 0 is 0
    (:func:`activations.relu_grad`'s convention).

    Examples
    --------
    >>> reglu([3.0, 3.0, -1.0, 2.0])
    array([-0.,  6.])
    """
    return _value("reglu", x, axis, _RELU)


def reglu_grad(x, axis=-1):
    r"""The two non-zero diagonals of ReGLU's Jacobian, laid out like ``x``.

    .. math:: \frac{\partial y_i}{\partial a_i} = \max(b_i, 0), \qquad
              \frac{\partial y_i}{\partial b_i} = a_i\,[b_i > 0]

    Parameters
    ----------
    x : array_like
        As in :func:`reglu`.
    axis : int
        As in :func:`reglu`.

    Returns
    -------
    numpy.ndarray
        Shape and dtype of ``x``.

    Examples
    --------
    >>> reglu_grad([3.0, 0.0])        # the kink: 0 belongs to the left branch
    array([0., 0.])
    """
    return _gradient("reglu_grad", x, axis, _RELU)


def reglu_vjp(x, v, axis=-1):
    r"""Gradient of ReGLU with respect to ``x`` for an upstream gradient ``v``.

    .. math:: \frac{\partial L}{\partial \mathbf{x}}
              = \bigl[\mathbf{v} \odot \max(\mathbf{b}, 0),\;
                      \mathbf{v} \odot \mathbf{a} \odot [\mathbf{b} > 0]\bigr]

    Parameters
    ----------
    x : array_like
        As in :func:`reglu`.
    v : array_like
        Upstream gradient, of the output's shape.
    axis : int
        As in :func:`reglu`.

    Returns
    -------
    numpy.ndarray
        Shape of ``x``; dtype the promotion of the dtypes of ``x`` and ``v``.

    Examples
    --------
    >>> reglu_vjp([3.0, 2.0], [0.5])
    array([1. , 1.5])
    """
    return _backward("reglu_vjp", x, v, axis, _RELU)


def reglu_expr(a, b):
    r"""SymPy form of ReGLU for one pair: :math:`a\max(b, 0)`, kink on the left branch.

    Examples
    --------
    >>> a, b = sp.symbols("a b")
    >>> reglu_expr(a, b)
    a*Piecewise((0, b <= 0), (b, True))
    """
    return a * relu_expr(b)


# ---------------------------------------------------------------------------
# GEGLU (GELU gate)
# ---------------------------------------------------------------------------

def geglu(x, axis=-1, approximate="none"):
    r"""GEGLU: the first half of ``x`` times the GELU of the second.

    .. math:: \operatorname{GEGLU}(\mathbf{x}) = \mathbf{a} \odot \mathbf{b} \odot \Phi(\mathbf{b})

    Parameters
    ----------
    x : array_like
        Real input with an even size along ``axis``.
    axis : int
        The axis that is split in two (default the last).
    approximate : {"none", "tanh"}, default "none"
        The GELU of the gate, as in :func:`activations.gelu`: ``"none"``
        the exact :math:`b\Phi(b)`, ``"tanh"`` the tanh approximation.

    Returns
    -------
    numpy.ndarray
        Shape of ``x`` with ``axis`` halved, dtype of ``x``.

    Raises
    ------
    ValueError
        For another ``approximate`` (the message names the choices), an
        odd size of ``axis``, an ``axis`` out of range or a 0-d ``x``.

    Notes
    -----
    Shazeer (2020), shazeer2020glu. The gate is computed by
    :mod:`activations.gelu`'s kernels; left of :math:`b = -37.5`, where
    :math:`\operatorname{GELU}(b)` leaves float64's normal range, the
    Gaussian factor :math:`e^{-b^2/2}` is formed scaled, with :math:`b^2`
    carried exactly, and beyond the fits of the gelu module the Mills
    ratio's asymptotic series takes over.

    Examples
    --------
    >>> geglu([2.0, 1.0])
    array([1.68268949])
    >>> geglu([2.0, 1.0], approximate="tanh")
    array([1.68238398])
    """
    return _value("geglu", x, axis, _geglu_kernels(approximate, "geglu"))


def geglu_grad(x, axis=-1, approximate="none"):
    r"""The two non-zero diagonals of GEGLU's Jacobian, laid out like ``x``.

    .. math:: \frac{\partial y_i}{\partial a_i} = \operatorname{GELU}(b_i), \qquad
              \frac{\partial y_i}{\partial b_i} = a_i\,\operatorname{GELU}'(b_i)

    Parameters
    ----------
    x : array_like
        As in :func:`geglu`.
    axis : int
        As in :func:`geglu`.
    approximate : {"none", "tanh"}
        As in :func:`geglu`.

    Returns
    -------
    numpy.ndarray
        Shape and dtype of ``x``.

    Examples
    --------
    >>> geglu_grad([2.0, 0.0])
    array([0., 1.])
    """
    return _gradient("geglu_grad", x, axis, _geglu_kernels(approximate, "geglu_grad"))


def geglu_vjp(x, v, axis=-1, approximate="none"):
    r"""Gradient of GEGLU with respect to ``x`` for an upstream gradient ``v``.

    .. math:: \frac{\partial L}{\partial \mathbf{x}}
              = \bigl[\mathbf{v} \odot \operatorname{GELU}(\mathbf{b}),\;
                      \mathbf{v} \odot \mathbf{a} \odot \operatorname{GELU}'(\mathbf{b})\bigr]

    Parameters
    ----------
    x : array_like
        As in :func:`geglu`.
    v : array_like
        Upstream gradient, of the output's shape.
    axis : int
        As in :func:`geglu`.
    approximate : {"none", "tanh"}
        As in :func:`geglu`.

    Returns
    -------
    numpy.ndarray
        Shape of ``x``; dtype the promotion of the dtypes of ``x`` and ``v``.

    Examples
    --------
    >>> geglu_vjp([1.0, 0.0], [2.0])
    array([0., 1.])
    """
    return _backward("geglu_vjp", x, v, axis, _geglu_kernels(approximate, "geglu_vjp"))


def geglu_expr(a, b, approximate="none"):
    r"""SymPy form of GEGLU for one pair: :math:`a\,\operatorname{GELU}(b)`.

    Examples
    --------
    >>> a, b = sp.symbols("a b")
    >>> geglu_expr(a, b)
    a*b*(erf(sqrt(2)*b/2) + 1)/2
    """
    if approximate not in GEGLU_APPROXIMATIONS:
        _geglu_kernels(approximate, "geglu_expr")
    return a * gelu_expr(b, approximate=approximate)


# ---------------------------------------------------------------------------
# SwiGLU (Swish gate)
# ---------------------------------------------------------------------------

def swiglu(x, axis=-1, beta=1.0):
    r"""SwiGLU: the first half of ``x`` times the Swish of the second.

    .. math:: \operatorname{SwiGLU}(\mathbf{x}) = \mathbf{a} \odot \mathbf{b} \odot \sigma(\beta\mathbf{b})

    Parameters
    ----------
    x : array_like
        Real input with an even size along ``axis``.
    axis : int
        The axis that is split in two (default the last).
    beta : float, default 1.0
        The finite scalar :math:`\beta` of :func:`activations.swish`
        (1 gives SiLU, the gate of LLaMA's feed-forward layers).

    Returns
    -------
    numpy.ndarray
        Shape of ``x`` with ``axis`` halved, dtype of ``x``.

    Raises
    ------
    ValueError
        For a non-finite ``beta`` and as :func:`glu`.
    TypeError
        For a non-real or non-scalar ``beta`` and non-real ``x``.

    Notes
    -----
    Shazeer (2020), shazeer2020glu. The gate is :func:`activations.swish`;
    in its left tail (:math:`\beta b < -40`) the factor
    :math:`e^{\beta b}` is formed scaled, with the rounding error of
    :math:`\beta b` recovered by Dekker's two-product.

    Examples
    --------
    >>> swiglu([2.0, 1.0])
    array([1.46211716])
    """
    return _value("swiglu", x, axis, _swiglu_kernels(beta, "swiglu"))


def swiglu_grad(x, axis=-1, beta=1.0):
    r"""The two non-zero diagonals of SwiGLU's Jacobian, laid out like ``x``.

    .. math:: \frac{\partial y_i}{\partial a_i} = b_i\,\sigma(\beta b_i), \qquad
              \frac{\partial y_i}{\partial b_i} = a_i\,\sigma(t_i)\bigl(1 + t_i\,\sigma(-t_i)\bigr),
              \quad t_i = \beta b_i

    Parameters
    ----------
    x : array_like
        As in :func:`swiglu`.
    axis : int
        As in :func:`swiglu`.
    beta : float
        As in :func:`swiglu`.

    Returns
    -------
    numpy.ndarray
        Shape and dtype of ``x``.

    Examples
    --------
    >>> swiglu_grad([2.0, 0.0])
    array([0., 1.])
    """
    return _gradient("swiglu_grad", x, axis, _swiglu_kernels(beta, "swiglu_grad"))


def swiglu_vjp(x, v, axis=-1, beta=1.0):
    r"""Gradient of SwiGLU with respect to ``x`` for an upstream gradient ``v``.

    .. math:: \frac{\partial L}{\partial \mathbf{x}}
              = \bigl[\mathbf{v} \odot \operatorname{swish}(\mathbf{b}),\;
                      \mathbf{v} \odot \mathbf{a} \odot \operatorname{swish}'(\mathbf{b})\bigr]

    Parameters
    ----------
    x : array_like
        As in :func:`swiglu`.
    v : array_like
        Upstream gradient, of the output's shape.
    axis : int
        As in :func:`swiglu`.
    beta : float
        As in :func:`swiglu`.

    Returns
    -------
    numpy.ndarray
        Shape of ``x``; dtype the promotion of the dtypes of ``x`` and ``v``.

    Examples
    --------
    >>> swiglu_vjp([1.0, 0.0], [2.0])
    array([0., 1.])
    """
    return _backward("swiglu_vjp", x, v, axis, _swiglu_kernels(beta, "swiglu_vjp"))


def swiglu_expr(a, b, beta=1):
    r"""SymPy form of SwiGLU for one pair: :math:`a\,b\,\sigma(\beta b)`.

    Examples
    --------
    >>> a, b = sp.symbols("a b")
    >>> swiglu_expr(a, b)
    a*b/(1 + exp(-b))
    """
    return a * swish_expr(b, beta=beta)


# ---------------------------------------------------------------------------
# Records
# ---------------------------------------------------------------------------

GLU = Activation(
    name="glu", zh_name="GLU（门控线性单元）", fn=glu, grad=glu_grad, expr=glu_expr, vjp=glu_vjp,
    latex=r"\operatorname{GLU}(\mathbf{a}, \mathbf{b}) = \mathbf{a} \odot \sigma(\mathbf{b})",
    properties=SIGMOID.properties, gated=True, gate="sigmoid",
    references=("dauphin2017language",),
)
REGLU = Activation(
    name="reglu", zh_name="ReGLU", fn=reglu, grad=reglu_grad, expr=reglu_expr, vjp=reglu_vjp,
    latex=r"\operatorname{ReGLU}(\mathbf{a}, \mathbf{b}) = \mathbf{a} \odot \max(\mathbf{b}, 0)",
    properties=RELU.properties, gated=True, gate="relu", kinks=RELU.kinks,
    kink_convention="d/db at b = 0 is 0 (the x <= 0 branch of relu_grad)",
    references=("shazeer2020glu",),
)
GEGLU = Activation(
    name="geglu", zh_name="GEGLU", fn=geglu, grad=geglu_grad, expr=geglu_expr, vjp=geglu_vjp,
    params={"approximate": "none"},
    latex=r"\operatorname{GEGLU}(\mathbf{a}, \mathbf{b}) = \mathbf{a} \odot \operatorname{GELU}(\mathbf{b})",
    properties=GELU.properties, gated=True, gate="gelu",
    references=("shazeer2020glu",),
)
SWIGLU = Activation(
    name="swiglu", zh_name="SwiGLU", fn=swiglu, grad=swiglu_grad, expr=swiglu_expr,
    vjp=swiglu_vjp, params={"beta": 1.0},
    latex=r"\operatorname{SwiGLU}(\mathbf{a}, \mathbf{b}) = \mathbf{a} \odot \operatorname{Swish}_\beta(\mathbf{b})",
    properties=SWISH.properties, gated=True, gate="swish",
    references=("shazeer2020glu",),
)
