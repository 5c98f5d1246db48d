r"""Leaky ReLU: :math:`x` for :math:`x > 0`, :math:`\alpha x` otherwise.

A small fixed slope :math:`\alpha` (``negative_slope``, 0.01 by default)
on the negative side keeps a gradient flowing through units that ReLU would
switch off for good ("dead" units; Maas et al. 2013).

This module also holds the slope handling and the two kernels shared with
:mod:`activations.prelu`, whose slope is a learnable array.
"""

from __future__ import annotations

import math

import numpy as np
import sympy as sp

from ._numeric import as_real_array, real_input, restore
from ._spec import Activation, Properties
from .relu import _step

__all__ = ["leaky_relu", "leaky_relu_grad", "leaky_relu_expr", "LEAKY_RELU"]


def leaky_relu(x, negative_slope=0.01):
    r"""Leaky rectified linear unit, elementwise.

    .. math::

        \mathrm{LeakyReLU}(x) = \begin{cases} x, & x > 0 \\
                                              \alpha x, & x \le 0 \end{cases}
        \qquad \alpha = \texttt{negative\_slope}

    Parameters
    ----------
    x : array_like
        Real input of any shape. Integers and bools are promoted to float64.
    negative_slope : float, default 0.01
        The slope :math:`\alpha` for :math:`x \le 0`: any finite real
        scalar (slopes outside :math:`[0, 1]` are allowed, as in PyTorch).

    Returns
    -------
    numpy.ndarray or numpy scalar
        The activation, with the dtype of ``x`` (float16/32/64); a scalar
        for 0-d input.

    Raises
    ------
    ValueError
        If ``negative_slope`` is not a scalar or not finite.
    TypeError
        If ``x`` or ``negative_slope`` is not real.

    Notes
    -----
    For :math:`\alpha \le 1` the function is :math:`\max(x, \alpha x)`, for
    :math:`\alpha \ge 1` it is :math:`\min(x, \alpha x)`: one product and
    one comparison, branch-free, several times faster than ``where``. NaN
    propagates through both. With :math:`\alpha = 0` the product
    :math:`0 \cdot (\pm\infty)` would be NaN; the result there is the
    limit of ReLU instead (:math:`\infty` and 0).

    *How the slope is cast.* The reference value is :math:`\alpha x` with
    :math:`\alpha` exactly as given (a Python float is a float64). The
    product is computed in the dtype of ``x`` (float32 for float16 input),
    so for float32 the slope is first rounded to float32: two roundings,
    together at most 1.5 ULP of the true result. When the slope is not a
    normal float32 number (subnormal, or beyond the float32 range) that
    rounding would change it by far more, so the product is then computed
    in float64 and rounded once. float64 input is rounded once (0.5 ULP).

    Examples
    --------
    >>> leaky_relu([-2.0, 0.0, 3.0])
    array([-0.02,  0.  ,  3.  ])
    >>> leaky_relu([-2.0, 3.0], negative_slope=-0.5)
    array([1., 3.])
    """
    x, info = real_input(x, "leaky_relu")
    slope = _scalar_slope(negative_slope, "leaky_relu")
    return _restore_rounded(_rectify(*_value_operands(x, slope)), info)


def leaky_relu_grad(x, negative_slope=0.01):
    r"""Derivative of leaky ReLU, elementwise, with the slope at the kink.

    .. math::

        \mathrm{LeakyReLU}'(x) = \begin{cases} 1, & x > 0 \\
                                               \alpha, & x \le 0 \end{cases}

    Parameters
    ----------
    x : array_like
        Real input of any shape.
    negative_slope : float, default 0.01
        The slope :math:`\alpha`; see :func:`leaky_relu`.

    Returns
    -------
    numpy.ndarray or numpy scalar
        1 or :math:`\alpha` (rounded to the dtype of ``x``), NaN where
        ``x`` is NaN.

    Notes
    -----
    At the kink :math:`x = 0` the derivative is :math:`\alpha`, the left
    branch, as PyTorch's backward (``x > 0 ? 1 : alpha``) gives. JAX
    writes the function as ``where(x >= 0, x, alpha * x)`` and so reports 1
    at 0. Both are valid: any value between :math:`\alpha` and 1 is a
    subgradient at the kink.

    Examples
    --------
    >>> leaky_relu_grad([-1.0, 0.0, 2.0])
    array([0.01, 0.01, 1.  ])
    """
    x, info = real_input(x, "leaky_relu_grad")
    slope = _scalar_slope(negative_slope, "leaky_relu_grad")
    return _restore_rounded(_rectify_grad(x, slope), info)


def leaky_relu_expr(x, negative_slope=0.01):
    r"""SymPy expression of leaky ReLU, :math:`x` or :math:`\alpha x`, kink on the left branch.

    ``Piecewise((negative_slope*x, x <= 0), (x, True))``: its derivative at
    0 is ``negative_slope``, the value :func:`leaky_relu_grad` returns. A
    float slope becomes a SymPy ``Float`` with exactly its binary value;
    pass a ``Rational`` or a ``Symbol`` for exact algebra.

    Examples
    --------
    >>> x, a = sp.symbols("x alpha")
    >>> leaky_relu_expr(x, negative_slope=a)
    Piecewise((alpha*x, x <= 0), (x, True))
    >>> sp.diff(leaky_relu_expr(x, sp.Rational(1, 100)), x).subs(x, 0)
    1/100
    """
    return sp.Piecewise((sp.sympify(negative_slope) * x, x <= 0), (x, True))


# ---------------------------------------------------------------------------
# Shared with prelu: slope validation, casting and the two kernels.
# ---------------------------------------------------------------------------


def _check_slope(value, func_name: str, name: str) -> np.ndarray:
    """Return a slope as a real array, or raise if it is not finite.

    Raises ``TypeError`` (via :func:`~activations._numeric.as_real_array`)
    for non-real values and ``ValueError`` for NaN or infinite entries,
    naming the function and the parameter.
    """
    slope = as_real_array(value, func_name, f"parameter {name!r}")
    if not np.all(np.isfinite(slope)):
        raise ValueError(f"{func_name}(): parameter {name!r} must be finite; got {value!r}")
    return slope


def _scalar_slope(value, func_name: str) -> np.ndarray:
    slope = _check_slope(value, func_name, "negative_slope")
    if slope.ndim != 0:
        raise ValueError(
            f"{func_name}(): parameter 'negative_slope' must be a scalar; got shape {slope.shape} "
            "(use prelu for a slope per channel)"
        )
    return slope


def _value_operands(x: np.ndarray, slope: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Bring ``x`` and ``slope`` to one dtype for the product ``slope * x``.

    The slope is cast to ``x``'s dtype when that costs at most half an ULP
    of the slope, i.e. when every nonzero slope is a normal number of that
    dtype. Otherwise (a float64 slope that is subnormal or out of range in
    float32) both are computed in float64, to be rounded once at the end.
    """
    if slope.dtype.itemsize <= x.dtype.itemsize:
        return x, slope.astype(x.dtype)
    limits = np.finfo(x.dtype)
    magnitude = np.abs(slope)
    if np.all((magnitude == 0) | ((magnitude >= limits.tiny) & (magnitude <= limits.max))):
        return x, slope.astype(x.dtype)
    return x.astype(np.float64), slope.astype(np.float64)


def _rectify(x: np.ndarray, slope: np.ndarray) -> np.ndarray:
    r"""Kernel of leaky ReLU and PReLU: :math:`x` for :math:`x > 0`, ``slope * x`` otherwise.

    ``slope`` has ``x``'s dtype and broadcasts to ``x``'s shape. The result
    is ``x`` itself or the product rounded once.
    """
    # slope * x may overflow to inf for |slope| > 1: that is the correctly
    # rounded result. 0 * inf (a zero slope at x = +-inf) is repaired below.
    with np.errstate(over="ignore", invalid="ignore"):
        if np.all(slope <= 1):  # then slope * x <= x exactly when x >= 0
            result = np.multiply(x, slope)
            np.maximum(result, x, out=result)
        elif np.all(slope >= 1):
            result = np.multiply(x, slope)
            np.minimum(result, x, out=result)
        else:  # mixed slopes: max(x, 0) + slope * min(x, 0); one term is zero
            result = np.minimum(x, 0)
            result *= slope
            result += np.maximum(x, 0)
    zero_slope = slope == 0
    if np.any(zero_slope):  # a zero slope is ReLU, whose limits at +-inf are inf and 0
        np.copyto(result, np.maximum(x, 0), where=zero_slope & np.isinf(x))
    return result


def _rectify_grad(x: np.ndarray, slope: np.ndarray) -> np.ndarray:
    """Kernel of the leaky ReLU and PReLU derivatives: 1 for ``x > 0``, else ``slope``.

    The derivative is the slope itself, so casting it to ``x``'s dtype is
    the one rounding. NaN propagates (see :func:`activations.relu._step`).
    """
    with np.errstate(over="ignore"):  # a slope beyond float32's range rounds to inf
        slope = slope.astype(x.dtype)
    result = _step(x)
    if np.all((slope >= 0) & (slope <= 1)):  # max(H, slope) is slope where H = 0, 1 where H = 1
        return np.maximum(result, slope, out=result)
    if np.all(np.isfinite(slope)):
        # H + (1 - H) * slope: one of the two terms is exactly zero, so no rounding.
        complement = 1 - result
        complement *= slope
        complement += result
        return complement
    # A slope that overflowed to inf would give 0 * inf above; a select is exact (and slower).
    return np.where(result == 0, slope, result)


def _restore_rounded(result: np.ndarray, info):
    """:func:`restore`, where overflow to inf in the final cast is the correct rounding."""
    with np.errstate(over="ignore"):
        return restore(result, info)


LEAKY_RELU = Activation(
    name="leaky_relu",
    zh_name="带泄漏修正线性单元（Leaky ReLU）",
    fn=leaky_relu,
    grad=leaky_relu_grad,
    expr=leaky_relu_expr,
    params={"negative_slope": 0.01},
    latex=(
        r"\mathrm{LeakyReLU}(x) = \begin{cases} x, & x > 0 \\ \alpha x, & x \le 0 \end{cases}"
    ),
    aliases=("leakyrelu",),
    kinks=(0.0,),
    kink_convention=(
        "leaky_relu'(0) = negative_slope: the left (x <= 0) branch, as in PyTorch "
        "(JAX's where(x >= 0, ...) gives 1); any value between the two slopes is valid."
    ),
    properties=Properties(
        output_range=(-math.inf, math.inf),
        monotonic=True,
        zero_centered=False,
        smoothness=0,
        saturates="none",
    ),
    references=("maas2013rectifier",),
)
