r"""Textbook formulas, written the way they usually are: no stability tricks.

Each function here is the direct transcription of a formula from a paper
or a lecture, as it appears in countless notebooks. They are correct in
exact arithmetic and fine for moderate inputs, and each docstring says
where floating point breaks it. The chapters show them next to the
library's kernels, and the benchmarks (``make bench``) measure the library
against them for speed and accuracy.

They are deliberately *not* covered by the numerical contract: they may
emit overflow or invalid-value warnings, return NaN or 0 where the true
value is finite or tiny, and they do no input validation. A float32 input
stays float32 (every constant is a Python float, which NumPy does not let
promote an array).

Examples
--------
>>> import numpy as np
>>> from activations import naive
>>> with np.errstate(over="ignore"):
...     print(naive.sigmoid_grad(np.array([0.0, 40.0])))   # true value at 40: 4.2e-18
[0.25 0.  ]
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special

__all__ = [
    "sigmoid", "sigmoid_grad", "tanh", "tanh_grad", "relu", "relu_grad",
    "leaky_relu", "leaky_relu_grad", "prelu", "prelu_grad",
    "softmax", "softmax_grad", "log_softmax",
    "swish", "swish_grad", "gelu", "gelu_grad", "selu", "selu_grad",
    "glu", "glu_grad", "reglu", "reglu_grad", "geglu", "geglu_grad", "swiglu", "swiglu_grad",
]

_SQRT_2 = math.sqrt(2.0)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_GELU_TANH_CUBIC = 0.044715      # hendrycks2016gaussian
_GELU_SIGMOID_SCALE = 1.702      # hendrycks2016gaussian
_SELU_ALPHA = 1.6732632423543772848170429916717   # klambauer2017self
_SELU_SCALE = 1.0507009873554804934193349852946


def sigmoid(x):
    r"""Sigmoid as :math:`1/(1+e^{-x})`.

    Breaks for :math:`x < -709.8` (float64) or :math:`x < -88.7`
    (float32): :math:`e^{-x}` overflows to ``inf`` with a warning and the
    result is 0, although the true value :math:`\approx e^{x}` is still a
    representable (subnormal) number down to :math:`x \approx -745`
    (float64) or :math:`-103.3` (float32).

    Examples
    --------
    >>> with np.errstate(over="ignore"):
    ...     print(sigmoid(np.array([-720.0])))   # true value 1.9e-313
    [0.]
    """
    x = np.asarray(x)
    return 1 / (1 + np.exp(-x))


def sigmoid_grad(x):
    r"""Sigmoid derivative as :math:`s(1-s)` with :math:`s = \sigma(x)`.

    Breaks on the right: :math:`1-s` is computed by subtraction, which is
    exactly 0 once :math:`s` rounds to 1 (:math:`x > 36.74` in float64,
    :math:`x > 16.64` in float32), while the true value is about
    :math:`e^{-x}`. Before that it loses relative accuracy gradually: for
    :math:`x = 20` only about 8 significant digits of 16 survive.
    """
    s = sigmoid(x)
    return s * (1 - s)


def tanh(x):
    r"""tanh by its definition :math:`(e^x - e^{-x})/(e^x + e^{-x})`.

    Breaks for :math:`|x| > 709.8` (float64) or :math:`|x| > 88.7`
    (float32): both exponentials overflow and ``inf/inf`` gives NaN
    instead of :math:`\pm 1`. Near 0 the subtraction
    :math:`e^x - e^{-x}` cancels, so tiny inputs lose relative accuracy
    (about :math:`\varepsilon/|x|` relative error).
    """
    x = np.asarray(x)
    up, down = np.exp(x), np.exp(-x)
    return (up - down) / (up + down)


def tanh_grad(x):
    r"""tanh derivative as :math:`1 - \tanh^2 x`.

    Breaks for :math:`|x| > 18.99` (float64) or :math:`|x| \ge 10`
    (float32): :math:`\tanh x` rounds to :math:`\pm 1` and the result is
    exactly 0, although the true value is about :math:`4e^{-2|x|}`; the
    relative error grows like :math:`\varepsilon e^{2|x|}` before that.
    (``np.tanh`` itself is used here, so the only flaw shown is the
    subtraction.)
    """
    t = np.tanh(np.asarray(x))
    return 1 - t * t


def relu(x):
    r"""ReLU as ``np.maximum(x, 0)``.

    This one is already right: it is exact, keeps the dtype and propagates
    NaN. (The other common spelling, ``x * (x > 0)``, gives NaN with a
    warning at :math:`x = -\infty`.) It is here as the speed baseline.
    """
    return np.maximum(np.asarray(x), 0)


def relu_grad(x):
    r"""ReLU derivative as the indicator :math:`[x > 0]`.

    Exact, with the kink convention :math:`\mathrm{relu}'(0) = 0`, but it
    maps NaN to 0 instead of propagating it.
    """
    x = np.asarray(x)
    return (x > 0).astype(x.dtype)


def leaky_relu(x, negative_slope=0.01):
    r"""Leaky ReLU as ``np.where(x > 0, x, negative_slope * x)``.

    Correctly rounded, but ``np.where`` with mixed signs is several times
    slower than a branch-free ``maximum``/``minimum`` form.
    """
    x = np.asarray(x)
    return np.where(x > 0, x, negative_slope * x)


def leaky_relu_grad(x, negative_slope=0.01):
    r"""Leaky ReLU derivative as ``np.where(x > 0, 1, negative_slope)``.

    Maps NaN to ``negative_slope`` instead of propagating it. (The two
    choices are cast to ``x``'s dtype so that float32 stays float32.)
    """
    x = np.asarray(x)
    one, slope = x.dtype.type(1), x.dtype.type(negative_slope)
    return np.where(x > 0, one, slope)


def prelu(x, a=0.25):
    r"""PReLU as ``np.where(x > 0, x, a * x)``; see :func:`leaky_relu`."""
    x = np.asarray(x)
    return np.where(x > 0, x, a * x)


def prelu_grad(x, a=0.25):
    r"""PReLU derivative d/dx as ``np.where(x > 0, 1, a)``; see :func:`leaky_relu_grad`."""
    return leaky_relu_grad(x, a)


def softmax(x, axis=-1):
    r"""Softmax as :math:`e^{x_i}/\sum_j e^{x_j}`, without subtracting the max.

    Breaks as soon as one entry exceeds 709.8 (float64) or 88.7 (float32):
    ``exp`` overflows and ``inf/inf`` gives NaN. If every entry is below
    about -745 (float64) the sum underflows to 0 and ``0/0`` gives NaN.
    """
    e = np.exp(np.asarray(x))
    return e / e.sum(axis=axis, keepdims=True)


def online_softmax(x, axis=-1, block=256):
    r"""The online normaliser of Milakov and Gimelshein, as the paper writes it, in ``x``'s dtype.

    Per block of ``block`` entries: :math:`m' = \max(m, \max_j x_j)`,
    :math:`s' = s\,e^{m - m'} + \sum_j e^{x_j - m'}`, then
    :math:`e^{x_i - m}/s`. The shift keeps ``exp`` from overflowing, but
    every rescaling and every rounded :math:`x_j - m'` adds its error
    (hundreds of ULP once :math:`x_j - m' \approx -700`), a row of
    ``-inf`` gives ``-inf - (-inf)`` = NaN with a warning, and a ``+inf``
    entry makes its whole row NaN.
    """
    x = np.moveaxis(np.asarray(x), axis, -1)
    m = np.full(x.shape[:-1] + (1,), -np.inf, x.dtype)
    s = np.zeros_like(m)
    for start in range(0, x.shape[-1], block):
        chunk = x[..., start:start + block]
        m_new = np.maximum(m, chunk.max(axis=-1, keepdims=True))
        s = s * np.exp(m - m_new) + np.exp(chunk - m_new).sum(axis=-1, keepdims=True)
        m = m_new
    return np.moveaxis(np.exp(x - m) / s, -1, axis)


def softmax_grad(x, axis=-1):
    r"""Diagonal of the softmax Jacobian as :math:`s_i(1-s_i)`.

    Inherits :func:`softmax`'s NaNs, and :math:`1-s_i` is exactly 0 once
    :math:`s_i` rounds to 1, although the true value is the (tiny) sum of
    the other probabilities.
    """
    s = softmax(x, axis)
    return s * (1 - s)


def log_softmax(x, axis=-1):
    r"""Log-softmax as ``log(softmax(x))``.

    Breaks where a probability underflows to 0: the log is :math:`-\infty`
    (with a divide-by-zero warning) although the true value,
    :math:`x_i - \log\sum_j e^{x_j}`, is an ordinary finite number such as
    -800. Inherits :func:`softmax`'s NaNs for large inputs.
    """
    return np.log(softmax(x, axis))


def swish(x, beta=1.0):
    r"""Swish as :math:`x/(1+e^{-\beta x})`.

    For :math:`\beta x < -709` (float64) ``exp`` overflows with a warning;
    the quotient :math:`x/\infty = -0` happens to be acceptable, but the
    subnormal tail of the true value :math:`x e^{\beta x}` is lost.
    """
    x = np.asarray(x)
    return x / (1 + np.exp(-beta * x))


def swish_grad(x, beta=1.0):
    r"""Swish derivative as :math:`\beta f(x) + \sigma(\beta x)(1 - \beta f(x))`.

    This is the form given by Ramachandran et al. It cancels
    catastrophically on the right: for large :math:`x`,
    :math:`\beta f(x) \approx \beta x` and :math:`1 - \beta f(x) \approx
    -\beta x`, so the sum of two huge opposite terms is 0 (float64,
    :math:`x \gtrsim 10^{16}`) or garbage long before that, while the true
    value tends to 1. It also inherits :func:`sigmoid`'s overflow.
    """
    x = np.asarray(x)
    f = swish(x, beta)
    return beta * f + sigmoid(beta * x) * (1 - beta * f)


def _gelu_tanh(x):
    inner = _SQRT_2_OVER_PI * (x + _GELU_TANH_CUBIC * (x * x * x))
    return 0.5 * x * (1 + np.tanh(inner))


def _gelu_tanh_grad(x):
    t = np.tanh(_SQRT_2_OVER_PI * (x + _GELU_TANH_CUBIC * (x * x * x)))
    slope = _SQRT_2_OVER_PI * (1 + 3 * _GELU_TANH_CUBIC * (x * x))
    return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * slope


def _check_approximate(approximate):
    if approximate not in ("none", "tanh", "sigmoid"):
        raise ValueError(f"approximate must be 'none', 'tanh' or 'sigmoid'; got {approximate!r}")


def gelu(x, approximate="none"):
    r"""GELU as written in the paper.

    - ``"none"``: :math:`\tfrac12 x (1 + \operatorname{erf}(x/\sqrt2))`.
      On the left :math:`1 + \operatorname{erf}` cancels: the relative
      error grows like :math:`\varepsilon/\Phi(x)` and the result is
      :math:`-0` for :math:`x \lesssim -8.3` (float64) although the true
      value is :math:`x\Phi(x) \approx -\varphi(x)`, e.g. :math:`-7.6\times
      10^{-23}` at :math:`x = -10` (float32: from :math:`x \approx -5.5`).
    - ``"tanh"``: :math:`\tfrac12 x (1 + \tanh(\sqrt{2/\pi}(x + 0.044715
      x^3)))`, the same cancellation in :math:`1 + \tanh` (zero from
      :math:`x \approx -7.2` in float64, :math:`-5.4` in float32), and
      :math:`x^3` overflows for :math:`|x| > 5.6\times10^{102}` (float64).
      The cube is written ``x * x * x``: ``x**3`` calls the general
      ``pow`` and is about 50 times slower, which would flatter any
      comparison.
    - ``"sigmoid"``: :math:`x \sigma(1.702 x)` with the naive
      :func:`sigmoid`.
    """
    _check_approximate(approximate)
    x = np.asarray(x)
    if approximate == "tanh":
        return _gelu_tanh(x)
    if approximate == "sigmoid":
        return x * sigmoid(_GELU_SIGMOID_SCALE * x)
    return 0.5 * x * (1 + special.erf(x / _SQRT_2))


def gelu_grad(x, approximate="none"):
    r"""GELU derivative as written: :math:`\Phi(x) + x\varphi(x)` and its analogues.

    ``"none"`` computes :math:`\Phi` as :math:`\tfrac12(1 +
    \operatorname{erf}(x/\sqrt2))` (cancels on the left, as in
    :func:`gelu`) and :math:`\varphi(x)` as ``exp(-x**2/2)/sqrt(2 pi)``,
    whose ``x**2`` overflows for :math:`|x| > 1.3\times10^{154}`.
    ``"tanh"`` uses :math:`1 - \tanh^2` (0 once tanh rounds to 1) and
    ``"sigmoid"`` uses :func:`sigmoid_grad`'s :math:`s(1-s)`.
    """
    _check_approximate(approximate)
    x = np.asarray(x)
    if approximate == "tanh":
        return _gelu_tanh_grad(x)
    if approximate == "sigmoid":
        s = sigmoid(_GELU_SIGMOID_SCALE * x)
        return s + _GELU_SIGMOID_SCALE * x * s * (1 - s)
    cdf = 0.5 * (1 + special.erf(x / _SQRT_2))
    return cdf + x * np.exp(-(x * x) / 2) * _INV_SQRT_2PI


def selu(x):
    r"""SELU as ``scale * np.where(x > 0, x, alpha * (np.exp(x) - 1))``.

    ``np.where`` evaluates both branches, so ``exp(x)`` overflows with a
    warning for :math:`x > 709.8` even though that branch is discarded;
    ``exp(x) - 1`` cancels near 0, losing relative accuracy for small
    negative :math:`x` (``expm1`` would not).
    """
    x = np.asarray(x)
    return _SELU_SCALE * np.where(x > 0, x, _SELU_ALPHA * (np.exp(x) - 1))


def selu_grad(x):
    r"""SELU derivative as ``scale * np.where(x > 0, 1, alpha * np.exp(x))``.

    The discarded branch overflows with a warning for large :math:`x`, and
    NaN is propagated only through that branch.
    """
    x = np.asarray(x)
    return _SELU_SCALE * np.where(x > 0, 1.0, _SELU_ALPHA * np.exp(x))


def _gated(x, axis, gate, **params):
    """``a * gate(b)`` for the halves ``[a, b]`` of ``x``: the textbook gated unit."""
    a, b = np.split(np.asarray(x), 2, axis=axis)
    return a * gate(b, **params)


def _gated_grad(x, axis, gate, slope, **params):
    """The two Jacobian diagonals ``[gate(b), a * slope(b)]``, laid out like ``x``."""
    a, b = np.split(np.asarray(x), 2, axis=axis)
    return np.concatenate([gate(b, **params), a * slope(b, **params)], axis=axis)


def glu(x, axis=-1):
    r"""GLU as ``a * sigmoid(b)`` with the naive :func:`sigmoid` (its overflow included)."""
    return _gated(x, axis, sigmoid)


def glu_grad(x, axis=-1):
    r"""GLU's two Jacobian diagonals, :math:`[\sigma(b), a\,s(1-s)]`: 0 where ``s`` rounds to 1."""
    return _gated_grad(x, axis, sigmoid, sigmoid_grad)


def reglu(x, axis=-1):
    r"""ReGLU as ``a * max(b, 0)`` (exact, like :func:`relu`)."""
    return _gated(x, axis, relu)


def reglu_grad(x, axis=-1):
    r"""ReGLU's two Jacobian diagonals, :math:`[\max(b, 0), a[b > 0]]` (NaN in ``b`` becomes 0)."""
    return _gated_grad(x, axis, relu, relu_grad)


def geglu(x, axis=-1, approximate="none"):
    r"""GEGLU as ``a * gelu(b)`` with the naive :func:`gelu` (0 on the far left)."""
    return _gated(x, axis, gelu, approximate=approximate)


def geglu_grad(x, axis=-1, approximate="none"):
    r"""GEGLU's two Jacobian diagonals from the naive :func:`gelu` and :func:`gelu_grad`."""
    return _gated_grad(x, axis, gelu, gelu_grad, approximate=approximate)


def swiglu(x, axis=-1, beta=1.0):
    r"""SwiGLU as ``a * swish(b)`` with the naive :func:`swish`."""
    return _gated(x, axis, swish, beta=beta)


def swiglu_grad(x, axis=-1, beta=1.0):
    r"""SwiGLU's two Jacobian diagonals from the naive :func:`swish` and :func:`swish_grad`."""
    return _gated_grad(x, axis, swish, swish_grad, beta=beta)
