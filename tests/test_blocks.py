"""Blocked kernels give the unblocked result, whatever the block boundaries.

tanh_grad, prelu_grad_a and the softmax family walk large arrays in
cache-sized blocks (a module-level constant each, ``BLOCK_SIZES`` below).
At their real size (2**15 to 2**20 elements) no other test crosses a block
boundary, so a loop that stops one block early, or a sum that keeps only
the last block, would pass everything else. Here the block size is shrunk
to a few elements and every function of those modules, for every parameter
setting and float dtype, must give exactly what it gives with one block
covering the whole input, on shapes that end inside a block, on a block
boundary, and just past one.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import numpy as np
import pytest

import activations

from .conftest import (FLOATS, FUNCTIONS, JACOBIAN, PARAM_GRAD, VECTOR, VECTOR_PRODUCT, companion,
                       materialize)

#: module -> the constant that sets its block size (in elements).
BLOCK_SIZES = {"tanh": "_BLOCK", "prelu": "_BLOCK", "softmax": "_BLOCK_ELEMENTS"}
SMALL_BLOCK = 6
ONE_BLOCK = 1 << 40
#: 0-d, size 1, inside one block, on its boundary, one past it, several blocks and a
#: ragged end; rows shorter and longer than a block (softmax), 2-D and 3-D batches (prelu).
SHAPES = [(), (1,), (5,), (6,), (7,), (13,), (18,), (1, 6), (4, 3), (5, 3), (2, 13), (7, 2, 3),
          (13, 1, 2)]


def blocked_cases():
    cases = []
    for spec in FUNCTIONS:
        module = spec.func.__module__.rpartition(".")[2]
        if module not in BLOCK_SIZES:
            continue
        for setting_id, params in spec.settings.items():
            cases.append(pytest.param(spec, params, module, id=f"{spec.name}[{setting_id}]"))
    return cases


def dyadic(shape, stride, period, dtype):
    """Mixed-sign multiples of 1/4 in [-3.5, 3.5]: every sum of their products is exact."""
    n = int(np.prod(shape))
    return (((np.arange(n) * stride) % period - period // 2) / 4).reshape(shape).astype(dtype)


def call(spec, x, params):
    kwargs = materialize(params, np.shape(x))
    if spec.kind == PARAM_GRAD:
        return spec.func(x, upstream=dyadic(np.shape(x), 5, 11, x.dtype), **kwargs)
    if spec.kind == VECTOR_PRODUCT:
        return spec.func(x, companion(x), **kwargs)
    return spec.func(x, **kwargs)


@pytest.mark.parametrize("dtype", FLOATS, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("spec, params, module", blocked_cases())
def test_small_blocks_give_the_one_block_result(spec, params, module, dtype, monkeypatch):
    kernel_module = importlib.import_module(f"activations.{module}")
    constant = BLOCK_SIZES[module]
    for shape in SHAPES:
        x = dyadic(shape, 7, 29, dtype)
        monkeypatch.setattr(kernel_module, constant, ONE_BLOCK)
        whole = call(spec, x, params)
        monkeypatch.setattr(kernel_module, constant, SMALL_BLOCK)
        blocked = call(spec, x, params)
        assert np.shape(blocked) == np.shape(whole)
        what = f"{spec.name}{params} shape {shape}"
        if spec.kind in (VECTOR, VECTOR_PRODUCT, JACOBIAN):
            # Row sums may be vectorised differently for another grouping of rows
            # (1e-17 apart in the JVP); a missed or stale block is off by O(1).
            eps = np.finfo(dtype).eps
            scale = float(np.max(np.abs(whole), initial=0.0))
            np.testing.assert_allclose(blocked, whole, rtol=8 * eps, atol=8 * eps * scale,
                                       err_msg=what)
        else:   # elementwise, and exact sums of dyadic products: bit for bit
            np.testing.assert_array_equal(blocked, whole, err_msg=what)


def test_every_blocked_module_is_listed():
    """A new module-level block size joins BLOCK_SIZES, or this fails."""
    found = set()
    for source in Path(activations.__file__).parent.glob("*.py"):
        for constant in re.findall(r"^(\w*BLOCK\w*)\s*=", source.read_text(), re.MULTILINE):
            found.add((source.stem, constant))
    assert found == set(BLOCK_SIZES.items())


def test_prelu_slope_gradient_sums_every_block(monkeypatch):
    """sum(min(x, 0) * g) over 3 million elements, computed in blocks of 2**20 and of 1000."""
    n = 3 * 10 ** 6
    x = -np.ones(n)
    exact = -float(n)
    assert activations.prelu_grad_a(x) == exact
    monkeypatch.setattr(importlib.import_module("activations.prelu"), "_BLOCK", 1000)
    assert activations.prelu_grad_a(x) == exact
    assert activations.prelu_grad_a(x.reshape(-1, 3), a=[0.1, 0.2, 0.3]).tolist() == [-n / 3] * 3


SLOPE_SHAPES = [(), (4,), (3, 1), (3, 4), (1, 4), (5, 3, 4), (5, 1, 1), (1, 1, 4)]


@pytest.mark.parametrize("block", [SMALL_BLOCK, ONE_BLOCK], ids=["small-blocks", "one-block"])
@pytest.mark.parametrize("a_shape", SLOPE_SHAPES, ids=str)
def test_slope_gradient_sums_over_exactly_the_broadcast_axes(a_shape, block, monkeypatch):
    """Every axis the slope lacks or has as size 1 is summed; the others are kept."""
    monkeypatch.setattr(importlib.import_module("activations.prelu"), "_BLOCK", block)
    x = dyadic((5, 3, 4), 7, 29, np.float64)
    g = dyadic((5, 3, 4), 5, 11, np.float64)
    a = np.full(a_shape, 0.25)
    full = np.minimum(x, 0) * g
    padded = (1,) * (x.ndim - len(a_shape)) + a_shape
    summed = tuple(i for i, n in enumerate(padded) if n == 1)
    expected = full.sum(axis=summed, keepdims=True).reshape(a_shape)
    np.testing.assert_array_equal(activations.prelu_grad_a(x, a=a, upstream=g), expected)


def test_float32_slope_gradient_is_the_exact_sum_rounded_once():
    """Products and sums in float64 (the docstring's promise), not in float32."""
    k = np.arange(1 << 17)
    x = (-(1 + k * 2.0 ** -20)).astype(np.float32)      # 21-bit significands: float64 sums exactly
    exact = np.float32(np.sum(x.astype(np.float64)))
    assert activations.prelu_grad_a(x) == exact
    assert activations.prelu_grad_a(x.reshape(-1, 4), a=np.full(4, 0.1, np.float32)).tolist() == [
        float(np.float32(np.sum(x.reshape(-1, 4)[:, j].astype(np.float64)))) for j in range(4)]
