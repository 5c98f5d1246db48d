r"""Parametric ReLU: leaky ReLU whose negative slope :math:`a` is learned.

He et al. (2015) learn one slope per channel (or one shared slope) by
backpropagation, initialised at 0.25. Here ``a`` is a scalar or an array
that broadcasts to the input's shape, and :func:`prelu_grad_a` gives the
gradient a training loop needs to update it.
"""

from __future__ import annotations

import math
import string

import numpy as np

from ._numeric import InputInfo, as_real_array, broadcast_parameter, real_input, restore
from ._spec import Activation, Properties
from ._rectifier import _check_slope, _rectify, _rectify_grad, _value_operands
from .leaky_relu import leaky_relu_expr

__all__ = ["prelu", "prelu_grad", "prelu_grad_a", "prelu_expr", "PRELU"]


def prelu(x, a=0.25):
    r"""Parametric rectified linear unit, elementwise.

    .. math::

        \mathrm{PReLU}(x) = \begin{cases} x, & x > 0 \\
                                          a x, & x \le 0 \end{cases}

    Parameters
    ----------
    x : array_like
        Real input of any shape. Integers and bools are promoted to float64.
    a : float or array_like, default 0.25
        Finite slope(s) for :math:`x \le 0`, broadcasting to the shape of
        ``x`` without enlarging it: a scalar, or e.g. shape ``(C,)`` for
        input ``(N, C)`` and ``(C, 1, 1)`` for input ``(N, C, H, W)``.

    Returns
    -------
    numpy.ndarray or numpy scalar
        The activation, with the shape and dtype of ``x``.

    Raises
    ------
    ValueError
        If ``a`` does not broadcast to the shape of ``x`` or is not finite.
    TypeError
        If ``x`` or ``a`` is not real.

    Notes
    -----
    The same kernel as :func:`activations.leaky_relu.leaky_relu`:
    :math:`\max(x, a x)` when every slope is at most 1,
    :math:`\min(x, a x)` when every slope is at least 1, and
    :math:`\max(x, 0) + a \min(x, 0)` for mixed slopes; each is exact up to
    the one rounding of :math:`a x`. The slope is cast to the dtype of
    ``x`` as described there (at most 1.5 ULP in float32, 0.5 ULP in
    float64).

    Examples
    --------
    >>> prelu([-2.0, 3.0])
    array([-0.5,  3. ])
    >>> prelu([[-1.0, -1.0], [2.0, -4.0]], a=[0.1, 0.5])   # one slope per column
    array([[-0.1, -0.5],
           [ 2. , -2. ]])
    """
    x, info = real_input(x, "prelu")
    slope = _slope_array(a, x, info, "prelu")
    return restore(_rectify(*_value_operands(x, slope)), info)


def prelu_grad(x, a=0.25):
    r"""Derivative of PReLU with respect to ``x``, elementwise.

    .. math::

        \frac{\partial\,\mathrm{PReLU}}{\partial x} = \begin{cases} 1, & x > 0 \\
                                                                   a, & x \le 0 \end{cases}

    Parameters
    ----------
    x : array_like
        Real input of any shape.
    a : float or array_like, default 0.25
        Slope(s), as for :func:`prelu`.

    Returns
    -------
    numpy.ndarray or numpy scalar
        1 or the broadcast slope (rounded to the dtype of ``x``), NaN where
        ``x`` is NaN; shape and dtype of ``x``.

    Notes
    -----
    At the kink :math:`x = 0` the derivative is :math:`a`, the left branch,
    as in PyTorch's PReLU backward; any value between :math:`a` and 1 is a
    valid subgradient.

    Examples
    --------
    >>> prelu_grad([-1.0, 0.0, 2.0])
    array([0.25, 0.25, 1.  ])
    """
    x, info = real_input(x, "prelu_grad")
    slope = _slope_array(a, x, info, "prelu_grad")
    return restore(_rectify_grad(x, slope), info)


def prelu_grad_a(x, a=0.25, upstream=None):
    r"""Gradient with respect to the slope ``a``, summed to ``a``'s shape.

    .. math::

        \frac{\partial L}{\partial a} = \sum g \, \frac{\partial\,\mathrm{PReLU}}{\partial a}
                                      = \sum g \, \min(x, 0)

    where :math:`g = \partial L / \partial\,\mathrm{PReLU}(x)` is the
    upstream gradient and the sum runs over every element that shares the
    slope (the axes along which ``a`` was broadcast).

    Parameters
    ----------
    x : array_like
        Input of the forward pass, any shape.
    a : float or array_like, default 0.25
        Slope(s), as for :func:`prelu`. Only its shape enters the result
        (the function is linear in :math:`a`), but it is validated.
    upstream : array_like, optional
        The upstream gradient :math:`g`, broadcasting to the shape of ``x``;
        ones by default, which gives :math:`\sum \min(x, 0)`.

    Returns
    -------
    numpy.ndarray or numpy scalar
        The gradient, with the shape of ``a`` and the dtype of ``x``; a
        scalar when ``a`` is a scalar.

    Raises
    ------
    ValueError
        If ``a`` or ``upstream`` does not broadcast to the shape of ``x``.

    Notes
    -----
    The partial derivative :math:`\min(x, 0)` has no kink issue: both
    branches give 0 at :math:`x = 0`.

    Products and sums are computed in float64 whatever the input dtype and
    rounded once at the end. A float32 sum along a batch axis loses digits
    in proportion to its length (measured: a relative error of 1e-4 for
    :math:`1.6 \cdot 10^5` terms per channel), while the product of two
    float32 numbers is exact in float64; so for float16/float32 input the
    result is the exact sum rounded once, up to float64 summation error.
    ``numpy.einsum`` casts in small buffers and the batch is processed in
    cache-sized blocks, so this costs no more than the naive float32
    ``(upstream * minimum(x, 0)).sum(axis)``, which makes two full-size
    temporaries.

    A zero upstream gradient at :math:`x = -\infty` gives NaN
    (:math:`0 \cdot \infty`), without a warning.

    Examples
    --------
    >>> x = [[-1.0, 2.0], [-3.0, -4.0]]
    >>> prelu_grad_a(x, a=[0.25, 0.25])          # one slope per column
    array([-4., -4.])
    >>> float(prelu_grad_a(x, upstream=[[1.0, 1.0], [0.5, 0.0]]))
    -2.5
    """
    x, info = real_input(x, "prelu_grad_a")
    slope = _slope_array(a, x, info, "prelu_grad_a")
    if upstream is not None:
        upstream = as_real_array(upstream, "prelu_grad_a", "upstream")
        broadcast_parameter(_original(x, info), upstream, "prelu_grad_a", "upstream")
        upstream = np.broadcast_to(upstream, x.shape)
    total = _sum_negative_part(x, upstream, slope.shape)
    return restore(total, InputInfo(info.dtype, zero_dim=total.ndim == 0))


def prelu_expr(x, a=0.25):
    r"""SymPy expression of PReLU, :math:`a x` for :math:`x \le 0` and :math:`x` otherwise.

    It is ``Piecewise((a*x, x <= 0), (x, True))``, built by
    :func:`activations.leaky_relu.leaky_relu_expr`, so the derivative at 0
    is ``a``, matching :func:`prelu_grad`. Pass a ``Symbol`` to
    differentiate with respect to the slope.

    Examples
    --------
    >>> import sympy as sp
    >>> x, a = sp.symbols("x a")
    >>> sp.diff(prelu_expr(x, a), a)
    Piecewise((x, x <= 0), (0, True))
    """
    return leaky_relu_expr(x, negative_slope=a)


def _original(x: np.ndarray, info) -> np.ndarray:
    """The work array with the input's own shape (a 0-d input is worked on as shape (1,))."""
    return x.reshape(()) if info.zero_dim else x


#: Elements per block in prelu_grad_a: a float32 block of min(x, 0) stays in cache.
_BLOCK = 1 << 20


def _sum_negative_part(x: np.ndarray, upstream, shape: tuple[int, ...]) -> np.ndarray:
    """``sum(min(x, 0) * upstream)`` reduced to ``shape`` in float64.

    The reduction is the one of :func:`~activations._numeric.sum_to_shape`
    (every axis ``shape`` lacks or has as size 1). ``einsum`` multiplies
    and adds in float64 through small cast buffers, and the batch is walked
    in blocks along axis 0, so ``min(x, 0)`` lives in one reused,
    cache-sized buffer instead of a full-size temporary.
    """
    axes = string.ascii_letters[:x.ndim]
    extra = x.ndim - len(shape)
    kept = "".join(axes[extra + i] for i, n in enumerate(shape) if n != 1)
    operands = 1 if upstream is None else 2
    subscripts = ",".join([axes] * operands) + "->" + kept
    rows = max(1, _BLOCK // max(1, math.prod(x.shape[1:])))
    buffer = np.empty((min(rows, len(x)),) + x.shape[1:], x.dtype)
    total = np.zeros(tuple(x.shape[axes.index(axis)] for axis in kept))
    rows_are_kept = kept[:1] == axes[0]   # then each block fills its own rows of the total
    with np.errstate(over="ignore", invalid="ignore"):  # inf and 0 * inf are honest results
        for start in range(0, len(x), rows):
            block = slice(start, start + rows)
            negative = np.minimum(x[block], 0, out=buffer[: len(x[block])])
            factors = (negative,) if upstream is None else (negative, upstream[block])
            part = np.einsum(subscripts, *factors, dtype=np.float64)
            if rows_are_kept:
                total[block] = part
            else:
                total += part
    return total.reshape(shape)


def _slope_array(a, x: np.ndarray, info, func_name: str) -> np.ndarray:
    slope = _check_slope(a, func_name, "a")
    broadcast_parameter(_original(x, info), slope, func_name, "a")
    return slope


PRELU = Activation(
    name="prelu",
    zh_name="参数化修正线性单元（PReLU）",
    fn=prelu,
    grad=prelu_grad,
    expr=prelu_expr,
    params={"a": 0.25},
    latex=r"\mathrm{PReLU}(x) = \begin{cases} x, & x > 0 \\ a x, & x \le 0 \end{cases}",
    kinks=(0.0,),
    kink_convention=(
        "prelu'(0) = a: the left (x <= 0) branch, as in PyTorch; "
        "any value between a and 1 is a valid subgradient."
    ),
    properties=Properties(
        output_range=(-math.inf, math.inf),
        monotonic=True,
        zero_centered=False,
        smoothness=0,
        saturates="none",
    ),
    references=("he2015delving",),
)
