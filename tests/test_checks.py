"""The exercise self-checks accept right answers and reject wrong ones loudly."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from activations import checks, sigmoid, sigmoid_expr

POINTS = np.concatenate([[-np.inf, -1000.0, -40.0, -5.0, -1e-8], np.linspace(-3, 3, 13),
                         [1e-8, 5.0, 40.0, 750.0, np.inf]])


def stable_log_sigmoid(x):
    # log sigma(x) = min(x, 0) - log1p(exp(-|x|)): exp never overflows.
    return np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x)))


def trusted_log_sigmoid(x):
    return -np.logaddexp(0, -x)


def test_right_answer_passes_in_both_dtypes(capsys):
    worst = checks.check_function(stable_log_sigmoid, trusted_log_sigmoid, POINTS,
                                  dtypes=(np.float64, np.float32), name="log_sigmoid")
    assert worst <= 4
    assert "✓ log_sigmoid" in capsys.readouterr().out


def test_overflowing_answer_fails_naming_the_input():
    def naive(x):
        return np.log(1 / (1 + np.exp(-x)))

    finite = POINTS[np.isfinite(POINTS)]
    with pytest.raises(AssertionError, match="warning at x = .*-1000.*overflow") as info:
        checks.check_function(naive, trusted_log_sigmoid, finite, name="log_sigmoid")
    assert "浮点警告" in str(info.value)


def test_inaccurate_answer_fails_with_the_worst_input():
    def lossy(x):  # log of a correctly rounded sigmoid: 0 once sigma rounds to 1
        return np.log(sigmoid(x))

    right_side = POINTS[POINTS > -100]  # far left it also fails, with a warning (log 0)
    with pytest.raises(AssertionError, match=r"at x = np.float64\(40.0\)") as info:
        checks.check_function(lossy, trusted_log_sigmoid, right_side, name="log_sigmoid")
    assert "ULP" in str(info.value) and "误差" in str(info.value)


def test_dtype_and_shape_are_checked():
    with pytest.raises(AssertionError, match="float64 for float32 input"):
        checks.check_function(lambda x: stable_log_sigmoid(x.astype(np.float64)),
                               trusted_log_sigmoid, POINTS, dtypes=(np.float32,))
    with pytest.raises(AssertionError, match="shape"):
        checks.check_function(lambda x: stable_log_sigmoid(x)[:-1], trusted_log_sigmoid, POINTS)


def test_small_errors_are_measured_in_ulps():
    def off_by_eight_ulps(x):
        y = trusted_log_sigmoid(x)
        return y + 8 * np.spacing(y)

    finite = POINTS[np.isfinite(POINTS) & (np.abs(POINTS) < 100)]
    with pytest.raises(AssertionError, match="ULP"):
        checks.check_function(off_by_eight_ulps, trusted_log_sigmoid, finite)
    assert checks.check_function(off_by_eight_ulps, trusted_log_sigmoid, finite, ulp=9,
                                 verbose=False) == pytest.approx(8, abs=0.5)


def test_derivative_check():
    finite = POINTS[np.isfinite(POINTS)]
    ratio = checks.check_derivative(stable_log_sigmoid, lambda x: sigmoid(-x), finite,
                                    name="log_sigmoid'", verbose=False)
    assert ratio < 1
    with pytest.raises(AssertionError, match="central differences give"):
        checks.check_derivative(stable_log_sigmoid, sigmoid, finite, name="log_sigmoid'")


def test_expression_check():
    x = sp.Symbol("x", real=True)
    s = sigmoid_expr(x)
    checks.check_expr_equal(sp.diff(s, x, 2), s * (1 - s) * (1 - 2 * s), verbose=False)
    with pytest.raises(AssertionError, match="not identically equal"):
        checks.check_expr_equal(sp.diff(s, x, 2), s * (1 - s), verbose=False)
    with pytest.raises(AssertionError, match="SymPy expression"):
        checks.check_expr_equal(0.25, s, verbose=False)


def test_close_check():
    checks.check_close([0.0, 0.25], [0.0, 0.25], verbose=False)
    with pytest.raises(AssertionError, match="expected"):
        checks.check_close(0.26, 0.25, rtol=1e-3, verbose=False)
    with pytest.raises(AssertionError, match="shape"):
        checks.check_close([0.25], 0.25, verbose=False)


# --- NaN and infinity, fed to every helper ------------------------------------------------------

NON_FINITE = np.array([np.nan, -np.inf, np.inf, -2.0, 0.5])


def test_function_check_accepts_nan_and_limits_where_they_are_right():
    worst = checks.check_function(stable_log_sigmoid, trusted_log_sigmoid, NON_FINITE,
                                  dtypes=(np.float64, np.float32), verbose=False)
    assert worst <= 4


@pytest.mark.parametrize("wrong_value, at", [(np.nan, 0.5), (np.inf, -2.0), (-np.inf, 0.5),
                                             (0.0, np.nan), (np.nan, np.inf), (-1.0, -np.inf)],
                         ids=["nan-for-finite", "inf-for-finite", "-inf-for-finite",
                              "number-for-nan", "nan-for-a-limit", "number-for-inf"])
def test_function_check_rejects_a_wrong_nan_or_infinity(wrong_value, at):
    def broken(x):
        y = stable_log_sigmoid(x)
        hit = (x == at) | (np.isnan(x) & np.isnan(at))
        return np.where(hit, np.asarray(wrong_value, x.dtype), y)

    with pytest.raises(AssertionError, match="ULP"):
        checks.check_function(broken, trusted_log_sigmoid, NON_FINITE, verbose=False)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_derivative_check_rejects_nan_and_infinite_derivatives(bad):
    finite = POINTS[np.isfinite(POINTS)]

    def grad(x):
        g = sigmoid(-x)
        g[len(g) // 2] = bad
        return g

    with pytest.raises(AssertionError, match=r"at x = .*central differences give"):
        checks.check_derivative(stable_log_sigmoid, grad, finite, verbose=False)
    with pytest.raises(AssertionError):
        checks.check_derivative(stable_log_sigmoid, lambda x: np.full_like(x, bad), finite,
                                verbose=False)


def test_derivative_check_fails_where_the_function_is_nan():
    """Differences of NaN cannot confirm any derivative, not even the right one."""
    def fn(x):
        with np.errstate(invalid="ignore"):
            return np.where(x > 1, np.nan, np.sin(x))

    with pytest.raises(AssertionError, match="nan"):
        checks.check_derivative(fn, np.cos, [0.5, 2.0], verbose=False)


@pytest.mark.parametrize("point", [np.nan, np.inf, -np.inf])
def test_derivative_check_needs_finite_points(point):
    with pytest.raises(ValueError, match="finite points") as excinfo:
        checks.check_derivative(np.sin, np.cos, [0.0, point], verbose=False)
    # The message starts with the helper's name and shows the offending point, not the finite one.
    assert str(excinfo.value) == f"check_derivative() needs finite points; got {np.array([point])}"


def test_derivative_check_shows_the_first_three_non_finite_points():
    points = [0.5, np.nan, np.inf, 1.0, -np.inf, np.nan]
    with pytest.raises(ValueError) as excinfo:
        checks.check_derivative(np.sin, np.cos, points, verbose=False)
    assert str(excinfo.value).endswith(f"got {np.array([np.nan, np.inf, -np.inf])}")


def test_close_check_with_nan_and_infinities():
    checks.check_close([np.nan, np.inf, -np.inf], [np.nan, np.inf, -np.inf], verbose=False)
    for got, expected in [(np.nan, 1.0), (1.0, np.nan), (np.inf, -np.inf), (np.inf, 1e308),
                          ([1.0, np.nan], [1.0, 2.0]), (-np.inf, 0.0)]:
        with pytest.raises(AssertionError, match="expected"):
            checks.check_close(got, expected, verbose=False)


def test_expression_check_with_nan_and_infinities():
    x = sp.Symbol("x", real=True)
    checks.check_expr_equal(sp.oo, sp.oo, verbose=False)
    checks.check_expr_equal(sp.limit(x / (1 + sp.exp(-x)), x, sp.oo), sp.oo, verbose=False)
    for got, expected in [(sp.oo, -sp.oo), (sp.zoo, sp.oo), (sp.nan, sp.Integer(0)),
                          (x, sp.nan), (sp.nan, sp.oo)]:
        with pytest.raises(AssertionError, match="not identically equal"):
            checks.check_expr_equal(got, expected, verbose=False)


# --- what the reader sees: names, both languages, the confirmation line --------------------------

def stable_log_sigmoid_grad(x):
    return sigmoid(-x)


class Unnamed:
    """A callable without __name__ (functools.partial, a class instance)."""

    def __init__(self, fn):
        self.fn = fn

    def __call__(self, x):
        return self.fn(x)


FAILURES = [   # (call that fails, name the message must start with, Chinese part, English part)
    (lambda: checks.check_function(lambda x: stable_log_sigmoid(x)[:-1], trusted_log_sigmoid,
                                   POINTS), "<lambda>", "输出形状", "output shape"),
    (lambda: checks.check_function(Unnamed(lambda x: x.astype(np.float64)), trusted_log_sigmoid,
                                   POINTS, dtypes=(np.float32,)),
     "your function", "应保持输入的 dtype", "keep the input's dtype"),
    (lambda: checks.check_function(Unnamed(np.exp), trusted_log_sigmoid, [1000.0]),
     "your function", "出现浮点警告", "floating-point warning at x = np.float64(1000.0)"),
    (lambda: checks.check_function(stable_log_sigmoid_grad, trusted_log_sigmoid, [0.5, 1.5],
                                   name="mine"), "mine", "误差", "ULP allowed"),
    (lambda: checks.check_derivative(stable_log_sigmoid, sigmoid, [0.5, 1.5]), "sigmoid",
     "有限差分给出", "central differences give"),
    (lambda: checks.check_derivative(stable_log_sigmoid, Unnamed(sigmoid), [0.5]),
     "your derivative", "有限差分给出", "central differences give"),
    (lambda: checks.check_expr_equal(sp.Symbol("x"), sp.Integer(1), name="f'"), "f'",
     "与正确答案", "not identically equal"),
    (lambda: checks.check_expr_equal(1.0, sp.Integer(1)), "expression",
     "需要一个 SymPy 表达式，得到的是 float", "expected a SymPy expression, got float"),
    (lambda: checks.check_close(1.0, 2.0), "value", "得到 1.0，应为 2.0", "got 1.0, expected 2.0"),
    (lambda: checks.check_close([1.0], 2.0, name="peak"), "peak", "形状 (1,) 应为 ()",
     "shape (1,) should be ()"),
]


@pytest.mark.parametrize("call, name, zh, en", FAILURES, ids=[f[1] + "-" + f[3] for f in FAILURES])
def test_failure_messages_name_the_answer_in_both_languages(call, name, zh, en):
    with pytest.raises(AssertionError) as info:
        call()
    first, second = str(info.value).split("\n")
    assert first.startswith(f"✗ {name}: ") and zh in first
    assert second.startswith("  ") and en in second


def test_passing_checks_print_one_line_in_both_languages(capsys):
    x = sp.Symbol("x")
    checks.check_function(stable_log_sigmoid, trusted_log_sigmoid, [0.5, 2.0])
    checks.check_derivative(stable_log_sigmoid, stable_log_sigmoid_grad, [0.5, 2.0])
    checks.check_expr_equal(x + x, 2 * x)
    checks.check_close(0.25, 0.25)
    assert capsys.readouterr().out.splitlines() == [
        "✓ stable_log_sigmoid: 全部 2 个点通过，最大误差 0 ULP / all 2 points pass, max error 0 ULP",
        "✓ stable_log_sigmoid_grad: 导数与有限差分一致（2 个点） / "
        "derivative matches central differences at 2 points",
        "✓ expression: 表达式正确 / the expression is right",
        "✓ value: 数值正确 / the value is right",
    ]
    checks.check_close(0.25, 0.25, verbose=False)
    checks.check_expr_equal(x, x, verbose=False)
    assert capsys.readouterr().out == ""


def test_a_perfect_answer_has_zero_error():
    assert checks.check_function(stable_log_sigmoid, stable_log_sigmoid, POINTS, verbose=False) == 0
    for helper in (checks.check_function, checks.check_derivative):
        with pytest.raises(ValueError, match=rf"^{helper.__name__}\(\) needs at least one point$"):
            helper(np.exp, np.exp, [], verbose=False)


@pytest.mark.parametrize("kind, student", [
    ("overflow", lambda x: np.exp(x * 1000)),
    ("divide by zero", lambda x: 1 / (x - x)),
    ("invalid value", lambda x: np.sqrt(-np.abs(x) - 1)),
])
def test_every_floating_point_warning_fails_but_underflow_does_not(kind, student):
    with pytest.raises(AssertionError, match=kind):
        checks.check_function(student, np.exp, [[0.5, 1.0], [2.0, 3.0]], check_dtype=False)
    # exp(-x * 1000) underflows to 0, the right rounding of e**-500: not a warning.
    checks.check_function(lambda x: np.exp(-x * 1000), lambda x: np.exp(-x * 1000), [0.5, 1.0],
                          verbose=False)


def test_warning_points_at_the_first_input_that_warns():
    with pytest.raises(AssertionError, match=r"x = np.float64\(800.0\)"):
        checks.check_function(np.exp, np.exp, [[1.0, 800.0], [900.0, 2.0]])


def test_the_ulp_bound_and_the_derivative_tolerance_are_inclusive():
    def three_ulps_off(x):
        y = trusted_log_sigmoid(x)
        return y + 3 * np.spacing(y)

    assert checks.check_function(three_ulps_off, trusted_log_sigmoid, [1.0], ulp=3,
                                 verbose=False) == 3
    with pytest.raises(AssertionError):
        checks.check_function(three_ulps_off, trusted_log_sigmoid, [1.0], ulp=2.9, verbose=False)
    # atol alone: |g - d| = 1e-3 passes at atol 1e-3 + a hair, fails just below.
    ratio = checks.check_derivative(np.sin, lambda x: np.cos(x) + 1e-3, [0.3], rtol=0,
                                    atol=1.001e-3, verbose=False)
    assert 0.99 < ratio < 1
    with pytest.raises(AssertionError):
        checks.check_derivative(np.sin, lambda x: np.cos(x) + 1e-3, [0.3], rtol=0, atol=0.99e-3)
    # rtol alone at a large point: the step scales with |x|, so the differences stay accurate.
    assert checks.check_derivative(lambda x: x ** 3, lambda x: 3 * x ** 2, [1e4, -3e4], rtol=1e-6,
                                   atol=0, verbose=False) < 1
    with pytest.raises(AssertionError):
        checks.check_derivative(np.sin, lambda x: np.cos(x) * (1 + 1e-5), [0.3], rtol=1e-6, atol=0)


def test_close_check_tolerances():
    checks.check_close(1.0 + 1e-10, 1.0, verbose=False)          # default rtol 1e-9
    with pytest.raises(AssertionError):
        checks.check_close(1.0 + 1e-8, 1.0, verbose=False)
    checks.check_close(1e-3, 0.0, atol=1e-3, verbose=False)
    with pytest.raises(AssertionError):
        checks.check_close(2e-3, 0.0, atol=1e-3, verbose=False)


def test_checks_do_not_depend_on_the_readers_error_state():
    """np.seterr(all='ignore') in a notebook must not hide an overflow, nor 'raise' flag underflow."""
    with np.errstate(all="ignore"):
        for student in (lambda x: np.exp(x * 1000), lambda x: 1 / (x - x),
                        lambda x: np.sqrt(-np.abs(x) - 1)):
            with pytest.raises(AssertionError, match="floating-point warning"):
                checks.check_function(student, np.exp, [0.5, 1.0], check_dtype=False)
    with np.errstate(under="raise"):
        checks.check_function(lambda x: np.exp(-x * 1000), lambda x: np.exp(-x * 1000),
                              [0.5, 1.0], verbose=False)


def test_a_warning_only_the_whole_array_raises_names_the_dtype():
    def total(x):   # exp(709.5) is finite; the sum of two overflows
        return x * 0 + np.sum(np.exp(x))

    with pytest.raises(AssertionError, match="warning at dtype float64"):
        checks.check_function(total, np.exp, [709.5, 709.5])


def test_default_ulp_bound_is_four():
    def off(x, k):
        y = trusted_log_sigmoid(x)
        return y + k * np.spacing(y)

    assert checks.check_function(lambda x: off(x, 4), trusted_log_sigmoid, [2.0], verbose=False) == 4
    with pytest.raises(AssertionError, match="4 ULP allowed"):
        checks.check_function(lambda x: off(x, 5), trusted_log_sigmoid, [2.0], verbose=False)


def test_errors_are_counted_in_ulps_of_the_tested_dtype():
    """A float64 answer to float32 input, with check_dtype=False, is measured in float32 ULPs."""
    def close_in_float64(x):
        return trusted_log_sigmoid(x.astype(np.float64)) * (1 + 1e-10)

    assert checks.check_function(close_in_float64, trusted_log_sigmoid, [0.5, 2.0],
                                 dtypes=(np.float32,), check_dtype=False, verbose=False) < 0.6


def test_derivative_is_checked_on_float64_points_and_names_a_warning():
    seen = []

    def grad(x):
        seen.append(x.dtype)
        return np.cos(x)

    checks.check_derivative(np.sin, grad, [0, 1, 2], verbose=False)   # integer points
    assert seen == [np.float64]
    with pytest.raises(AssertionError, match=r"^✗ overflowing_grad: .*出现浮点警告"):
        def overflowing_grad(x):
            return np.exp(x * 1000)
        checks.check_derivative(np.sin, overflowing_grad, [1.0], verbose=False)


def test_derivative_tolerance_boundary_is_inclusive():
    # Central differences of 2x are exactly 2; a claimed 2.5 is off by exactly atol.
    assert checks.check_derivative(lambda x: 2 * x, lambda x: 2 * x ** 0 + 0.5, [0.25, 3.0],
                                   rtol=0, atol=0.5, verbose=False) == 1


def test_close_check_takes_sympy_numbers():
    checks.check_close(sp.Rational(1, 4), 0.25, verbose=False)
    checks.check_close(0.25, sp.Rational(1, 4), verbose=False)
    checks.check_close([sp.sqrt(2), 1], [np.sqrt(2), 1.0], verbose=False)


@pytest.mark.parametrize("x", [0.0, 1e-3, -0.01])
def test_derivative_step_is_the_documented_one(x):
    # For x**3 the central difference is 3x**2 + h**2, so the reported error
    # (rtol=0, atol=1) is h**2 itself: h = eps**(1/3) * max(1, |x|), made exact
    # in floating point as (x + h) - x. Near 0 the rounding of the cubes is far
    # below h**2 (for |x| > 1 it is of the same order, so those are not used).
    h = np.cbrt(np.finfo(np.float64).eps) * max(1.0, abs(x))
    h = (x + h) - x
    worst = checks.check_derivative(lambda t: t ** 3, lambda t: 3 * t ** 2, [x],
                                    rtol=0, atol=1.0, verbose=False)
    assert worst == pytest.approx(h ** 2, rel=1e-3)


def test_derivative_check_fails_cleanly_when_the_difference_overflows():
    # exp(709.78 + h) overflows (h is about 0.004): the check must report a failed
    # derivative, not let the reader's error state raise FloatingPointError.
    with np.errstate(all="raise"), pytest.raises(AssertionError, match=r"^✗ exp"):
        checks.check_derivative(np.exp, np.exp, [709.78], verbose=False)
