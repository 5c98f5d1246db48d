"""Kernels shared by the rectifiers: ReLU, Leaky ReLU and PReLU.

One kink convention (the step :math:`H(0) = 0`), one NaN rule, one slope
validation and one pair of kernels for ``x`` or ``slope * x``: the three
modules import them from here rather than from each other, so no module
reaches into another's private names.
"""

from __future__ import annotations

import numpy as np

from ._numeric import as_real_array

__all__: list[str] = []   # private: the public functions live in relu, leaky_relu, prelu


def _step(x: np.ndarray) -> np.ndarray:
    r"""Heaviside step :math:`H(x)` with :math:`H(0) = 0`, in ``x``'s dtype; NaN stays NaN.

    ``x`` must already be a float32/float64 work array (see
    :func:`~activations._numeric.real_input`). The leaky ReLU and PReLU
    derivatives are built from it, so every rectifier shares one kink
    convention and one NaN rule.

    Examples
    --------
    >>> _step(np.array([-0.0, 1e-300, np.nan]))
    array([ 0.,  1., nan])
    """
    result = np.greater(x, 0).astype(x.dtype)
    # x > 0 is False for NaN; min() propagates NaN, so one cheap pass tells
    # whether the (slower) masked copy is needed at all.
    if x.size and np.isnan(x.min()):
        np.copyto(result, x, where=np.isnan(x))
    return result




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
    the one rounding. NaN propagates (see :func:`_step`).
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
