"""Every function on every finite float16 input equals its float64 result rounded once.

The contract (``_numeric.compute_dtype``) computes float16 in float32 and
rounds once at the end. A kernel that computes natively in float16 is up to
2 ULP off on thousands of inputs; a float32 kernel rounded once can differ
from the float64 result rounded once only where the true value lies within
a few float32 ULPs of a tie between two float16 numbers (double rounding).
So the test demands equality, except for such near-ties.

All 63 488 finite float16 numbers go through each function in one call,
for every function and parameter setting of ``conftest.FUNCTIONS``. Vector
functions see them as rows of 8 consecutive numbers.
"""

from __future__ import annotations

import numpy as np
import pytest

from .conftest import (ELEMENTWISE, GATED_VJP, JACOBIAN, PARAM_GRAD, VECTOR_PRODUCT, companion,
                       function_cases, gated_upstream, materialize, paired)

#: How close to a float16 tie the float64 result must be for the float32
#: kernel to round the other way: 8 float32 ULPs, relative. A kernel that
#: rounds twice in float16 misses by a whole float16 ULP (2**-11 relative).
TIE_TOLERANCE = 2.0 ** -20

ROW = 8


def all_finite_float16() -> np.ndarray:
    """The 63 488 finite float16 numbers, -0 included, in bit-pattern order."""
    every = np.arange(1 << 16, dtype=np.uint16).view(np.float16)
    return every[np.isfinite(every)]


def input_for(spec) -> np.ndarray:
    x = all_finite_float16()
    if spec.kind == ELEMENTWISE or spec.kind == PARAM_GRAD:
        return x
    if spec.kind == JACOBIAN:       # n x n per row: keep it small
        return x[::4].reshape(-1, ROW)
    return x.reshape(-1, ROW)


def near_tie(value64: np.ndarray, a16: np.ndarray, b16: np.ndarray) -> np.ndarray:
    """True where ``a16`` and ``b16`` are neighbours and ``value64`` is (almost) their midpoint."""
    a, b = a16.astype(np.float64), b16.astype(np.float64)
    neighbours = np.nextafter(a16, b16) == b16
    midpoint = (a + b) / 2      # exact in float64
    with np.errstate(invalid="ignore"):
        return neighbours & (np.abs(value64 - midpoint) <= TIE_TOLERANCE * np.abs(midpoint))


def compare_with_rounded_float64(spec, params, x16, got, exact64) -> None:
    with np.errstate(over="ignore"):        # beyond 65504 the rounded result is inf
        expected = np.asarray(exact64).astype(np.float16)
    got = np.asarray(got)
    assert got.dtype == np.float16 and got.shape == expected.shape
    # Zeros compare equal whatever their sign: a float32 kernel underflows to +0 where the
    # float64 result is a tiny negative number (gelu'(-38.6) = -5e-323), a sign-only difference.
    same = (got == expected) | (np.isnan(got) & np.isnan(expected))
    excused = ~same & near_tie(np.asarray(exact64, np.float64), got, expected)
    wrong = ~same & ~excused
    if np.any(wrong):
        i = np.flatnonzero(wrong.reshape(-1))[:5]
        inputs = np.broadcast_to(x16, got.shape).reshape(-1)[i] if got.shape == x16.shape else "rows"
        raise AssertionError(
            f"{spec.name}({params}): {np.count_nonzero(wrong)} of {got.size} float16 results differ "
            f"from the float64 result rounded once; inputs {inputs}, got {got.reshape(-1)[i]}, "
            f"expected {expected.reshape(-1)[i]} (float64 {np.asarray(exact64).reshape(-1)[i]})")


def call(spec, x, params, like):
    """``spec.call``, but a JVP/VJP direction is the float16 one for both dtypes."""
    if spec.kind == VECTOR_PRODUCT:
        return spec.func(x, companion(like).astype(x.dtype), **materialize(params, x.shape))
    if spec.kind == GATED_VJP:
        axis = params.get("axis", -1)
        v = gated_upstream(None, axis, like=paired(like, axis)).astype(x.dtype)
        return spec.func(paired(x, axis), v, **params)
    return spec.call(x, params)


@pytest.mark.parametrize("spec, params", function_cases())
def test_every_finite_float16_is_the_float64_result_rounded_once(spec, params):
    x16 = input_for(spec)
    got = call(spec, x16, params, like=x16)
    with np.errstate(over="ignore", invalid="ignore"):
        exact64 = call(spec, x16.astype(np.float64), params, like=x16)
    compare_with_rounded_float64(spec, params, x16, got, exact64)


def test_the_tie_rule_excuses_only_near_ties():
    """The comparison itself: a 1-ULP miss away from a tie fails, a near-tie passes."""
    a, b = np.float16(0.5), np.nextafter(np.float16(0.5), np.float16(1))
    tie = (float(a) + float(b)) / 2
    assert near_tie(np.array([tie * (1 + 2.0 ** -22)]), np.array([a]), np.array([b]))[0]
    assert not near_tie(np.array([tie * (1 + 2.0 ** -16)]), np.array([a]), np.array([b]))[0]
    assert not near_tie(np.array([tie]), np.array([a]), np.array([np.nextafter(b, np.float16(1))]))[0]
    with pytest.raises(AssertionError, match="differ from the float64 result"):
        spec = function_cases({ELEMENTWISE})[0].values[0]
        x = np.array([0.3], np.float16)
        compare_with_rounded_float64(spec, {}, x, np.array([b]), np.array([0.3]))


def test_the_input_is_every_finite_float16():
    x = all_finite_float16()
    assert x.size == 2 ** 16 - 2 * 2 ** 10      # all bit patterns but the 2048 of inf and NaN
    assert np.unique(x.view(np.uint16)).size == x.size
    assert x.max() == np.finfo(np.float16).max and np.any(x == np.finfo(np.float16).smallest_subnormal)
