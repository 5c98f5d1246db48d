"""online_softmax: the one-pass recurrence, its block lengths and its limits (issue 13).

Accuracy against mpmath and against :func:`activations.softmax` on softmax's
own grid is in ``test_accuracy``; the numerical contract (dtypes, shapes,
axes, warnings, NaN) in the generic tests, which list it in ``FUNCTIONS``.
Here: the recurrence reads its input once and in order, every block length
gives softmax's answer, rows with infinities and fully masked rows follow
softmax exactly, and a bad block length is a clear error.
"""

from __future__ import annotations

import importlib

import numpy as np
import pytest

import activations
from activations.softmax import _online_normalizer

from .conftest import FLOATS, special_values, ulp_distance

SEED = 20261203


def rows(dtype=np.float64, count=40, width=23):
    rng = np.random.default_rng(SEED)
    x = rng.standard_normal((count, width)) * 10.0 ** rng.uniform(-2, 2.5, (count, 1))
    x[::5, ::3] = -np.inf                     # masked entries
    x[1::7] = np.sort(x[1::7], axis=-1)       # ascending rows: the maximum grows at every block
    return x.astype(dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("block", [1, 2, 7, 23, 100])
def test_every_block_length_gives_softmax(block, dtype):
    x = rows(dtype)
    got = activations.online_softmax(x, block=block)
    assert got.dtype == dtype
    assert ulp_distance(got, activations.softmax(x), dtype).max() <= 4


def test_the_normalizer_reads_each_block_once_and_in_order():
    """The recurrence consumes a generator: it cannot look back or ahead.

    The blocks are logged as the generator yields them; the normaliser must
    take each one exactly once, in order, and still match the two-pass
    (max first, then sum) normaliser.
    """
    x = rows()
    taken = []

    def blocks(size):
        for start in range(0, x.shape[1], size):
            taken.append(start)
            yield x[:, start:start + size]

    state = _online_normalizer(blocks(4), x.shape[0])
    assert taken == list(range(0, x.shape[1], 4))
    m = np.max(np.where(np.isnan(x), -np.inf, x), axis=-1, keepdims=True)
    np.testing.assert_array_equal(state.m, m)
    two_pass = np.sum(np.exp(x - m), axis=-1, keepdims=True)
    np.testing.assert_allclose(state.s + state.s_low, two_pass, rtol=1e-14)


def test_each_block_is_folded_in_before_the_next_is_read(monkeypatch):
    """Streaming, not collect-then-compute: reads and recurrence steps alternate."""
    module = importlib.import_module("activations.softmax")   # not the function softmax

    x = rows()
    events = []
    step = module._online_step

    def logged_step(state, block):
        events.append(("step", block.shape[1]))
        return step(state, block)

    def blocks():
        for start in range(0, x.shape[1], 5):
            events.append(("read", x[:, start:start + 5].shape[1]))
            yield x[:, start:start + 5]

    monkeypatch.setattr(module, "_online_step", logged_step)
    _online_normalizer(blocks(), x.shape[0])
    widths = [5, 5, 5, 5, 3]
    assert events == [event for w in widths for event in (("read", w), ("step", w))]


def test_the_running_sum_is_rescaled_when_the_maximum_grows():
    """After [0] then [10]: m = 10 and s = e^-10 + 1, not 1 + 1 (a sum never rescaled)."""
    state = _online_normalizer(iter([np.array([[0.0]]), np.array([[10.0]])]), 1)
    assert state.m[0, 0] == 10.0
    np.testing.assert_allclose(state.s[0, 0], 1 + np.exp(-10.0), rtol=1e-15)


def extreme_rows(dtype):
    """Rows of four logits mixing each special value with ordinary ones and with each other."""
    out = []
    for e in special_values(dtype):
        out += [[e, 0.0, 1.0, -np.inf], [e, e, e, e], [e, -e, 0.0, np.nan], [-np.inf, e, np.inf, 2.0]]
    out += [[-np.inf] * 4, [np.inf, -np.inf, -np.inf, -np.inf], [np.nan, -np.inf, 0.0, 1.0]]
    return np.array(out, dtype=dtype)


@pytest.mark.parametrize("dtype", FLOATS, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("block", [1, 3, 4])
def test_limits_and_masks_agree_with_softmax_exactly(block, dtype):
    """NaN where softmax gives NaN (several +inf, only -inf, a NaN), one-hot where it does."""
    x = extreme_rows(dtype)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        got, expected = activations.online_softmax(x, block=block), activations.softmax(x)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(expected))
    exact = (expected == 0) | (expected == 1)
    np.testing.assert_array_equal(got[exact], expected[exact])
    number = ~np.isnan(expected)
    assert ulp_distance(got[number], expected[number], dtype).max() <= 4


@pytest.mark.parametrize("dtype", FLOATS, ids=lambda d: np.dtype(d).name)
def test_a_fully_masked_row_is_nan_and_a_finite_mask_is_uniform(dtype):
    """-inf everywhere has no limit (NaN, as softmax); finfo.min everywhere is 1/n each."""
    masked = np.full((2, 5), -np.inf, dtype)
    masked[1, 2] = 0.5
    got = activations.online_softmax(masked, block=2)
    assert np.isnan(got[0]).all()
    np.testing.assert_array_equal(got[1], [0, 0, 1, 0, 0])
    finite = np.full(5, np.finfo(dtype).min, dtype)
    np.testing.assert_array_equal(activations.online_softmax(finite, block=2), np.full(5, 0.2, dtype))
    np.testing.assert_array_equal(activations.softmax(finite), np.full(5, 0.2, dtype))


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_acts_along_the_axis(axis):
    x = rows().reshape(8, 5, 23)
    np.testing.assert_array_equal(activations.online_softmax(x, axis=axis, block=3),
                                  np.moveaxis(activations.online_softmax(
                                      np.moveaxis(x, axis, -1), block=3), -1, axis))


@pytest.mark.parametrize("block", [0, -1, -256])
def test_a_block_below_one_is_a_value_error(block):
    with pytest.raises(ValueError) as excinfo:
        activations.online_softmax(np.ones(4), block=block)
    message = str(excinfo.value)
    assert message.startswith("online_softmax()") and "block" in message and str(block) in message


@pytest.mark.parametrize("block", [2.0, "4", None, True])
def test_a_non_integer_block_is_a_type_error(block):
    with pytest.raises(TypeError) as excinfo:
        activations.online_softmax(np.ones(4), block=block)
    assert str(excinfo.value).startswith("online_softmax()")


def test_rows_whose_maximum_grows_at_every_step_stay_within_target():
    """The rescaling error repeats at every block: 64 growing maxima, block 1, vs mpmath.

    A plain float64 running sum with a plain e^{m - m'} factor drifts to
    5-6 ULP on these rows; the double-double sum with the expm1 form stays
    within softmax's own error.
    """
    from activations import reference

    rng = np.random.default_rng(SEED)
    ascending = [np.sort(rng.standard_normal(64)) * scale for scale in (0.01, 0.1, 1, 10, 100)]
    ascending += [np.arange(64) * step for step in (1e-3, 0.3, 0.69, 1.0, 2.0)]
    ascending += [np.cumsum(rng.uniform(0, 2, 64)) for _ in range(5)]
    x = np.array(ascending)
    for block in (1, 2):
        errors = reference.measure("softmax", x, activations.online_softmax(x, block=block)).errors
        assert errors.max() <= reference.TARGET_ULP, (block, errors.max())
