r"""Self-checks that the book's exercises call.

A chapter's exercise cell tagged ``check`` calls one of these functions on
the reader's answer. A right answer prints a short confirmation; a wrong
one raises :class:`AssertionError` with a message in Chinese and English
that names the worst input, so the reader knows where to look (and
nbgrader counts the cell as failed).

* :func:`check_function` -- values against a trusted reference, in ULPs,
  for each dtype, with no floating-point warning allowed;
* :func:`check_derivative` -- a derivative against central differences;
* :func:`check_expr_equal` -- a SymPy expression against the right one;
* :func:`check_close` -- numbers (an inflection point, a measured rate).

>>> import numpy as np
>>> err = check_function(lambda x: -np.logaddexp(0, -x), lambda x: -np.logaddexp(0, -x),
...                      [-1.0, 0.0, 1.0], name="log_sigmoid", verbose=False)
>>> err
0.0
"""

from __future__ import annotations

import warnings
from typing import Callable, Sequence

import numpy as np
import sympy as sp

from . import reference

__all__ = ["check_function", "check_derivative", "check_expr_equal", "check_close"]


def _fail(name: str, zh: str, en: str) -> AssertionError:
    return AssertionError(f"✗ {name}: {zh}\n  {en}")


def _passed(name: str, zh: str, en: str) -> None:
    print(f"✓ {name}: {zh} / {en}")


def _strict_call(fn: Callable, x: np.ndarray, name: str):
    """Call ``fn(x)`` turning any floating-point warning into AssertionError.

    Underflow is ignored, as under NumPy's default error state: rounding a
    tiny result to zero or a subnormal is the correct answer, not an error.
    """
    def call(arg):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
                return fn(arg)

    try:
        return call(x)
    except (FloatingPointError, RuntimeWarning) as exc:
        # Find the first input that warns on its own, to show the reader where.
        for value in x.reshape(-1):
            problem = _warning_of(call, x.dtype.type(value))
            if problem is not None:
                where = f"x = {value!r}"
                break
        else:
            where, problem = f"dtype {x.dtype}", exc
        raise _fail(name, f"出现浮点警告（{where}）：{problem}",
                    f"floating-point warning at {where}: {problem}") from exc


def _warning_of(call, value):
    """The warning ``call`` raises on a one-element array of ``value``, or None."""
    try:
        call(np.asarray([value]))
    except (FloatingPointError, RuntimeWarning) as exc:
        return exc
    return None


def check_function(student: Callable, expected: Callable, points, *, ulp: float = 4.0,
                   dtypes: Sequence = (np.float64,), name: str | None = None,
                   check_dtype: bool = True, verbose: bool = True) -> float:
    r"""Check a vectorised function against a trusted one, in ULPs.

    For each dtype the points are cast to it, ``student`` is called on
    them and ``expected`` on the same values in float64 (or better); the
    error is measured by :func:`activations.reference.ulp_error` in units
    of the last place of that dtype.

    Parameters
    ----------
    student : callable
        The reader's function, called on an array.
    expected : callable
        A trusted implementation, called on the float64 points.
    points : array_like
        Inputs to test; include the tails (e.g. ``-1000``, ``1000``) and
        ``inf`` where the function has a limit.
    ulp : float
        Largest error allowed, in ULPs.
    dtypes : sequence of dtype
        Dtypes to test (``float64``, ``float32``).
    name : str, optional
        Name used in messages (default: ``student.__name__``).
    check_dtype : bool
        Require the result to keep the input's dtype.
    verbose : bool
        Print a line when the check passes.

    Returns
    -------
    float
        The largest error found, in ULPs.

    Raises
    ------
    AssertionError
        On a floating-point warning, a wrong shape or dtype, or an error
        above ``ulp``; the message shows the worst input.
    """
    name = name or getattr(student, "__name__", "your function")
    points = np.asarray(points, dtype=np.float64)
    if points.size == 0:
        raise ValueError("check_function() needs at least one point")
    worst = 0.0
    for dtype in map(np.dtype, dtypes):
        x = points.astype(dtype)
        got = np.asarray(_strict_call(student, x, name))
        if got.shape != x.shape:
            raise _fail(name, f"输出形状 {got.shape} 与输入形状 {x.shape} 不同",
                        f"output shape {got.shape} differs from input shape {x.shape}")
        if check_dtype and got.dtype != dtype:
            raise _fail(name, f"输入为 {dtype} 时输出为 {got.dtype}，应保持输入的 dtype",
                        f"returned {got.dtype} for {dtype} input; keep the input's dtype")
        # The trusted function's own warnings (NaN in logaddexp, say) are not the reader's.
        with np.errstate(all="ignore"):
            exact = np.asarray(expected(x.astype(np.float64)))
        errors = reference.ulp_error(got, exact, dtype)
        i = int(np.argmax(errors))
        if errors[i] > ulp:
            raise _fail(
                name,
                f"在 x = {x[i]!r}（{dtype}）处得到 {got[i]!r}，应为 {exact[i]!r}，"
                f"误差 {errors[i]:.3g} ULP，超过允许的 {ulp:g} ULP",
                f"at x = {x[i]!r} ({dtype}) got {got[i]!r}, expected {exact[i]!r}: "
                f"error {errors[i]:.3g} ULP > {ulp:g} ULP allowed")
        worst = max(worst, float(errors.max(initial=0.0)))
    if verbose:
        _passed(name, f"全部 {points.size} 个点通过，最大误差 {worst:.3g} ULP",
                f"all {points.size} points pass, max error {worst:.3g} ULP")
    return worst


def check_derivative(fn: Callable, grad: Callable, points, *, rtol: float = 1e-6,
                     atol: float = 1e-9, name: str | None = None, verbose: bool = True) -> float:
    r"""Check ``grad`` against central differences of ``fn`` in float64.

    .. math:: f'(x) \approx \frac{f(x+h) - f(x-h)}{2h},
              \qquad h = \epsilon^{1/3} \max(1, |x|)

    whose error is :math:`O(h^2 f''') + O(\epsilon f / h)`, about
    :math:`10^{-10}` relative for smooth functions of moderate size.

    Parameters
    ----------
    fn, grad : callable
        A function and its claimed derivative, called on float64 arrays.
    points : array_like
        Finite points away from kinks.
    rtol, atol : float
        Passing requires :math:`|g - d| \le \mathrm{rtol}\,|d| + \mathrm{atol}`.
    name : str, optional
        Name used in messages (default: ``grad.__name__``).
    verbose : bool
        Print a line when the check passes.

    Returns
    -------
    float
        The largest :math:`|g - d| / (\mathrm{rtol}\,|d| + \mathrm{atol})`
        (below 1 when passing).

    Raises
    ------
    AssertionError
        Where the derivative is off, NaN or infinite, or where the
        differences cannot confirm it (``fn`` gives NaN or infinity).
    ValueError
        If a point is not finite (central differences need a finite step).

    Examples
    --------
    >>> check_derivative(np.sin, np.cos, np.linspace(-3, 3, 7), verbose=False) < 1
    True
    >>> check_derivative(np.sin, np.sin, [1.0], verbose=False)
    Traceback (most recent call last):
    ...
    AssertionError: ✗ sin: ...
    """
    name = name or getattr(grad, "__name__", "your derivative")
    x = np.asarray(points, dtype=np.float64)
    if x.size == 0:
        raise ValueError("check_derivative() needs at least one point")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"check_derivative() needs finite points; got {x[~np.isfinite(x)][:3]}")
    step = np.cbrt(np.finfo(np.float64).eps) * np.maximum(1.0, np.abs(x))
    step = (x + step) - x  # a step that is exact in floating point
    with np.errstate(all="ignore"):
        numeric = (np.asarray(fn(x + step)) - np.asarray(fn(x - step))) / (2 * step)
    claimed = np.asarray(_strict_call(grad, x, name), dtype=np.float64)
    # inf - inf or inf / inf (a difference that overflowed) is a failed point,
    # whatever error state the reader has set: NaN ratios count as infinite.
    with np.errstate(all="ignore"):
        ratio = np.abs(claimed - numeric) / (rtol * np.abs(numeric) + atol)
    ratio = np.where(np.isnan(ratio), np.inf, ratio)
    i = int(np.argmax(ratio))
    if ratio[i] > 1:
        raise _fail(name,
                    f"在 x = {x[i]!r} 处导数为 {claimed[i]!r}，有限差分给出 {numeric[i]!r}",
                    f"at x = {x[i]!r} the derivative is {claimed[i]!r}, "
                    f"central differences give {numeric[i]!r}")
    worst = float(ratio.max(initial=0.0))
    if verbose:
        _passed(name, f"导数与有限差分一致（{x.size} 个点）",
                f"derivative matches central differences at {x.size} points")
    return worst


def check_expr_equal(got, expected, *, name: str = "expression", verbose: bool = True) -> None:
    """Check that a SymPy expression equals the expected one identically.

    Raises
    ------
    AssertionError
        If ``got`` is not a SymPy expression or ``got - expected`` does not
        simplify to 0.

    Examples
    --------
    >>> x = sp.Symbol("x")
    >>> check_expr_equal(sp.sin(x)**2, 1 - sp.cos(x)**2, verbose=False)
    >>> check_expr_equal(sp.sin(x), sp.cos(x), verbose=False)
    Traceback (most recent call last):
    ...
    AssertionError: ✗ expression: ...
    """
    if not isinstance(got, sp.Basic):
        raise _fail(name, f"需要一个 SymPy 表达式，得到的是 {type(got).__name__}",
                    f"expected a SymPy expression, got {type(got).__name__}")
    # A structurally equal answer passes first: oo - oo simplifies to nan, not 0.
    if got != expected and sp.simplify(got - expected) != 0:
        raise _fail(name, f"{got} 与正确答案 {expected} 不相等",
                    f"{got} is not identically equal to the expected {expected}")
    if verbose:
        _passed(name, "表达式正确", "the expression is right")


def check_close(got, expected, *, rtol: float = 1e-9, atol: float = 0.0,
                name: str = "value", verbose: bool = True) -> None:
    """Check numbers (scalars or arrays) against expected ones.

    Examples
    --------
    >>> check_close(0.25, 1 / 4, verbose=False)
    >>> check_close(0.3, 0.25, name="max of sigma'", verbose=False)
    Traceback (most recent call last):
    ...
    AssertionError: ✗ max of sigma': ...
    """
    got_arr = np.asarray(got, dtype=np.float64)
    expected_arr = np.asarray(expected, dtype=np.float64)
    if got_arr.shape != expected_arr.shape:
        raise _fail(name, f"形状 {got_arr.shape} 应为 {expected_arr.shape}",
                    f"shape {got_arr.shape} should be {expected_arr.shape}")
    # NaN is right where NaN is expected (an undefined limit), and an infinity only
    # matches the same infinity.
    if not np.allclose(got_arr, expected_arr, rtol=rtol, atol=atol, equal_nan=True):
        raise _fail(name, f"得到 {got!r}，应为 {expected!r}",
                    f"got {got!r}, expected {expected!r} (rtol={rtol:g}, atol={atol:g})")
    if verbose:
        _passed(name, "数值正确", "the value is right")
