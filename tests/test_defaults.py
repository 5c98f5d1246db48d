"""Calling a function without keywords is calling it with its record's default parameters.

``test_registry`` compares the signatures' defaults with ``record.params``;
this test compares behaviour, which is what a reader relies on: GELU's
settings, for one, all name ``approximate`` explicitly, so nothing else
calls ``gelu(x)`` as the chapters do.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

import activations

from .conftest import (FUNCTIONS, GATED_KINDS, GATED_VJP, JACOBIAN, PARAM_GRAD, VECTOR,
                       VECTOR_PRODUCT, companion, gated_upstream)

X = np.array([[-3.0, -0.75, -0.0, 0.5], [1.25, 2.0, -40.0, 7.5]])


@pytest.mark.parametrize("spec", FUNCTIONS, ids=lambda s: s.name)
def test_no_keywords_means_the_record_defaults(spec):
    record = activations.get(spec.record)
    defaults = dict(record.params)
    if spec.kind in (VECTOR, VECTOR_PRODUCT, *GATED_KINDS):
        defaults["axis"] = -1
    if spec.kind == JACOBIAN:
        defaults = {}
    args = (X, companion(X)) if spec.kind == VECTOR_PRODUCT else (X,)
    if spec.kind == GATED_VJP:
        args = (X, gated_upstream(X))
    np.testing.assert_array_equal(spec.func(*args), spec.func(*args, **defaults))
    if spec.kind == PARAM_GRAD:   # the upstream gradient defaults to ones
        np.testing.assert_array_equal(spec.func(X), spec.func(X, upstream=np.ones_like(X)))


# softmax_expr takes a vector length, not parameters.
@pytest.mark.parametrize("record", [r for r in activations.ACTIVATIONS if not r.vector],
                         ids=lambda r: r.name)
def test_expression_defaults_are_the_record_defaults(record):
    x = sp.Symbol("x", real=True)
    difference = record.expr(x) - record.expr(x, **record.params)
    # Compared at points: SymPy does not cancel exp(1.0*x) against exp(x) symbolically.
    for t in (-2.5, -0.5, 0.75, 3.0):
        assert abs(float(difference.subs(x, t))) < 1e-12, (record.name, t)
