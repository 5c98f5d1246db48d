r"""Swish (SiLU) :math:`f(x) = x\,\sigma(\beta x)`.

Swish multiplies the input by a sigmoid gate. With :math:`\beta = 1` it is
the SiLU of Elfwing et al. (2018); Ramachandran et al. (2017) found it by
automated search and made :math:`\beta` learnable. It is smooth, unbounded
above, bounded below (minimum :math:`-W(1/e)/\beta \approx -0.2785/\beta`)
and not monotonic.

Every kernel splits the work in two: a fast formula for the bulk of the
elements, and a careful one for the elements where the fast one would lose
accuracy (far tails, infinities, the zero of :math:`f'`, and the rounding
of :math:`\beta x` when it matters). Those are gathered, fixed and
scattered back, so ordinary inputs pay only for a mask. Float64 input is
computed in float64; float16/32 input too (rounded once at the end), except
SiLU's value, whose float32 formula already meets the 4-ULP target.
"""

from __future__ import annotations

import functools
import math

import mpmath
import numpy as np
import sympy as sp

from ._exact import (NEGLIGIBLE_EXPONENT, chebyshev_fit, double_double, exp_scaled, fitted,
                     frexp64, ldexp_once, patch, product_error, split_apply)
from ._numeric import (InputInfo, as_parameter, broadcast_parameter, real_input, restore,
                       sum_to_shape)
from ._spec import Activation, Properties

__all__ = ["swish", "swish_grad", "swish_grad_beta", "swish_expr", "SWISH"]


def _swish_grad_exact(t):
    """g(t) = sigma(t) (1 + t sigma(-t)), the derivative of x sigma(beta x) at t = beta x, in mpmath."""
    return (1 + t / (1 + mpmath.exp(t))) / (1 + mpmath.exp(-t))


with mpmath.workdps(40):
    # swish'(x) = 0 where 1 + t + e^t = 0 (t = beta x): t0 = -1 - W(1/e),
    # with W the Lambert function, and e^{t0} = W(1/e).
    _OMEGA = mpmath.lambertw(mpmath.exp(-1)).real
    _T0_HI, _T0_LO = double_double(-1 - _OMEGA)
    _E_T0 = float(_OMEGA)

#: Beyond |t| > _TAIL, e^{-|t|} approaches float64's subnormal range
#: (e^{-708.4}), where a product like x e^{t} must be scaled to stay exact.
_TAIL = 700.0
#: e^{t + _SCALE} e^{-_SCALE}: t + 128 is exact for t in [-1024, -256].
_SCALE = 128.0
_UNSCALE = math.exp(-_SCALE)
#: The window around t0 where swish' uses a fit of g(t)/(t - t0); outside
#: it the bulk formula stays within 3 ULP (measured on dense grids).
_WINDOW = (-1.75, -0.5)
_WINDOW_TERMS = 18
_WINDOW_TABLE = (
    6.00182956721889e-13, 5.890586337530124e-12, 2.053760932726817e-12,
    -1.5937535522666515e-10, -5.843681921567366e-10, 2.0439576753588993e-09,
    2.125778001065463e-08, 2.0621137315039095e-08, -4.446449766990223e-07,
    -1.943283672877171e-06, 4.078719712418944e-06, 5.732633030715778e-05,
    8.996373338615612e-05, -0.0009469226517730521, -0.0046843853795809015,
    0.004275144837200995, 0.0945448412367196, 0.24070296182891215,
)


def _fit_window_table(dps=34):
    r"""Recompute ``_WINDOW_TABLE``: a fit of :math:`g(t)/(t - t_0)` on ``_WINDOW``.

    :math:`g(t) = \sigma(t)(1 + t\sigma(-t))` vanishes at
    :math:`t_0 = -1 - W(1/e)`; divided by :math:`t - t_0` it is smooth and
    of one sign, so :math:`g = (t - t_0)P(t)` has no cancellation when
    :math:`t - t_0` is formed from :math:`t_0` held in two float64s.

    Examples
    --------
    >>> _fit_window_table() == _WINDOW_TABLE     # the literals are current
    True
    """
    with mpmath.workdps(dps):
        t0 = -1 - mpmath.lambertw(mpmath.exp(-1)).real
        return chebyshev_fit(lambda t: _swish_grad_exact(t) / (t - t0), *_WINDOW, _WINDOW_TERMS)
#: Where the rounding of beta*x (relative 2**-53) costs more than ~1 ULP:
#: sigma(t) has relative condition |t| sigma(-t), below 2 for t > -2.
_ROUNDING_MATTERS = 2.0


# ---------------------------------------------------------------------------
# Shared machinery (gelu's sigmoid approximation is swish with beta = 1.702)
# ---------------------------------------------------------------------------

class _Gate:
    """The argument ``t = beta*x`` of the sigmoid gate, with what kernels need.

    ``x`` and ``t`` are float64 (computed on first use, so a float32 kernel
    that does not need them pays nothing). ``b`` is None when the product
    is exact enough (beta == 1, or float16/32 input, whose float64
    product is exact far below their ULP); otherwise the careful path
    recovers ``beta*x - t`` exactly.
    """

    def __init__(self, x, beta, func_name, beta_lo=0.0):
        self.work, self.info = real_input(x, func_name)
        #: float16/32 input: float64 leaves so much headroom that only the
        #: infinities need the careful path.
        self.wide = self.info.dtype != np.float64
        b = as_parameter(beta, np.float64, func_name, "beta")
        if not np.all(np.isfinite(b)):
            raise ValueError(f"{func_name}(): parameter 'beta' must be finite; got {beta!r}")
        # Checked against the input's own shape (a 0-d input is worked on as shape (1,)),
        # so that a one-element beta cannot enlarge a 0-d input, as for PReLU's slope.
        self.original = self.work.reshape(()) if self.info.zero_dim else self.work
        broadcast_parameter(self.original, b, func_name, "beta")
        self.beta = b
        # A beta that float64 cannot hold (gelu's 1.702) comes as beta + beta_lo.
        self.beta_lo = 0.0 if self.wide else beta_lo
        self.unit = bool(np.all(b == 1)) and beta_lo == 0
        # beta kept as given (a scalar stays 0-d: no broadcast gather later)
        self.b = None if self.unit or self.wide else b

    @functools.cached_property
    def x(self):
        return self.work.astype(np.float64, copy=False)

    @functools.cached_property
    def t(self):
        if self.unit:
            return self.x
        b = self.beta
        with np.errstate(over="ignore", invalid="ignore"):
            # float16/32: the cast to float64 rides along with the product
            t = np.multiply(self.work, b, dtype=np.float64)
        if np.any(b == 0):  # 0 * inf is NaN, but sigma(0 * x) = 1/2 for every non-NaN x
            zero = np.broadcast_to(b == 0, t.shape) & ~np.isnan(self.x)
            t = np.where(zero, 0.0, t)
        return t

    @property
    def inexact(self):
        """True when the careful path must recover the rounding error of beta*x."""
        return self.b is not None

    def fix(self, result, mask, careful):
        """Overwrite ``result`` on ``mask`` with ``careful(x, t, err)``.

        ``err`` is the exact rounding error of ``t = beta*x`` (zeros when
        the product is exact enough). Nothing is gathered when the mask is
        empty, the usual case for standard-normal input.
        """
        if not mask.any():   # before touching self.x: it may not exist yet
            return result

        def careful_with_error(x, t, b):
            if not self.inexact:
                return careful(x, t, np.zeros_like(t))
            err = product_error(b, x, t)
            if self.beta_lo:   # the part of beta float64 could not hold
                err += np.where(np.abs(t) < -NEGLIGIBLE_EXPONENT, self.beta_lo * _finite(x), 0.0)
            return careful(x, t, err)

        b = self.beta if self.inexact else 0.0
        if np.ndim(b) == 0:   # a scalar beta needs no gather
            return patch(result, mask, lambda x, t: careful_with_error(x, t, b), self.x, self.t)
        b = np.broadcast_to(b, self.t.shape)
        return patch(result, mask, careful_with_error, self.x, self.t, b)


def _near_zero(t):
    """Mask of ``t`` inside ``_WINDOW``, around the zero of swish'."""
    return (t > _WINDOW[0]) & (t < _WINDOW[1])


def _finite(x):
    """``x`` with infinities replaced by the largest finite float (only where a factor is 0)."""
    return np.clip(x, -np.finfo(np.float64).max, np.finfo(np.float64).max)


# ---------------------------------------------------------------------------
# Value
# ---------------------------------------------------------------------------

def _value_near(x, t, err):
    r""":math:`x\sigma(t+\epsilon)` for :math:`-700 \le t < 0`."""
    e = np.exp(t)
    p = 1.0 + e
    # sigma(t + err) = sigma(t) (1 + err sigma(-t)), sigma(-t) = 1/p
    return x * (e / p) * (1.0 + err / p)


def _value_far(x, t, err):
    r""":math:`x e^{t+\epsilon}` for :math:`t < -700`, where :math:`e^t` is (nearly) subnormal.

    Held as significand times a power of two until the one final rounding:
    with :math:`|x|` up to :math:`2^{1024}` the product is a normal number
    down to :math:`t \approx -1418`, where :math:`e^t` alone is far below
    the subnormals.
    """
    m, k = exp_scaled(t, err)   # t = -inf: held at e^-5000, 0 to all digits in the product
    mx, kx = frexp64(_finite(x))
    return ldexp_once(mx * m, kx + k)


def _value_careful(x, t, err):
    r""":math:`x\sigma(t+\epsilon)` for :math:`t < 0` (the only side that needs care)."""
    return split_apply(t < -_TAIL, _value_far, _value_near, x, t, err)


def _silu_float32(x):
    r""":math:`x/(1 + e^{-x})` natively in float32 (SiLU, float16/32 input).

    Three roundings after float32's ``exp`` (at most 2.44 ULP here): the
    worst error measured on :math:`6\times10^7` inputs is 3.7 ULP, within
    the 4-ULP target, at a third of the cost of a float64 detour. Below
    :math:`x = -80`, where ``exp`` overflows and the result turns
    subnormal, the float64 careful path takes over.
    """
    with np.errstate(over="ignore", invalid="ignore"):   # fixed below
        result = np.exp(-x)
        result += 1
        result = np.divide(x, result, out=result)

    def careful(x):
        x64 = x.astype(np.float64)
        return _value_careful(x64, x64, np.zeros_like(x64))

    return patch(result, x < -80, careful, x)


def _swish_float32(x, beta):
    r""":math:`x/(1 + e^{-\beta x})` for float32 input with :math:`\beta \ne 1`.

    A float32 product :math:`\beta x` would be rounded, which costs
    :math:`|t|` ULP in the left tail; so :math:`t` and :math:`e^{-t}` are
    computed in float64 and only :math:`e^{-t}` is rounded to float32
    before the float32 sum and quotient (at most 2.0 ULP measured, half
    the cost of a full float64 detour). Below :math:`t = -80` the float64
    careful path takes over.
    """
    t = np.multiply(x, beta, dtype=np.float64)
    left = t < -80
    with np.errstate(over="ignore", invalid="ignore"):   # only where t < -88.7: fixed below
        np.negative(t, out=t)
        np.exp(t, out=t)
        result = t.astype(np.float32)
        result += 1
        result = np.divide(x, result, out=result)

    def careful(x, beta):
        x64 = x.astype(np.float64)
        return _value_careful(x64, beta * x64, np.zeros_like(x64))

    return patch(result, left, careful, x, np.broadcast_to(beta, x.shape))


def _swish_kernel(gate):
    if not np.any(gate.beta):  # beta = 0: the gate is 1/2 and x/2 is exact
        return gate.work * 0.5
    if gate.wide and gate.work.dtype == np.float32 and not np.any(gate.beta == 0):
        if gate.unit:
            return _silu_float32(gate.work)
        return _swish_float32(gate.work, gate.beta)
    x, t = gate.x, gate.t
    # x/(1 + e^{-t}) is accurate for t >= -700; below, exp overflows (and
    # -inf/inf is NaN), which the careful path replaces.
    with np.errstate(over="ignore", invalid="ignore"):
        result = np.exp(-t)
        result += 1.0
        result = np.divide(x, result, out=result)
    mask = t < -_TAIL
    if gate.inexact:
        mask |= t < -_ROUNDING_MATTERS
    return gate.fix(result, mask, _value_careful)


def swish(x, beta=1.0):
    r"""Swish (SiLU for :math:`\beta = 1`), elementwise.

    .. math:: f(x) = x\,\sigma(\beta x) = \frac{x}{1 + e^{-\beta x}}

    Parameters
    ----------
    x : array_like
        Real input of any shape. Integers and bools are promoted to float64.
    beta : float or array_like, default 1.0
        Finite gate sharpness; an array must broadcast to ``x``'s shape
        (one learnable :math:`\beta` per channel, say). :math:`\beta = 0`
        gives :math:`x/2`; :math:`\beta \to \infty` approaches ReLU.

    Returns
    -------
    numpy.ndarray or numpy scalar
        :math:`f(x)`, with the dtype of ``x`` (float16/32/64); a scalar for
        0-d input.

    Raises
    ------
    TypeError
        For non-real ``x`` or ``beta``.
    ValueError
        If ``beta`` is not finite or does not broadcast to ``x``.

    Notes
    -----
    With :math:`t = \beta x`, the bulk formula is :math:`x/(1 + e^{-t})`:
    one ``exp``, one addition, one division, each rounded once, and no
    cancellation on either side. (For float32 SiLU this runs natively in
    float32; everything else runs in float64.) Three kinds of element take
    a careful path instead:

    - :math:`t < -700`: :math:`e^{-t}` overflows near :math:`t = -709.8`
      (the naive form's failure), and :math:`e^{t}` is subnormal with
      little relative accuracy although :math:`x e^{t}` may be much
      larger, so :math:`x e^{t} = (x\,e^{t+128})\,e^{-128}`.
    - :math:`t = -\infty` (from an infinite :math:`x`): the limit
      :math:`\pm 0` replaces the undefined :math:`\infty/\infty`.
    - float64 input with :math:`\beta \ne 1` and :math:`t < -2`: the
      rounding error :math:`\epsilon` of :math:`\beta x` changes
      :math:`\sigma(t)` by the relative amount :math:`\epsilon\,\sigma(-t)`,
      which is :math:`|t|` times the rounding of :math:`t` itself, 40 ULP
      at :math:`t = -80`. The error is recovered exactly with Dekker's
      two-product (Higham 2002, sec. 4.3, higham2002accuracy) and
      :math:`\sigma(t + \epsilon) \approx \sigma(t)(1 + \epsilon\sigma(-t))`
      applied. Float16/32 input needs none of this: its product in
      float64 is exact far below its own ULP.

    SiLU: Elfwing et al. (2018), elfwing2018sigmoid; Swish with learnable
    :math:`\beta`: Ramachandran et al. (2017), ramachandran2017searching.

    Examples
    --------
    >>> swish([-1.0, 0.0, 2.0])
    array([-0.26894142,  0.        ,  1.76159416])
    >>> swish(np.float32(-1.0), beta=0.5).dtype
    dtype('float32')
    >>> float(swish(-740.0))      # x e^x, although e^x alone is subnormal
    -3.09967e-319
    >>> float(swish(-np.inf))
    -0.0
    """
    gate = _Gate(x, beta, "swish")
    return restore(_swish_kernel(gate), gate.info)


# ---------------------------------------------------------------------------
# Derivative with respect to x
# ---------------------------------------------------------------------------

def _grad_bulk(t):
    r"""Branch-free :math:`g(t) = \sigma(t)(1 + t\sigma(-t))`.

    With :math:`m = e/(1+e) = \min(\sigma(t), \sigma(-t))`, the bracket
    is :math:`1 + t m` for :math:`t \ge 0` and :math:`(1 + t) + |t| m` for
    :math:`t < 0` (as :math:`\sigma(-t) = 1 - m` there): one formula,
    :math:`1 + \min(t, 0) + |t|\,m`, in which the only rounded sigmoid
    is the small one. It cancels only near the zero :math:`t_0`.
    """
    a = np.abs(t)
    e = np.exp(-a)
    p = np.add(1.0, e)
    s = np.maximum(e, t >= 0)
    s /= p
    m = np.divide(e, p, out=e)
    m *= a
    m += 1.0
    m += np.minimum(t, 0.0, out=p)
    return np.multiply(s, m, out=s)


def _grad_at(t, err):
    r""":math:`g(t+\epsilon) = g(t) + \epsilon g'(t)` away from :math:`t_0` and the tails."""
    a = np.abs(t)
    e = np.exp(-a)
    p = 1.0 + e
    # g'(t) = s sbar (2 - |t| tanh(|t|/2)), s sbar = e/p^2, tanh(|t|/2) = (1 - e)/p
    slope = (e / p / p) * (2.0 - a * ((1.0 - e) / p))
    return _grad_bulk(t) + err * slope


def _grad_near_zero(t, err):
    r""":math:`g(t + \epsilon) = (t + \epsilon - t_0)\,P(t + \epsilon)` near the zero :math:`t_0`."""
    d = (t - _T0_HI) + (err - _T0_LO)
    return d * fitted(_WINDOW_TABLE, *_WINDOW, t, err)


def _grad_left_tail(t, err):
    """:math:`g = (1 + t)e^t` for :math:`t < -700`, scaled out of the subnormal range."""
    tc = np.maximum(t, -1100.0)
    return ((1.0 + tc) * np.exp(tc + _SCALE)) * _UNSCALE * (1.0 + err)


def _grad_careful(x, t, err):
    """Derivative on the elements the bulk formula cannot serve."""
    def beyond(t, err):
        return np.where(t > 0, 1.0, _grad_left_tail(t, err))   # g = 1 far right

    def within(t, err):
        return split_apply(_near_zero(t), _grad_near_zero, _grad_at, t, err)

    with np.errstate(invalid="ignore", over="ignore"):  # in the branches np.where drops
        return split_apply(np.abs(t) > _TAIL, beyond, within, t, err)


def _swish_grad_kernel(gate):
    t = gate.t
    with np.errstate(over="ignore", invalid="ignore"):  # t = +-inf, fixed below
        if gate.wide:
            # float64 has ~29 spare bits for float16/32 results: the plain
            # form's cancellation near t0 (and 1 - s = 0 for t > 37) stays
            # far below their ULP.
            s = np.exp(-t)
            s += 1.0
            s = np.divide(1.0, s, out=s)
            result = np.subtract(1.0, s)
            result *= t
            result += 1.0
            result *= s
        else:
            result = _grad_bulk(t)
    mask = np.abs(t) > _TAIL
    if not gate.wide:
        mask |= _near_zero(t)
    if gate.inexact:
        mask |= t < -_ROUNDING_MATTERS
    return gate.fix(result, mask, _grad_careful)


def swish_grad(x, beta=1.0):
    r"""Derivative of Swish with respect to ``x``, elementwise.

    .. math::
        f'(x) = \sigma(\beta x)\,\bigl(1 + \beta x\,\sigma(-\beta x)\bigr)
              = \sigma(t) + t\,\sigma(t)\,\sigma(-t), \quad t = \beta x

    Parameters
    ----------
    x : array_like
        Real input of any shape.
    beta : float or array_like, default 1.0
        As in :func:`swish`.

    Returns
    -------
    numpy.ndarray or numpy scalar
        :math:`f'(x)`, with the dtype of ``x``. It tends to 0 on the left
        and 1 on the right, overshoots 1 (maximum about 1.0998 at
        :math:`t \approx 2.3994`) and vanishes at
        :math:`t_0 = -1 - W(1/e) \approx -1.27846`.

    Notes
    -----
    The product form needs no :math:`1 - \sigma` subtraction, so the tails
    keep full relative accuracy (the form
    :math:`\beta f + \sigma(\beta x)(1 - \beta f)` of Ramachandran et al.
    cancels for large :math:`x`). One cancellation is genuine: near
    :math:`t_0`, where :math:`1 + t\sigma(-t)` is a difference of nearly
    equal numbers. For :math:`-1.75 < t < -0.5` (float64) the kernel uses
    :math:`f'(x) = (t - t_0)\,P(t)`, with :math:`t_0 = -1 - W(1/e)` (from
    :math:`1 + t + e^t = 0`) held in two float64s and :math:`P` a
    Chebyshev fit of the smooth, one-signed :math:`g(t)/(t - t_0)`
    (:func:`_fit_window_table`): no cancellation at all. Tails,
    infinities and the rounding of :math:`\beta x` are handled as in
    :func:`swish`. Float16/32 input computes the plain form in float64,
    whose cancellation stays far below their ULP.

    Examples
    --------
    >>> swish_grad([0.0, 1.0, 40.0])
    array([0.5       , 0.92767051, 1.        ])
    >>> float(abs(swish_grad(-1.2784645427610738)))  < 1e-16
    True
    """
    gate = _Gate(x, beta, "swish_grad")
    return restore(_swish_grad_kernel(gate), gate.info)


# ---------------------------------------------------------------------------
# Derivative with respect to beta
# ---------------------------------------------------------------------------

def _grad_beta_near(x, t, err):
    r""":math:`x^2\sigma(t+\epsilon)\sigma(-t-\epsilon)` for :math:`|t| \le 700`."""
    e = np.exp(-np.abs(t))
    # d/dt log(s sbar) = sbar - s = -tanh(t/2) = -sign(t) (1 - e)/(1 + e)
    e = e * (1.0 - err * np.sign(t) * ((1.0 - e) / (1.0 + e)))
    # e/(1+e)^2 = e - e q/(1+q), q = e(2+e): the subtracted part is small
    # where |t| is large, so fewer roundings reach the result.
    q = e * (2.0 + e)
    w = e - e * q / (1.0 + q)
    with np.errstate(over="ignore"):   # only where the true value overflows
        square = np.abs(x) < 1e150     # x*x cannot overflow; else x (x w)
        return np.where(square, x * x * w, (x * w) * x)


def _grad_beta_far(x, t, err):
    r""":math:`x^2 e^{-|t + \epsilon|}` for :math:`|t| > 700`, held scaled as in :func:`_value_far`.

    :math:`x^2` reaches :math:`2^{2048}`, so the product is a normal
    number down to :math:`|t| \approx 2130`.
    """
    m, k = exp_scaled(-np.abs(t), -err * np.sign(t))   # |t| = inf: held at e^-5000
    mx, kx = frexp64(_finite(x))
    return ldexp_once((mx * mx) * m, 2.0 * kx + k)


def _grad_beta_careful(x, t, err):
    """``x**2 sigma(t) sigma(-t)`` on the elements the bulk formula cannot serve."""
    return split_apply(np.abs(t) > _TAIL, _grad_beta_far, _grad_beta_near, x, t, err)


def _swish_grad_beta_kernel(gate):
    x, t = gate.x, gate.t
    a = np.abs(t)
    with np.errstate(invalid="ignore", over="ignore"):
        # x^2 overflows only where the true value does (x*w first, w <= 1/4).
        e = np.exp(-a)
        p = 1.0 + e
        p *= p
        w = np.divide(e, p, out=e)
        w *= x
        result = np.multiply(w, x, out=w)
    mask = a > _TAIL
    if gate.inexact:
        mask |= a > _ROUNDING_MATTERS
    return gate.fix(result, mask, _grad_beta_careful)


def swish_grad_beta(x, beta=1.0, upstream=None):
    r"""Gradient with respect to ``beta``, reduced to ``beta``'s shape.

    .. math::
        \frac{\partial f}{\partial \beta} = x^2\,\sigma(\beta x)\,\sigma(-\beta x),
        \qquad
        \frac{\partial L}{\partial \beta} = \sum g \odot \frac{\partial f}{\partial \beta}

    where the sum runs over every axis along which ``beta`` was broadcast.

    Parameters
    ----------
    x : array_like
        Real input of any shape.
    beta : float or array_like, default 1.0
        As in :func:`swish`.
    upstream : array_like, optional
        Upstream gradient :math:`g = \partial L/\partial f`, broadcasting to
        ``x``'s shape; ones by default, which gives the sum of the
        elementwise derivative.

    Returns
    -------
    numpy.ndarray or numpy scalar
        Array of ``beta``'s shape (a scalar for scalar ``beta``) with the
        dtype of ``x``.

    Notes
    -----
    :math:`x^2\sigma(t)\sigma(-t) = x\cdot\bigl(x\,e/(1+e)^2\bigr)` with
    :math:`e = e^{-|t|}`: the inner factor is at most :math:`|x|/4`, so the
    product overflows only where the true value does. The tails
    (:math:`|t| > 700`) and the rounding of :math:`\beta x` are handled as
    in :func:`swish`; here the latter matters on both sides, since
    :math:`\sigma(t)\sigma(-t)` has relative condition :math:`|t|\tanh(|t|/2)`.
    The reduction is a plain float64 sum.

    Examples
    --------
    >>> float(swish_grad_beta([1.0, -1.0]))       # 2 * sigma(1) sigma(-1)
    0.39322386648296376
    >>> swish_grad_beta(np.ones((4, 3)), beta=np.ones(3)).shape
    (3,)
    """
    gate = _Gate(x, beta, "swish_grad_beta")
    grad = _swish_grad_beta_kernel(gate)
    if upstream is not None:
        g = as_parameter(upstream, np.float64, "swish_grad_beta", "upstream")
        broadcast_parameter(gate.original, g, "swish_grad_beta", "upstream")
        grad = grad * g
    reduced = sum_to_shape(grad, gate.beta.shape)
    return restore(reduced, InputInfo(gate.info.dtype, reduced.ndim == 0))


# ---------------------------------------------------------------------------
# Symbolic form and record
# ---------------------------------------------------------------------------

def swish_expr(x, beta=1):
    r"""SymPy expression of Swish, :math:`x/(1 + e^{-\\beta x})`.

    Examples
    --------
    >>> import sympy as sp
    >>> swish_expr(sp.Symbol("x"))
    x/(1 + exp(-x))
    >>> swish_expr(sp.Symbol("x"), beta=sp.Symbol("beta"))
    x/(1 + exp(-beta*x))
    """
    return x / (1 + sp.exp(-beta * x))


SWISH = Activation(
    name="swish",
    zh_name="Swish（SiLU）",
    fn=swish,
    grad=swish_grad,
    expr=swish_expr,
    params={"beta": 1.0},
    aliases=("silu",),
    latex=r"f(x) = x\,\sigma(\beta x) = \frac{x}{1 + e^{-\beta x}}",
    properties=Properties(
        output_range=(-_E_T0, math.inf),   # minimum -W(1/e) at x = t0 (beta = 1)
        monotonic=False,
        zero_centered=False,               # E[z sigma(z)] = E[sigma'(z)] ~ 0.207
        smoothness=math.inf,
        saturates="left",
    ),
    references=("ramachandran2017searching", "elfwing2018sigmoid"),
)
