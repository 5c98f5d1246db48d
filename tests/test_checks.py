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
