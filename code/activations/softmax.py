r"""Softmax :math:`\operatorname{softmax}(\mathbf{x})_i = e^{x_i} / \sum_j e^{x_j}` and relatives.

Softmax turns a vector of scores (logits) into a probability vector; it is
the output layer of multi-class classifiers and the weighting inside
attention. Unlike the other activations it is a *vector* function: every
output depends on every input of its slice, so its derivative is the
Jacobian matrix :math:`J = \operatorname{diag}(\mathbf{s}) - \mathbf{s}\mathbf{s}^\top`.
This module offers the value, its logarithm, the Jacobian's diagonal,
Jacobian-vector products that never build :math:`J`, and :math:`J` itself
for small vectors in the text.

Conventions shared by every function here:

* The vectors lie along ``axis`` (default the last one); the other axes
  are batch axes. A 0-d input is a vector with one entry, whose softmax
  is 1.
* Limits at infinity: a slice with exactly one ``+inf`` gives it all the
  mass (the limit as that entry grows, whatever the others are); a slice
  with several ``+inf`` entries, or only ``-inf`` ones, has no limit (it
  depends on how the entries grow) and gives NaN; a NaN makes its whole
  slice NaN. ``-inf`` next to a finite entry is a valid mask
  (probability 0). None of these emits a floating-point warning.
* For float32 and float16 input the exponentials, sums and quotients are
  computed in float64 and rounded once at the end (log_softmax rounds its
  two non-positive terms first, which costs at most a further ULP); float64
  input is computed in float64 with error-free transformations where
  plain rounding would lose digits.
"""

from __future__ import annotations

import contextlib
import math
import operator
from typing import NamedTuple

import numpy as np
import sympy as sp

from ._exact import split, two_product_low
from ._numeric import InputInfo, real_input, restore
from ._spec import Activation, Properties

__all__ = [
    "softmax", "softmax_grad", "log_softmax", "softmax_jvp", "softmax_vjp",
    "softmax_jacobian", "softmax_expr", "online_softmax", "SOFTMAX",
]

# Without a shift, exp(x) in float64 neither overflows nor loses precision
# while the entries of a slice lie in [-700, 600]: exp(600) * n stays finite
# for any realistic n and exp(-700) is a normal float64. Beyond that, the
# slice's maximum m decides (see _exponentials).
_UNSHIFTED_MAX = 600.0
_UNSHIFTED_MIN = -700.0
_UNSHIFTED_MIN_MAX_FLOAT32 = -600.0
_FAR_BELOW = 800.0                 # exp(-800) underflows to 0 in float64
_HUGE = 2.0 ** 1000                # below -_HUGE, 2 * m would overflow
_LARGE_TANGENT = np.finfo(np.float64).max / 4
# Rows whose other entries sum to less than this fraction of the maximal
# one would sum subnormal exponentials in float64; they are redone with
# exponentials scaled up by e**128 (see _others).
_TINY_RATIO = 2.0 ** -900
_RESCALE = 128.0
# Where online_softmax switches its rescaling from expm1 to exp (see _rescaled_sum).
_LN2 = math.log(2.0)
# Slices are processed in blocks of about this many elements, so that the
# float64 intermediates stay in the CPU cache: several passes over a
# cached block cost less than one pass over main memory.
_BLOCK_ELEMENTS = 1 << 15


def _normalize_axis(axis, ndim: int, func_name: str) -> int:
    """Return ``axis`` as a non-negative index, or raise naming the function.

    A 0-d input counts as one vector, so it accepts ``axis`` 0 and -1.
    """
    try:
        axis = operator.index(axis)
    except TypeError:
        raise TypeError(f"{func_name}() needs an integer axis; got {axis!r}") from None
    length = max(ndim, 1)
    if not -length <= axis < length:
        raise ValueError(
            f"{func_name}(): axis {axis} is out of range for input with ndim {ndim}"
        )
    return axis % length


def _prepare(x, axis, func_name: str):
    """Validate ``x`` and ``axis``; return the work array, its info and the axis."""
    work, info = real_input(x, func_name)
    axis = _normalize_axis(axis, 0 if info.zero_dim else work.ndim, func_name)
    return work, info, axis


def _by_blocks(kernel, inputs, axis: int, out_dtype) -> np.ndarray:
    """Apply a slice kernel to cache-sized blocks of slices.

    The slices (along ``axis``) of every array in ``inputs`` become the
    rows of 2-D arrays; ``kernel(*row_blocks, out_block)`` fills the
    corresponding rows of the result, which gets ``axis`` back in place.
    """
    moved = [np.moveaxis(a, axis, -1) for a in inputs]
    n = moved[0].shape[-1]
    rows = [m.reshape(-1, n) for m in moved]
    out = np.empty(moved[0].shape, out_dtype)
    out_rows = out.reshape(-1, n)
    step = max(1, _BLOCK_ELEMENTS // n)
    for start in range(0, out_rows.shape[0], step):
        block = slice(start, start + step)
        # NumPy sums the rows of a strided block (slices along a leading
        # axis) column after column, a sequential sum whose error grows
        # with n, but a strided row alone pairwise: contiguous copies keep a
        # slice's result independent of the slices batched with it.
        kernel(*(np.ascontiguousarray(r[block]) for r in rows), out_rows[block])
    return np.moveaxis(out, -1, axis)


def _resolve_infinite_slices(x, m):
    """Replace slices whose maximum is infinite by finite equivalents.

    A slice with one ``+inf`` becomes 0 there and ``-inf`` elsewhere (all
    the mass on it); a slice with several ``+inf`` or only ``-inf`` entries
    becomes NaN, since its limit depends on how the entries grow. Their
    maxima become 0. This is the rare path: it runs only when some slice
    has an infinite maximum.
    """
    several_top = np.count_nonzero(x == np.inf, axis=-1).reshape(m.shape) > 1
    top = (m == np.inf) & ~several_top
    undefined = (m == -np.inf) | several_top
    limit = np.where(x == np.inf, 0.0, -np.inf)
    x = np.where(top, limit, np.where(undefined, np.nan, x)).astype(x.dtype, copy=False)
    m = np.where(top | undefined, 0.0, m).astype(m.dtype, copy=False)
    return x, m


class _Exponentials(NamedTuple):
    """Exponentials of a block of slices (rows) and where each row peaks."""

    x: np.ndarray      # the rows, infinite slices resolved
    m: np.ndarray      # the maximum of each row, shape (rows, 1); None if not needed
    top: tuple         # (row, column) indices of one maximal entry per row; None if not needed
    e: np.ndarray      # float64 exp(x - c), one shift c per row (0 or m)
    e_top: np.ndarray  # e at the maximal entry; None if not needed


def _unshifted_rows(x, m) -> np.ndarray:
    """Rows (a bool mask) where exp(x) may be used without a shift (see _exponentials)."""
    low_max = _UNSHIFTED_MIN_MAX_FLOAT32 if x.dtype == np.float32 else 0.0
    bounded_below = x.min(axis=-1, keepdims=True) >= _UNSHIFTED_MIN
    return ((m <= _UNSHIFTED_MAX) & ((m >= low_max) | bounded_below))[:, 0]


def _shifted_exp(x, m):
    """float64 ``exp(x - m)`` for rows that need the shift."""
    if x.dtype == np.float32:
        e = np.subtract(x, m, dtype=np.float64)
        return np.exp(e, out=e)
    return _compensated_exp_shift(x, m)


def _shift_difference(x, m):
    """``x - m = hi + err`` exactly (Knuth's TwoSum), ``x`` first raised to a harmless floor.

    Any floor at or below m - 800 is harmless (exp underflows there); it
    must stay finite and keep ``x - m`` from overflowing. m - 800 itself
    would round to m for |m| > 2**62, hence 2m - 800 for negative m.
    """
    floor = np.where(
        m >= 0,
        -_FAR_BELOW,
        np.where(m >= -_HUGE, 2.0 * np.clip(m, -_HUGE, 0.0) - _FAR_BELOW,
                 -np.finfo(np.float64).max),
    )
    a = np.maximum(x, floor)
    hi = a - m
    # TwoSum of a and -m: err = (a - (hi - b_virtual)) + (-m - b_virtual).
    b_virtual = hi - a
    err = np.subtract(hi, b_virtual)
    np.subtract(a, err, out=err)
    np.add(b_virtual, m, out=b_virtual)
    np.subtract(err, b_virtual, out=err)
    return hi, err


def _compensated_exp_shift(x, m, offset=0.0):
    """float64 ``exp(x - m + offset)`` with the rounding error of ``x - m`` corrected.

    ``x - m`` is rounded when the exponents of ``x`` and ``m`` differ, and
    an absolute error ``delta`` in the argument is a relative error
    ``delta`` in the exponential: up to ``|x - m| * 2**-53``, i.e. hundreds
    of ULP for ``x - m`` near -700. Knuth's TwoSum recovers the exact
    rounding error ``err`` of the subtraction, and
    ``exp(hi + err) = exp(hi) * (1 + err)`` to within ``err**2``.

    Entries far below the maximum are first raised to a bound where
    ``exp`` underflows to 0 anyway (also after the ``offset`` of at most
    128 that :func:`_others` uses), so that TwoSum never meets an infinity
    and ``x - m`` never overflows. Adding ``offset`` is exact where it is
    used: for ``x - m <= -512``, and at the maximum.
    """
    hi, err = _shift_difference(x, m)
    if offset:
        hi += offset
    e = np.exp(hi, out=hi)
    np.multiply(err, e, out=err)
    return np.add(e, err, out=e)


def _exponentials(x, need_top: bool = True) -> _Exponentials:
    r"""Exponentials of a block of rows, scaled by one common factor per row.

    Softmax is invariant to a shift :math:`c` of its slice,
    :math:`s_i = e^{x_i - c} / \sum_j e^{x_j - c}`. The usual choice
    :math:`c = \max_j x_j` keeps ``exp`` from overflowing, but the
    subtraction rounds (see :func:`_compensated_exp_shift`), so it is used
    only when needed:

    * In a row whose entries all lie in :math:`[-700, 600]`, or whose
      maximum lies in :math:`[-600, 600]` (float32 input) or
      :math:`[0, 600]` (float64 input), ``exp(x)`` is computed directly in
      float64 from the exact input: nothing overflows, and exponentials
      that are subnormal cannot affect the result.
    * Other rows are shifted by their maximum: for float32 input the
      difference is formed in float64 (exact far below float32's
      precision); for float64 input with TwoSum compensation.

    With ``need_top=False`` the maxima are located only when the shift
    needs them.
    """
    lowest, highest = float(x.min()), float(x.max())
    bounded = lowest >= _UNSHIFTED_MIN and highest <= _UNSHIFTED_MAX   # False for NaN
    if bounded and not need_top:
        return _Exponentials(x, None, None, np.exp(x, dtype=np.float64), None)
    # Plain fancy indexing is several times cheaper than take_along_axis
    # on small blocks.
    top = (np.arange(x.shape[0]), np.argmax(x, axis=-1))
    m = x[top][:, None]
    if bounded:
        e = np.exp(x, dtype=np.float64)
    else:
        if not np.isfinite(m).all():
            x, m = _resolve_infinite_slices(x, m)
        # The choice is made row by row, so that a row's result does not
        # depend on the rows it is batched with.
        plain = _unshifted_rows(x, m)
        if plain.all():
            e = np.exp(x, dtype=np.float64)
        else:
            e = np.empty(x.shape, np.float64)
            e[plain] = np.exp(x[plain], dtype=np.float64)
            e[~plain] = _shifted_exp(x[~plain], m[~plain])
    return _Exponentials(x, m, top, e, e[top][:, None])


def _split_sums(e, scale):
    r"""Sums of the heads and of the tails of each row of ``e`` (entries in ``[0, scale]``).

    Each entry is split into a head on the grid :math:`q = 2^{k-29}`, where
    ``scale`` :math:`< 2^k`, and a tail :math:`|t| \le q/2`; both parts are
    exact. Heads are multiples of :math:`q` below :math:`2^{29} q`, so fewer
    than :math:`2^{24}` of them add without any rounding, and the tails'
    rounding errors are :math:`2^{-29}` times smaller than the sum: their
    sum plus the heads' sum is the row sum with a single rounding. (The
    plain pairwise sum can be a few ULP off, which would be the largest
    part of softmax's error in float64.) Also returns the per-row constant
    that rounds a number to the grid.
    """
    _, exponent = np.frexp(scale)
    magic = np.ldexp(1.5, exponent + 23)   # 1.5 * 2**52 * q: its ULP is q
    head = np.add(e, magic)
    head -= magic
    head_sum = head.sum(axis=-1, keepdims=True)
    tail = np.subtract(e, head, out=head)
    return head_sum, tail.sum(axis=-1, keepdims=True), magic


def _accurate_sum(e, scale) -> np.ndarray:
    """Sum each row of ``e`` (entries in ``[0, scale]``) with one final rounding."""
    head_sum, tail_sum, _ = _split_sums(e, scale)
    return head_sum + tail_sum


def _row_sum(ex: _Exponentials) -> np.ndarray:
    """Sum of each row's exponentials, shape (rows, 1).

    For float32 input the float64 sum is far more accurate than needed;
    for float64 input it is made exact to one rounding by
    :func:`_accurate_sum`.
    """
    if ex.x.dtype == np.float64:
        return _accurate_sum(ex.e, ex.e_top)
    return ex.e.sum(axis=-1, keepdims=True)


def _others(ex: _Exponentials):
    r"""Sum of each row's exponentials except the maximal entry, its ratio to it, and the total.

    Returns ``(others, ratio, total)``, each of shape (rows, 1), with
    :math:`\text{ratio} = \sum_{j \ne k} e^{x_j - x_k}`. Summing without the
    largest term, instead of subtracting it from the total, keeps every
    digit of the small remainder. In float64 ``others`` and ``total`` are
    each rounded once (see :func:`_split_sums`).

    When the ratio is below :math:`2^{-900}` (float64 input), the other
    exponentials may be subnormal, and a sum of :math:`n` subnormals can be
    off by :math:`n/2` units of the smallest subnormal: the ratio is then
    recomputed from :math:`e^{x_j - x_k + 128}`, which are normal numbers
    (such rows are rare: every other entry lies more than 620 below the
    maximum).
    """
    ex.e[ex.top] = 0.0
    if ex.x.dtype == np.float64:
        head_sum, tail_sum, magic = _split_sums(ex.e, ex.e_top)
        others = head_sum + tail_sum
        head_top = (ex.e_top + magic) - magic
        total = (head_sum + head_top) + (tail_sum + (ex.e_top - head_top))
        # On the grid of the maximal entry an exponential far below it is
        # all tail, and tails are summed plainly (a few ULP off): rows whose
        # tails may be more than 2**-12 of the others' sum (n tails of at
        # most 2**-29 e_top each) are summed again on their own grid.
        low = np.flatnonzero(others[:, 0] < ex.e_top[:, 0] * (ex.e.shape[1] * 2.0 ** -17))
        if low.size:
            rest = ex.e[low]
            others[low] = _accurate_sum(rest, rest.max(axis=-1, keepdims=True))
    else:
        others = ex.e.sum(axis=-1, keepdims=True)
        total = others + ex.e_top
    ex.e[ex.top] = ex.e_top[:, 0]
    ratio = others / ex.e_top
    if ex.x.dtype == np.float64:
        tiny = np.flatnonzero(ratio[:, 0] < _TINY_RATIO)
        if tiny.size:
            ratio[tiny] = _rescaled_ratio(ex.x[tiny], ex.m[tiny], ex.top[1][tiny])
    return others, ratio, total


def _rescaled_ratio(x, m, top_columns):
    r""":math:`\sum_{j \ne k} e^{x_j - m}` of rows whose terms are all below :math:`2^{-900}`."""
    e = _compensated_exp_shift(x, m, offset=_RESCALE)
    top = (np.arange(x.shape[0]), top_columns)
    e_top = e[top][:, None]   # exp(128)
    e[top] = 0.0
    return _accurate_sum(e, e.max(axis=-1, keepdims=True)) / e_top


def _divide_rows(e, total, out, single_rounding: bool):
    """``e / total`` into ``out``.

    float32 results multiply by the reciprocal instead: the extra rounding
    is :math:`2^{-29}` of a float32 ULP, and a float64 multiplication is
    several times cheaper than a division.
    """
    if single_rounding:
        return np.divide(e, total, out=out, casting="same_kind")
    return np.multiply(e, 1.0 / total, out=out, casting="same_kind")


def _probabilities_and_complements(ex: _Exponentials):
    r"""float64 ``s`` and ``1 - s`` without cancellation (``s`` overwrites ``ex.e``).

    Only the maximal entry of a row can have :math:`s_i > 1/2`; its
    complement is the sum of the other entries over the total. For every
    other entry :math:`s_i \le 1/2`, so ``1 - s`` loses nothing.
    """
    others, ratio, total = _others(ex)
    s = _divide_rows(ex.e, total, ex.e, ex.x.dtype == np.float64)
    complement = np.subtract(1.0, s)
    # For a tiny ratio r, r / (1 + r) = r to far more than float64 precision.
    complement_top = np.where(ratio < _TINY_RATIO, ratio, others / total)[:, 0]
    complement[ex.top] = complement_top
    # A dominant share is also better as 1 - (its complement): the
    # complement's error shrinks by the factor complement / share < 1, and
    # the exponential of the maximal entry drops out.
    s[ex.top] = np.where(complement_top < 0.5, 1.0 - complement_top, s[ex.top])
    return s, complement


def _softmax_rows(x, out):
    ex = _exponentials(x, need_top=x.dtype == np.float64)
    _divide_rows(ex.e, _row_sum(ex), out, x.dtype == np.float64)


def _softmax_grad_rows(x, out):
    s, complement = _probabilities_and_complements(_exponentials(x))
    np.multiply(s, complement, out=out, casting="same_kind")


def _log_softmax_rows(x, out):
    ex = _exponentials(x)
    log_total = np.log1p(_others(ex)[1]).astype(x.dtype)
    # Both terms are <= 0, so their difference cannot cancel and each may
    # be rounded to the work dtype first: at most 1.5 ULP in all, and no
    # float64 temporary for float32 input.
    if out.dtype == x.dtype:
        np.subtract(ex.x, ex.m, out=out)
        out -= log_total
    else:   # float16 results
        np.subtract(np.subtract(ex.x, ex.m), log_total, out=out, casting="same_kind")


def _tangent_rows(x, v, out):
    ex = _exponentials(x)
    s = _divide_rows(ex.e, _row_sum(ex), ex.e, ex.x.dtype == np.float64)
    # Anchoring the direction at the maximal entry (w = v - v_k) leaves
    # J v unchanged, since the rows of J sum to 0, and turns the
    # dominant entry's v_k - <s, v> into -<s, w> without cancellation.
    w = v.astype(np.float64)
    w -= w[ex.top][:, None]
    w -= np.sum(s * w, axis=-1, keepdims=True)
    np.multiply(s, w, out=out, casting="same_kind")


def _empty_like(work, info):
    return restore(np.empty(work.shape, info.dtype), info)


def softmax(x, axis=-1):
    r"""Softmax along ``axis``.

    .. math:: \operatorname{softmax}(\mathbf{x})_i = \frac{e^{x_i}}{\sum_j e^{x_j}}
              = \frac{e^{x_i - c}}{\sum_j e^{x_j - c}} \quad \text{for any } c

    Parameters
    ----------
    x : array_like
        Real logits of any shape; integers and bools become float64.
    axis : int
        The axis along which each vector lies (default the last).

    Returns
    -------
    numpy.ndarray or numpy scalar
        Probabilities in :math:`[0, 1]` summing to 1 along ``axis``, with
        the dtype and shape of ``x``; a scalar 1.0 for 0-d input.

    Raises
    ------
    ValueError
        If ``axis`` is out of range for ``x``.
    TypeError
        For non-real input or a non-integer ``axis``.

    Notes
    -----
    The textbook formula overflows (``inf/inf = NaN``) as soon as one logit
    exceeds 709.8 (float64) or 88.7 (float32), and gives ``0/0`` when every
    logit is below about -745. Shift invariance (the identity above) cures
    both: with :math:`c = \max_j x_j` the largest exponential is 1 and none
    overflows (Bridle 1990, ``bridle1990probabilistic``). The shift itself
    rounds, however, and a rounding error :math:`\delta` in :math:`x_i - c`
    is a relative error :math:`\delta` in :math:`e^{x_i - c}`: for
    :math:`x_i - c \approx -700` that is hundreds of ULP. So the kernel
    exponentiates the exact input without a shift whenever that can
    neither overflow nor lose precision (every entry of the slice in
    :math:`[-700, 600]`, or its maximum in :math:`[-600, 600]` for float32
    input, :math:`[0, 600]` for float64), and otherwise shifts by the
    maximum: in float64 for float32 input, and with Knuth's TwoSum error
    compensation for float64 input (Higham 2002, section 4.3,
    ``higham2002accuracy``). In float64 the sum of the exponentials is
    also made exact to one rounding. The result is within a few ULP of the
    true value for every input, including logits of :math:`\pm 10^{300}`.

    The slices are processed in blocks of about 32 000 elements so that
    the float64 intermediates stay in the CPU cache; on 10^7 float32
    elements this runs about as fast as the naive formula.

    Limits: a slice with one ``+inf`` puts all its mass there; a slice
    with several ``+inf`` or only ``-inf`` entries has no limit and gives
    NaN; a NaN makes its slice NaN.

    Examples
    --------
    >>> softmax([1.0, 2.0, 3.0])
    array([0.09003057, 0.24472847, 0.66524096])
    >>> softmax([1000.0, 1000.0])          # the naive formula gives NaN
    array([0.5, 0.5])
    >>> softmax([[0.0, -np.inf], [np.inf, 1.0]])
    array([[1., 0.],
           [1., 0.]])
    >>> float(softmax(3.0))
    1.0
    """
    work, info, axis = _prepare(x, axis, "softmax")
    if work.size == 0:
        return _empty_like(work, info)
    return restore(_by_blocks(_softmax_rows, [work], axis, info.dtype), info)


class _Running(NamedTuple):
    """The state the online recurrence carries from block to block, per row (shape (rows, 1))."""

    m: np.ndarray      # the largest finite or -inf entry so far (float64)
    s: np.ndarray      # sum of exp(x_j - m) over the entries so far: s + s_low, double-double
    s_low: np.ndarray
    plus: np.ndarray   # how many +inf entries so far
    nan: np.ndarray    # whether a NaN was seen


def _finite_part(block):
    """float64 copy of ``block`` with NaN and +inf set to -inf (they are counted separately)."""
    clean = block.astype(np.float64)
    clean[np.isnan(clean) | (clean == np.inf)] = -np.inf
    return clean


def _two_sum(a, b):
    """``a + b = s + err`` exactly (Knuth's TwoSum)."""
    s = a + b
    b_virtual = s - a
    return s, (a - (s - b_virtual)) + (b - b_virtual)


def _scaled(hi, lo, factor):
    """``(hi + lo) * factor`` as a double-double: the leading product is split exactly (Dekker)."""
    product = hi * factor
    return product, two_product_low(split(hi), split(factor), product) + lo * factor


def _rescaled_sum(state: _Running, m):
    r"""The running sum times :math:`e^{d}`, :math:`d = m_{k-1} - m_k \le 0`, as a double-double.

    The factor's own rounding is the one error that the recurrence repeats
    at every step, so it is kept small relative to what it changes: for
    :math:`d \ge -\ln 2` the update is :math:`s + s\,(e^{d} - 1)` with
    ``expm1``, whose error is a fraction of :math:`1 - e^{d}`; summed over
    the steps these fractions telescope to at most :math:`1 - e^{m_0 - m}`,
    one rounding in all. For :math:`d < -\ln 2` the factor is :math:`e^{d}`
    (one rounding), and the old sum is at least halved, so those errors
    form a geometric series. The rounding error of :math:`d` itself (from
    TwoSum) enters to first order, :math:`e^{d + \delta} = e^{d}(1 + \delta)`.
    """
    d, d_err = _shift_difference(state.m, m)
    near = d >= -_LN2
    with np.errstate(under="ignore"):
        grow = np.expm1(np.where(near, d, 0.0))
        grow += d_err * (1.0 + grow)
        added, added_low = _scaled(state.s, state.s_low, grow)
        near_hi, near_low = _two_sum(state.s, added)
        near_low += state.s_low + added_low
        factor = np.exp(np.where(near, -1.0, d))
        far_hi, far_low = _scaled(state.s, state.s_low, factor)
        far_low += far_hi * d_err
    return np.where(near, near_hi, far_hi), np.where(near, near_low, far_low)


def _online_step(state: _Running, block) -> _Running:
    r"""One step of the recurrence: fold a block of entries (rows, k) into the running state.

    .. math:: m' = \max\bigl(m, \max_j x_j\bigr), \qquad
              s' = s\,e^{m - m'} + \sum_j e^{x_j - m'}

    The running sum is carried as a double-double (:func:`_rescaled_sum`),
    every difference :math:`x_j - m'` is exponentiated with TwoSum
    compensation (:func:`_compensated_exp_shift`) and the block's sum is
    exact but for its tails (:func:`_split_sums`). A row whose entries so far are
    all ``-inf`` keeps :math:`m = -\infty`, :math:`s = 0` (the shift 0
    there makes every term 0 without computing :math:`-\infty - (-\infty)`).
    """
    block = np.asarray(block)
    nan = state.nan | np.isnan(block).any(axis=-1, keepdims=True)
    plus = state.plus + np.count_nonzero(block == np.inf, axis=-1, keepdims=True)
    clean = _finite_part(block)
    m = np.maximum(state.m, clean.max(axis=-1, keepdims=True))
    shift = np.where(m > -np.inf, m, 0.0)
    s, s_low = _rescaled_sum(state, shift)
    heads, tails, _ = _split_sums(_compensated_exp_shift(clean, shift), 1.0)
    s, err = _two_sum(s, heads)
    s, s_low = _two_sum(s, s_low + err + tails)
    return _Running(m, s, s_low, plus, nan)


def _online_normalizer(blocks, rows: int) -> _Running:
    """Run the recurrence over an iterable of blocks, each seen once and in order.

    ``blocks`` may be a generator: nothing is read twice and nothing ahead,
    which is what lets attention kernels stream keys through fast memory.
    """
    state = _Running(np.full((rows, 1), -np.inf), np.zeros((rows, 1)), np.zeros((rows, 1)),
                     np.zeros((rows, 1), np.int64), np.zeros((rows, 1), bool))
    for block in blocks:
        state = _online_step(state, block)
    return state


def _check_block(block, func_name: str) -> int:
    if isinstance(block, (bool, np.bool_)):
        raise TypeError(f"{func_name}() needs an integer block length; got {block!r}")
    try:
        block = operator.index(block)
    except TypeError:
        raise TypeError(f"{func_name}() needs an integer block length; got {block!r}") from None
    if block < 1:
        raise ValueError(f"{func_name}(): block must be a positive number of entries; "
                         f"got {block}")
    return block


def _online_output(state: _Running, block, out):
    """The second pass: ``exp(x - m) / s`` for one block, with the limits of softmax."""
    shift = np.where(state.m > -np.inf, state.m, 0.0)
    probabilities = _compensated_exp_shift(_finite_part(block), shift)
    # s = 0 only in rows of -inf and +inf entries, which the limits below decide.
    probabilities /= np.where(state.s > 0, state.s, 1.0)
    # As softmax: one +inf takes all the mass; several +inf, only -inf, or a NaN: no limit.
    one_top = (state.plus == 1) & ~state.nan
    undefined = state.nan | (state.plus > 1) | ((state.plus == 0) & (state.m == -np.inf))
    probabilities = np.where(one_top, (block == np.inf).astype(np.float64), probabilities)
    probabilities[np.broadcast_to(undefined, probabilities.shape)] = np.nan
    out[...] = probabilities


def online_softmax(x, axis=-1, block=256):
    r"""Softmax along ``axis`` by the one-pass online normaliser, as attention kernels compute it.

    The normaliser is accumulated in a single pass over the entries, in
    blocks of ``block`` entries along ``axis``, keeping per slice only a
    running maximum :math:`m` and a running sum :math:`s`. With
    :math:`m_0 = -\infty,\ s_0 = 0` and the :math:`k`-th block
    :math:`B_k`:

    .. math::

        m_k = \max\Bigl(m_{k-1}, \max_{j \in B_k} x_j\Bigr), \qquad
        s_k = s_{k-1}\, e^{m_{k-1} - m_k} + \sum_{j \in B_k} e^{x_j - m_k},

    so that after the last block :math:`s = \sum_j e^{x_j - m}` with
    :math:`m = \max_j x_j`, and
    :math:`\operatorname{softmax}(\mathbf{x})_i = e^{x_i - m} / s`.

    Parameters
    ----------
    x : array_like
        Real logits of any shape; integers and bools become float64.
    axis : int
        The axis along which each vector lies (default the last).
    block : int, default 256
        How many entries along ``axis`` each step of the recurrence reads
        (any positive integer; a block longer than the axis is one step).

    Returns
    -------
    numpy.ndarray or numpy scalar
        The same probabilities as :func:`softmax` (within its accuracy
        target), with the dtype and shape of ``x``.

    Raises
    ------
    ValueError
        If ``block < 1`` or ``axis`` is out of range.
    TypeError
        For non-real input, a non-integer ``axis`` or ``block``.

    Notes
    -----
    Milakov and Gimelshein (2018, ``milakov2018online``) derived the
    recurrence: the classic safe softmax reads its input three times (the
    maximum, the sum, the output), the online one twice, because the sum is
    rescaled by :math:`e^{m_{k-1} - m_k}` whenever the maximum grows instead
    of waiting for the final maximum. Memory-efficient attention (Rabe and
    Staats 2021, ``rabe2021selfattention``; FlashAttention kernels work the
    same way) applies the same rescaling to the weighted sum of the values,
    so one pass over the keys suffices. Here, as in
    :func:`softmax`, every difference :math:`x_j - m` is exponentiated with
    TwoSum compensation, sums of a block are rounded once, and everything
    is computed in float64 and rounded once to the input's dtype.

    Limits are those of :func:`softmax`, entry for entry: a slice with one
    ``+inf`` puts all its mass there; a slice with several ``+inf``, any
    NaN, or only ``-inf`` entries gives NaN. A ``-inf`` next to a finite
    entry is a mask (probability 0).

    A fully masked row is NaN here because :math:`0/0` has no value. The
    frameworks avoid it by not writing ``-inf`` at all: Hugging Face
    transformers builds its additive attention masks from
    ``torch.finfo(dtype).min`` (``eager_mask`` in
    ``transformers/masking_utils.py``), a finite logit, so that a row
    masked everywhere holds equal logits and comes out uniform (:math:`1/n`
    each) rather than NaN; ``jax.nn.softmax`` takes a ``where=`` argument
    and gives 0 to every masked-out entry. Fused kernels built on this
    recurrence can still turn a fully masked row into NaN even with a
    finite mask (PyTorch issue 110213, on ``scaled_dot_product_attention``);
    in this package pass finite masks (``np.finfo(dtype).min``) if a fully
    masked row must stay a number: both :func:`softmax` and this function
    then give the same uniform row.

    Examples
    --------
    >>> online_softmax([1.0, 2.0, 3.0], block=1)
    array([0.09003057, 0.24472847, 0.66524096])
    >>> x = np.array([[0.5, -np.inf, 3.0, 1000.0, -2.0]])
    >>> bool(np.array_equal(online_softmax(x, block=2), softmax(x)))
    True
    >>> online_softmax([-np.inf, -np.inf])                # no limit, as softmax
    array([nan, nan])
    >>> online_softmax(np.full(2, np.finfo(np.float64).min))    # a finite mask
    array([0.5, 0.5])
    >>> online_softmax([1.0, 2.0], block=0)
    Traceback (most recent call last):
    ...
    ValueError: online_softmax(): block must be a positive number of entries; got 0
    """
    work, info, axis = _prepare(x, axis, "online_softmax")
    block = _check_block(block, "online_softmax")
    if work.size == 0:
        return _empty_like(work, info)
    moved = np.moveaxis(work, axis, -1)
    n = moved.shape[-1]
    rows = moved.reshape(-1, n)
    starts = range(0, n, block)
    state = _online_normalizer((rows[:, i:i + block] for i in starts), rows.shape[0])
    out = np.empty(rows.shape, info.dtype)
    for i in starts:
        _online_output(state, rows[:, i:i + block], out[:, i:i + block])
    return restore(np.moveaxis(out.reshape(moved.shape), -1, axis), info)


def softmax_grad(x, axis=-1):
    r"""Diagonal of the softmax Jacobian, :math:`\partial s_i / \partial x_i`.

    .. math:: \frac{\partial s_i}{\partial x_i} = s_i (1 - s_i),
              \qquad 1 - s_i = \frac{\sum_{j \ne i} e^{x_j}}{\sum_j e^{x_j}}

    Parameters
    ----------
    x : array_like
        Real logits of any shape.
    axis : int
        The axis along which each vector lies (default the last).

    Returns
    -------
    numpy.ndarray or numpy scalar
        Values in :math:`[0, 1/4]` with the dtype and shape of ``x``; 0.0
        for 0-d input (a one-entry softmax is constant).

    Notes
    -----
    The off-diagonal entries :math:`-s_i s_j` are in :func:`softmax_jacobian`;
    for backpropagation use :func:`softmax_vjp`, which needs the whole
    Jacobian's action, not just its diagonal.

    When one logit dominates, :math:`s_i` rounds to 1 and the textbook
    ``s * (1 - s)`` returns 0, while the true value is about the sum of the
    other probabilities. Only the maximal entry of a slice can have
    :math:`s_i > 1/2`, so its complement is computed as the sum of the other
    exponentials over the total (and its share, when above 1/2, as one
    minus that complement), and every other complement as ``1 - s``,
    which cannot cancel. In float64 the sums are exact to one rounding.

    Examples
    --------
    >>> softmax_grad([0.0, 0.0])
    array([0.25, 0.25])
    >>> softmax_grad([0.0, -50.0])         # s * (1 - s) gives [0, 1.9e-22]
    array([1.92874985e-22, 1.92874985e-22])
    """
    work, info, axis = _prepare(x, axis, "softmax_grad")
    if work.size == 0:
        return _empty_like(work, info)
    return restore(_by_blocks(_softmax_grad_rows, [work], axis, info.dtype), info)


def log_softmax(x, axis=-1):
    r"""Logarithm of the softmax along ``axis``.

    .. math:: \log \operatorname{softmax}(\mathbf{x})_i
              = (x_i - m) - \log\Bigl(1 + \sum_{j \ne k} e^{x_j - m}\Bigr),
              \qquad m = x_k = \max_j x_j

    Parameters
    ----------
    x : array_like
        Real logits of any shape.
    axis : int
        The axis along which each vector lies (default the last).

    Returns
    -------
    numpy.ndarray or numpy scalar
        Values :math:`\le 0` with the dtype and shape of ``x``; 0.0 for 0-d
        input. ``-inf`` only where the true value is below the dtype's
        range (or the entry is ``-inf``).

    Notes
    -----
    ``log(softmax(x))`` returns ``-inf`` (with a warning) wherever a
    probability underflows, although the true value is an ordinary number
    such as -800. The form above is computed instead. Both of its terms
    are :math:`\le 0`, so their difference cannot cancel; the logarithm is
    taken with ``log1p`` of the sum of the *other* exponentials, so the
    dominant entry's value :math:`\approx -\sum_{j \ne k} e^{x_j - m}` keeps
    full relative accuracy even when it is :math:`10^{-300}`. A slice with
    one ``+inf`` gives 0 there and ``-inf`` elsewhere.

    Examples
    --------
    >>> log_softmax([0.0, -800.0])         # log(softmax) gives [0, -inf]
    array([   0., -800.])
    >>> float(log_softmax([0.0, -40.0])[0])
    -4.248354255291589e-18
    """
    work, info, axis = _prepare(x, axis, "log_softmax")
    if work.size == 0:
        return _empty_like(work, info)
    # A true value below the dtype's range rounds to -inf, the correct
    # result; the overflow flag it raises on the way is not an error.
    with np.errstate(over="ignore"):
        return restore(_by_blocks(_log_softmax_rows, [work], axis, info.dtype), info)


def _tangent(x, v, axis, func_name: str, what: str):
    r"""Shared kernel of :func:`softmax_jvp` and :func:`softmax_vjp` (J is symmetric)."""
    work, info, axis = _prepare(x, axis, func_name)
    direction, direction_info = real_input(v, func_name, what)
    if direction.shape != work.shape or direction_info.zero_dim != info.zero_dim:
        raise ValueError(
            f"{func_name}(): {what} of shape {np.shape(v)} does not match the input's "
            f"shape {np.shape(x)}"
        )
    out_info = InputInfo(np.result_type(info.dtype, direction_info.dtype), info.zero_dim)
    if work.size == 0:
        return restore(np.empty(work.shape, out_info.dtype), out_info)
    # The JVP is linear in v: scaling by a power of two keeps v - v_k
    # finite for |v| near the overflow threshold. Only the slices that hold
    # such a tangent are scaled, whatever the others hold: dividing by 4
    # rounds subnormal tangents, and a slice's result must not depend on
    # the slices batched with it. An infinite or NaN tangent has no
    # meaningful product: it gives inf/NaN in its slice, quietly.
    magnitude = np.max(np.abs(direction), axis=axis, keepdims=True)   # NaN for a NaN slice
    finite = bool(np.isfinite(magnitude).all())
    large = magnitude > _LARGE_TANGENT
    scale = None
    if large.any():
        scale = np.where(large, 4.0, 1.0)
        direction = direction / scale
    with np.errstate(invalid="ignore") if not finite else contextlib.nullcontext():
        result = _by_blocks(_tangent_rows, [work, direction], axis, out_info.dtype)
    if scale is not None:
        result *= scale
    return restore(result, out_info)


def softmax_jvp(x, v, axis=-1):
    r"""Jacobian-vector product :math:`J \mathbf{v}` of the softmax, without forming :math:`J`.

    .. math:: (J\mathbf{v})_i = s_i \Bigl(v_i - \sum_j s_j v_j\Bigr),
              \qquad J = \operatorname{diag}(\mathbf{s}) - \mathbf{s}\mathbf{s}^\top

    Parameters
    ----------
    x : array_like
        Real logits of any shape.
    v : array_like
        Tangent of the same shape as ``x``.
    axis : int
        The axis along which each vector lies (default the last).

    Returns
    -------
    numpy.ndarray or numpy scalar
        :math:`J\mathbf{v}` slice by slice, shape of ``x``; dtype the
        promotion of the two inputs' dtypes.

    Raises
    ------
    ValueError
        If the shapes differ or ``axis`` is out of range.

    Notes
    -----
    This costs :math:`O(n)` per slice instead of the :math:`O(n^2)` of a
    matrix product. ``v`` is first re-anchored at the maximal entry
    :math:`k` (:math:`w = v - v_k`, which changes nothing since each row of
    :math:`J` sums to 0): when :math:`s_k \approx 1` the difference
    :math:`v_k - \sum_j s_j v_j` would otherwise cancel, and it equals
    :math:`-\sum_{j \ne k} s_j w_j` exactly.

    The error is a few machine epsilons times
    :math:`s_i (|w_i| + \sum_j s_j |w_j|)` (float64 input; float32 input is
    computed in float64 and rounded once). Where :math:`v_i` is close to
    :math:`\sum_j s_j v_j` the result is a small difference of larger
    terms, so its *relative* error can exceed a few ULP there: the product
    itself is ill-conditioned in that region.

    Examples
    --------
    >>> x = np.array([1.0, 2.0, 3.0]); v = np.array([1.0, 0.0, -1.0])
    >>> bool(np.allclose(softmax_jvp(x, v), softmax_jacobian(x) @ v))
    True
    """
    return _tangent(x, v, axis, "softmax_jvp", "tangent 'v'")


def softmax_vjp(x, g, axis=-1):
    r"""Vector-Jacobian product :math:`\mathbf{g}^\top J` of the softmax (backpropagation).

    .. math:: (\mathbf{g}^\top J)_i = s_i \Bigl(g_i - \sum_j s_j g_j\Bigr)

    The softmax Jacobian is symmetric, so this equals :func:`softmax_jvp`
    with ``g``; it exists under its own name because backpropagation
    (reverse mode) asks for this product: ``g`` is the upstream gradient
    :math:`\partial L / \partial \mathbf{s}` and the result is
    :math:`\partial L / \partial \mathbf{x}`.

    Parameters
    ----------
    x : array_like
        Real logits of any shape.
    g : array_like
        Upstream gradient, same shape as ``x``.
    axis : int
        The axis along which each vector lies (default the last).

    Returns
    -------
    numpy.ndarray or numpy scalar
        :math:`\partial L / \partial \mathbf{x}`, shape of ``x``.

    Examples
    --------
    >>> x = np.array([[0.0, 1.0], [2.0, 2.0]])
    >>> softmax_vjp(x, [[1.0, 0.0], [0.0, 1.0]])
    array([[ 0.19661193, -0.19661193],
           [-0.25      ,  0.25      ]])
    """
    return _tangent(x, g, axis, "softmax_vjp", "upstream gradient 'g'")


def softmax_jacobian(x):
    r"""The full softmax Jacobian over the last axis, for small vectors.

    .. math:: J_{ij} = \frac{\partial s_i}{\partial x_j}
              = s_i(\delta_{ij} - s_j), \qquad
              J = \operatorname{diag}(\mathbf{s}) - \mathbf{s}\mathbf{s}^\top

    Parameters
    ----------
    x : array_like
        Real logits of shape ``(..., n)``.

    Returns
    -------
    numpy.ndarray or numpy scalar
        Shape ``(..., n, n)``, symmetric, each row summing to 0; the dtype
        of ``x``. For 0-d input the scalar derivative 0.0.

    Notes
    -----
    Building :math:`J` costs :math:`O(n^2)` memory per vector: use
    :func:`softmax_vjp` or :func:`softmax_jvp` in computations. The diagonal
    is :func:`softmax_grad`'s accurate :math:`s_i(1 - s_i)`.

    Examples
    --------
    >>> softmax_jacobian([0.0, 0.0])
    array([[ 0.25, -0.25],
           [-0.25,  0.25]])
    >>> softmax_jacobian(np.zeros((4, 3))).shape
    (4, 3, 3)
    """
    work, info, _ = _prepare(x, -1, "softmax_jacobian")
    n = work.shape[-1]
    if info.zero_dim:
        return restore(np.zeros(1, work.dtype), info)
    jacobian = np.empty((work.size // n if n else 0, n, n), np.float64)
    if work.size:
        s, complement = _probabilities_and_complements(_exponentials(work.reshape(-1, n)))
        np.multiply(s[:, :, None], s[:, None, :], out=jacobian)
        np.negative(jacobian, out=jacobian)
        diagonal = jacobian.reshape(-1, n * n)[:, :: n + 1]
        diagonal[...] = s * complement
    return restore(jacobian.reshape(work.shape + (n,)), info)


def softmax_expr(xs):
    r"""SymPy form of the softmax of the symbols ``xs``, a column ``sp.Matrix``.

    ``xs`` may be a sequence of symbols (or a SymPy matrix of them); a
    single symbol is a vector of one entry, whose softmax is
    :math:`e^{x}/e^{x} = 1`.

    Examples
    --------
    >>> import sympy as sp
    >>> x1, x2 = sp.symbols("x1 x2")
    >>> s = softmax_expr([x1, x2])
    >>> s
    Matrix([
    [exp(x1)/(exp(x1) + exp(x2))],
    [exp(x2)/(exp(x1) + exp(x2))]])
    >>> J = s.jacobian([x1, x2])
    >>> sp.simplify(J - (sp.diag(*s) - s * s.T))
    Matrix([
    [0, 0],
    [0, 0]])
    """
    if isinstance(xs, sp.Basic) and not isinstance(xs, sp.MatrixBase):
        xs = [xs]
    exponentials = [sp.exp(x) for x in xs]
    total = sp.Add(*exponentials)
    return sp.Matrix([e / total for e in exponentials])


SOFTMAX = Activation(
    name="softmax",
    zh_name="Softmax（归一化指数函数）",
    fn=softmax,
    grad=softmax_grad,
    expr=softmax_expr,
    latex=r"\operatorname{softmax}(\mathbf{x})_i = \frac{e^{x_i}}{\sum_j e^{x_j}}",
    properties=Properties(
        output_range=(0.0, 1.0),
        monotonic=True,        # each s_i increases with its own x_i: ds_i/dx_i = s_i(1-s_i) >= 0
        zero_centered=False,
        smoothness=math.inf,
        saturates="both",
    ),
    kink_convention="smooth everywhere; grad is the Jacobian diagonal s_i(1 - s_i)",
    references=("bridle1990probabilistic", "higham2002accuracy"),
    vector=True,
)
