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

from ._numeric import real_input, restore
from ._spec import Activation, Properties
from ._rectifier import (  # noqa: F401 (the chapter shows these kernels)
    _check_slope, _rectify, _rectify_grad, _scalar_slope, _value_operands)

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
    return restore(_rectify(*_value_operands(x, slope)), info)


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
    return restore(_rectify_grad(x, slope), info)


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
