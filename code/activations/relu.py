r"""Rectified linear unit :math:`\mathrm{ReLU}(x) = \max(0, x)`.

ReLU passes positive inputs unchanged and zeroes the rest. Its derivative
is 1 or 0, so it neither squashes nor amplifies a gradient on the active
side; that is why deep networks train with it where sigmoid and tanh stall
(Nair and Hinton 2010, Glorot et al. 2011).
"""

from __future__ import annotations

import math

import numpy as np
import sympy as sp

from ._numeric import real_input, restore
from ._spec import Activation, Properties
from ._rectifier import _step  # noqa: F401 (also shown in the chapter)

__all__ = ["relu", "relu_grad", "relu_expr", "RELU"]


def relu(x):
    r"""Rectified linear unit, elementwise.

    .. math:: \mathrm{ReLU}(x) = \max(0, x)

    Parameters
    ----------
    x : array_like
        Real input of any shape. Integers and bools are promoted to float64.

    Returns
    -------
    numpy.ndarray or numpy scalar
        :math:`\max(0, x)` in :math:`[0, \infty]`, with the dtype of ``x``
        (float16/32/64); a scalar for 0-d input.

    Notes
    -----
    The result is exact: it is either ``x`` itself or zero, so no rounding
    happens. ``numpy.maximum`` propagates NaN (``numpy.fmax`` would drop
    it), and it is branch-free, which matters for speed on mixed signs.

    Examples
    --------
    >>> relu([-2.0, 0.0, 3.5])
    array([0. , 0. , 3.5])
    >>> float(relu(np.nan))
    nan
    """
    x, info = real_input(x, "relu")
    return restore(np.maximum(x, 0), info)


def relu_grad(x):
    r"""Derivative of ReLU, elementwise, with :math:`\mathrm{ReLU}'(0) = 0`.

    .. math::

        \mathrm{ReLU}'(x) = H(x) = \begin{cases} 1, & x > 0 \\
                                               0, & x \le 0 \end{cases}

    Parameters
    ----------
    x : array_like
        Real input of any shape.

    Returns
    -------
    numpy.ndarray or numpy scalar
        1.0 where ``x > 0``, 0.0 where ``x <= 0`` and NaN where ``x`` is NaN,
        with the dtype of ``x``.

    Notes
    -----
    ReLU has a kink at 0, where any value of the subdifferential
    :math:`[0, 1]` is a valid derivative. The package takes the left branch,
    0, like PyTorch and JAX; the SymPy form :func:`relu_expr` agrees.

    The obvious ``(x > 0).astype(float)`` is silently wrong for NaN: the
    comparison is False, so a NaN input would report a zero gradient. Here
    one fast reduction (``min`` propagates NaN) detects NaN inputs and only
    then are they copied into the result.

    Examples
    --------
    >>> relu_grad([-1.0, 0.0, 2.0, np.nan])
    array([ 0.,  0.,  1., nan])
    """
    x, info = real_input(x, "relu_grad")
    return restore(_step(x), info)


def relu_expr(x):
    r"""SymPy expression of ReLU, :math:`\max(0, x)`, with the kink on the left branch.

    Written as ``Piecewise((0, x <= 0), (x, True))`` rather than
    ``Max(0, x)``: SymPy differentiates ``Max`` to ``Heaviside(x)``, whose
    value at 0 is 1/2, while this form differentiates to 0 at 0, the value
    :func:`relu_grad` returns.

    Examples
    --------
    >>> x = sp.Symbol("x")
    >>> relu_expr(x)
    Piecewise((0, x <= 0), (x, True))
    >>> sp.diff(relu_expr(x), x).subs(x, 0)
    0
    """
    return sp.Piecewise((0, x <= 0), (x, True))


RELU = Activation(
    name="relu",
    zh_name="修正线性单元（ReLU）",
    fn=relu,
    grad=relu_grad,
    expr=relu_expr,
    latex=r"\mathrm{ReLU}(x) = \max(0, x)",
    aliases=("rectifier",),
    kinks=(0.0,),
    kink_convention=(
        "relu'(0) = 0: the left (x <= 0) branch, as in PyTorch and JAX; "
        "any value in the subdifferential [0, 1] is valid."
    ),
    properties=Properties(
        output_range=(0.0, math.inf),
        monotonic=True,
        zero_centered=False,
        smoothness=0,
        saturates="left",
    ),
    references=("nair2010rectified", "glorot2011deep"),
)
