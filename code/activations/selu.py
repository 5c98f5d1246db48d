r"""Scaled exponential linear unit (SELU), the self-normalizing activation.

.. math:: \operatorname{selu}(x) = \lambda \begin{cases} x & x > 0 \\
          \alpha (e^{x} - 1) & x \le 0 \end{cases}

Klambauer et al. (2017) chose :math:`\alpha \approx 1.6733` and
:math:`\lambda \approx 1.0507` so that a standard normal input gives an
output with mean 0 and variance 1: stacked layers (with suitably
initialised weights) keep their activations normalised without batch
normalisation. :func:`derive_selu_constants` recomputes both constants
from that requirement.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import sympy as sp

from ._numeric import real_input, restore
from ._spec import Activation, Properties

__all__ = [
    "selu", "selu_grad", "selu_expr", "derive_selu_constants",
    "SELU_ALPHA", "SELU_SCALE", "SELU",
]

# The constants as published (klambauer2017self), to 32 significant digits;
# Python rounds each literal to the nearest float64.
_ALPHA_DIGITS = "1.6732632423543772848170429916717"
_SCALE_DIGITS = "1.0507009873554804934193349852946"
# scale * alpha, multiplied at 40 digits and rounded once (not the product
# of the two rounded floats, which can be off by one more rounding).
_SCALE_ALPHA_DIGITS = "1.7580993408473768599402175208123"
# scale - 1: lambda * x is computed as x + (lambda - 1) * x, where rounding
# the small constant costs 20 times less than rounding lambda itself.
_SCALE_EXCESS_DIGITS = "0.0507009873554804934193349852946"

#: :math:`\alpha`, the saturation level of the negative branch (before scaling).
SELU_ALPHA = float(_ALPHA_DIGITS)
#: :math:`\lambda`, the overall scale.
SELU_SCALE = float(_SCALE_DIGITS)
_SCALE_ALPHA = float(_SCALE_ALPHA_DIGITS)
_SCALE_EXCESS = float(_SCALE_EXCESS_DIGITS)


def _constants(dtype):
    """``(scale - 1, scale * alpha)`` in the computation dtype, each rounded once."""
    return np.asarray(_SCALE_EXCESS, dtype), np.asarray(_SCALE_ALPHA, dtype)


def selu(x):
    r"""SELU, elementwise.

    .. math:: \operatorname{selu}(x) = \lambda \max(x, 0)
              + \lambda\alpha\,\operatorname{expm1}(\min(x, 0))

    with :math:`\alpha` = :data:`SELU_ALPHA`, :math:`\lambda` =
    :data:`SELU_SCALE`.

    Parameters
    ----------
    x : array_like
        Real input of any shape. Integers and bools are promoted to float64.

    Returns
    -------
    numpy.ndarray or numpy scalar
        Values in :math:`(-\lambda\alpha, \infty)`, :math:`-\lambda\alpha
        \approx -1.7581` at ``-inf``, with the dtype of ``x``; a scalar for
        0-d input.

    Notes
    -----
    The two branches are added instead of selected: for :math:`x > 0` the
    left term is :math:`\operatorname{expm1}(0) = 0`, for :math:`x \le 0`
    the right term is 0. The exponential only ever sees
    :math:`\min(x, 0) \le 0`, so it cannot overflow (the naive
    ``np.where(x > 0, ..., exp(x) - 1)`` evaluates ``exp(1e308)`` with a
    warning; this is the "double where" idea of JAX's ELU). ``expm1``
    keeps full relative accuracy near :math:`0^-`, where ``exp(x) - 1``
    cancels, and the product :math:`\lambda\alpha` is a single constant
    rounded once. The right branch is computed as
    :math:`x + (\lambda - 1)x`: the rounding error of the small constant
    :math:`\lambda - 1 \approx 0.05` hardly matters, so the result is
    within about 0.55 ULP instead of 1. Adding is branch-free and several
    times faster than ``np.where`` on mixed signs.

    :math:`\lambda x` exceeds the largest float for :math:`x` within 5% of
    it; the result is then ``inf``, the correctly rounded value, without
    an overflow warning.

    Examples
    --------
    >>> selu([-1.0, 0.0, 2.0])
    array([-1.11133074,  0.        ,  2.10140197])
    >>> float(selu(-1e-20))                # exp(x) - 1 would give 0
    -1.7580993408473769e-20
    >>> selu(np.float32([-np.inf, 1e38]))
    array([-1.7580993e+00,  1.0507010e+38], dtype=float32)
    """
    x, info = real_input(x, "selu")
    excess, scale_alpha = _constants(x.dtype)
    left = np.minimum(x, 0)
    np.expm1(left, out=left)
    left *= scale_alpha
    right = np.maximum(x, 0)
    left += right
    right *= excess
    # scale * x rounds to inf past max_float / scale: correct, not an error
    # (and so does the float32 -> float16 cast in restore).
    with np.errstate(over="ignore"):
        return restore(np.add(left, right, out=left), info)


def selu_grad(x):
    r"""Derivative of SELU, elementwise, with ``selu_grad(0) = scale * alpha``.

    .. math:: \operatorname{selu}'(x) = \begin{cases} \lambda & x > 0 \\
              \lambda\alpha e^{x} & x \le 0 \end{cases}
              = \lambda\alpha e^{\min(x, 0)} + (\lambda - \lambda\alpha)[x > 0]

    Parameters
    ----------
    x : array_like
        Real input of any shape.

    Returns
    -------
    numpy.ndarray or numpy scalar
        Values in :math:`[0, \lambda\alpha]` with the dtype of ``x``.

    Notes
    -----
    SELU is continuous at 0 but its derivative jumps from
    :math:`\lambda\alpha \approx 1.7581` (left) to :math:`\lambda \approx
    1.0507` (right). Like PyTorch and JAX, 0 belongs to the left branch, so
    ``selu_grad(0.0) == scale * alpha``; any value between the two one-sided
    derivatives is a valid subgradient.

    The form on the right is branch-free and exact at :math:`x > 0`:
    :math:`e^0 = 1`, and :math:`\lambda - \lambda\alpha` is computed
    exactly (Sterbenz's lemma), so the sum is exactly :math:`\lambda`. The
    exponent is never positive, so nothing overflows.

    Examples
    --------
    >>> selu_grad([-1.0, 0.0, 1.0])
    array([0.6467686 , 1.75809934, 1.05070099])
    """
    x, info = real_input(x, "selu_grad")
    scale, scale_alpha = np.asarray(SELU_SCALE, x.dtype), np.asarray(_SCALE_ALPHA, x.dtype)
    grad = np.minimum(x, 0)
    np.exp(grad, out=grad)
    grad *= scale_alpha
    jump = np.multiply(x > 0, scale - scale_alpha, dtype=x.dtype)
    return restore(np.add(grad, jump, out=grad), info)


def selu_expr(x):
    r"""SymPy form of SELU, a ``Piecewise`` whose left branch includes 0.

    The constants are SymPy Floats with the 32 published digits, so the
    derivative at 0 (taken from the ``x <= 0`` branch) is
    :math:`\lambda\alpha`, matching :func:`selu_grad`.

    Examples
    --------
    >>> import sympy as sp
    >>> x = sp.Symbol("x")
    >>> expr = selu_expr(x)
    >>> sp.diff(expr, x).subs(x, 0)
    1.7580993408473768599402175208123...
    >>> sp.N(sp.limit(expr.args[1].expr, x, -sp.oo), 20)    # the x <= 0 branch
    -1.7580993408473768599
    """
    scale = sp.Float(_SCALE_DIGITS, 32)
    alpha = sp.Float(_ALPHA_DIGITS, 32)
    return sp.Piecewise((scale * x, x > 0), (scale * alpha * (sp.exp(x) - 1), True))


def derive_selu_constants(dps=50):
    r"""Solve for :math:`(\alpha, \lambda)` from the self-normalizing fixed point.

    For :math:`z \sim N(0, 1)` with density :math:`\varphi` and
    :math:`\Phi(-t) = \tfrac12 \operatorname{erfc}(t/\sqrt2)`, completing the
    square gives, for any real :math:`t`,

    .. math:: \mathbb{E}\bigl[e^{tz}\,[z \le 0]\bigr]
              = \int_{-\infty}^{0} e^{tz}\varphi(z)\,dz = e^{t^2/2}\,\Phi(-t),

    and :math:`\mathbb{E}[z\,[z > 0]] = \varphi(0) = 1/\sqrt{2\pi}`,
    :math:`\mathbb{E}[z^2 [z > 0]] = \tfrac12`. Hence

    .. math::
        \mathbb{E}[\operatorname{selu}(z)] &= \lambda\Bigl(\frac{1}{\sqrt{2\pi}}
            + \alpha\bigl(e^{1/2}\Phi(-1) - \tfrac12\bigr)\Bigr), \\
        \mathbb{E}[\operatorname{selu}(z)^2] &= \lambda^2\Bigl(\frac12
            + \alpha^2\bigl(e^{2}\Phi(-2) - 2e^{1/2}\Phi(-1) + \tfrac12\bigr)\Bigr),

    the second from :math:`(e^z - 1)^2 = e^{2z} - 2e^{z} + 1`. SELU is
    self-normalizing at mean 0 and variance 1 when the first is 0 and the
    second is 1 (Klambauer et al. 2017, ``klambauer2017self``, with
    normalised weights :math:`\omega = 0`, :math:`\tau = 1`). The mean
    condition alone fixes
    :math:`\alpha = \sqrt{2/\pi} / (1 - \sqrt{e}\operatorname{erfc}(1/\sqrt2))`;
    here both equations are solved together with :func:`mpmath.findroot`.

    Parameters
    ----------
    dps : int
        Decimal digits of the computation.

    Returns
    -------
    (mpmath.mpf, mpmath.mpf)
        ``(alpha, scale)``.

    Examples
    --------
    >>> alpha, scale = derive_selu_constants()
    >>> mpmath.nstr(alpha, 30), mpmath.nstr(scale, 30)
    ('1.67326324235437728481704299167', '1.05070098735548049341933498529')
    >>> [abs(value / mpmath.mpf(published) - 1) < 1e-30     # all 32 published digits
    ...  for value, published in ((alpha, _ALPHA_DIGITS), (scale, _SCALE_DIGITS))]
    [True, True]
    >>> (float(alpha), float(scale)) == (SELU_ALPHA, SELU_SCALE)
    True
    """
    with mpmath.workdps(dps + 10):
        def lower_tail(t):   # Phi(-t)
            return mpmath.erfc(t / mpmath.sqrt(2)) / 2

        positive_mean = 1 / mpmath.sqrt(2 * mpmath.pi)
        exp_tail = mpmath.exp(mpmath.mpf(1) / 2) * lower_tail(1)        # E[e^z; z <= 0]
        exp2_tail = mpmath.exp(2) * lower_tail(2)                       # E[e^{2z}; z <= 0]
        negative_mean = exp_tail - mpmath.mpf(1) / 2                    # E[e^z - 1; z <= 0]
        negative_square = exp2_tail - 2 * exp_tail + mpmath.mpf(1) / 2  # E[(e^z - 1)^2; z <= 0]

        def conditions(alpha, scale):
            mean = positive_mean + alpha * negative_mean   # E[selu(z)] / scale
            second = scale ** 2 * (mpmath.mpf(1) / 2 + alpha ** 2 * negative_square)
            return [mean, second - 1]

        alpha, scale = mpmath.findroot(conditions, (mpmath.mpf("1.7"), mpmath.mpf("1.0")))
    with mpmath.workdps(dps):
        return +alpha, +scale


SELU = Activation(
    name="selu",
    zh_name="SELU（缩放指数线性单元）",
    fn=selu,
    grad=selu_grad,
    expr=selu_expr,
    latex=(r"\operatorname{selu}(x) = \lambda \begin{cases} x & x > 0 \\ "
           r"\alpha (e^{x} - 1) & x \le 0 \end{cases}"),
    properties=Properties(
        output_range=(-_SCALE_ALPHA, math.inf),
        monotonic=True,
        zero_centered=True,    # E[selu(z)] = 0 for z ~ N(0, 1), by construction
        smoothness=0,          # continuous; the derivative jumps at 0
        saturates="left",
    ),
    kinks=(0.0,),
    kink_convention="selu'(0) = scale * alpha (the x <= 0 branch), as in PyTorch and JAX",
    references=("klambauer2017self",),
)
