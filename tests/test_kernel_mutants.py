"""Behaviours of the shared kernels that mutation testing found unpinned (bench-results/mutants.md).

Each test pins a documented behaviour with a case small enough to check by
hand: the broadcast reduction of a parameter's gradient, and PReLU's slope
gradient under a reader's ``np.errstate(all="raise")`` when the sum
overflows or meets ``0 * inf``.
"""

import importlib

import numpy as np
import pytest

from activations import prelu_grad_a
from activations._numeric import sum_to_shape


# --- sum_to_shape: the gradient of a broadcast parameter ----------------------------

@pytest.mark.parametrize(("grad_shape", "shape", "expected"), [
    # A size-1 axis after a leading axis the parameter lacks: axis 2 must be summed.
    ((1, 4, 5), (4, 1), np.full((4, 1), 5.0)),
    # A size-1 axis broadcast against a length-2 axis (the smallest that needs a sum).
    ((3, 2), (3, 1), np.full((3, 1), 2.0)),
    # Leading axes only.
    ((2, 3, 2), (2,), np.full(2, 6.0)),
])
def test_sum_to_shape_sums_every_broadcast_axis(grad_shape, shape, expected):
    np.testing.assert_array_equal(sum_to_shape(np.ones(grad_shape), shape), expected)


# --- prelu_grad_a: inf and 0 * inf are results, not errors --------------------------

@pytest.fixture
def two_blocks(monkeypatch):
    """Make PReLU's slope gradient walk a 4-element batch in two blocks of 2."""
    monkeypatch.setattr(importlib.import_module("activations.prelu"), "_BLOCK", 2)


def test_slope_gradient_overflowing_sum_is_minus_inf_under_raise(two_blocks):
    # Each block sums to -2e308 = -inf, so adding the second block to the first
    # overflows only if the blocks are added naively; either way the true sum is -inf.
    x = np.full(4, -1e308)
    with np.errstate(all="raise"):
        assert prelu_grad_a(x, 0.25) == -np.inf
        # Finite blocks whose total overflows: -1.5e308 + -1.5e308.
        assert prelu_grad_a(np.array([-1.5e308, 0.0, -1.5e308, 0.0]), 0.25) == -np.inf


def test_slope_gradient_opposite_infinities_give_nan_under_raise(two_blocks):
    # upstream = +1 then -1: the blocks sum to -inf and +inf; their sum is NaN,
    # an honest "undefined", which must not turn into a FloatingPointError.
    x = np.full(4, -1e308)
    upstream = np.array([1.0, 1.0, -1.0, -1.0])
    with np.errstate(all="raise"):
        assert np.isnan(prelu_grad_a(x, 0.25, upstream=upstream))
