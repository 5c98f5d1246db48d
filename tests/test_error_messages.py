"""Every error names the public function that raised it, exactly, at the start of its message.

``test_contract`` checks that the name occurs somewhere in the message,
which a neighbour's name (``sigmoid`` inside ``sigmoid_grad``) or a garbled
one (``XXsigmoidXX``) also satisfies. A reader who calls ``prelu_grad_a``
should read ``prelu_grad_a() ...`` and nothing else.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

import activations

from .conftest import FUNCTIONS, LEARNABLE, PARAM_GRAD, VECTOR, VECTOR_PRODUCT, function_cases


def assert_names(message: str, name: str) -> None:
    assert re.match(rf"{re.escape(name)}\(\)", message), f"{message!r} should start with {name}()"


@pytest.mark.parametrize("spec, params", function_cases())
def test_type_errors_start_with_the_function_name(spec, params):
    for bad in (np.array([1 + 2j]), np.array(["a"]), np.array([1.0], dtype=np.longdouble)):
        if bad.dtype == np.float64:      # platforms where longdouble is float64
            continue
        with pytest.raises(TypeError) as excinfo:
            spec.call(bad, params)
        assert_names(str(excinfo.value), spec.name)


SLOPE_FUNCTIONS = [(spec.name, keyword) for spec in FUNCTIONS
                   for record, keyword in [("leaky_relu", "negative_slope"), ("prelu", "a"),
                                           ("swish", "beta")]
                   if spec.record == record and spec.kind not in (VECTOR, VECTOR_PRODUCT)]


@pytest.mark.parametrize("name, keyword", SLOPE_FUNCTIONS)
def test_parameter_errors_start_with_the_function_name(name, keyword):
    func = getattr(activations, name)
    x = np.ones((3, 4))
    with pytest.raises(ValueError) as excinfo:
        func(x, **{keyword: np.nan})
    assert_names(str(excinfo.value), name)
    assert f"'{keyword}'" in str(excinfo.value)      # and the parameter, by its keyword
    with pytest.raises(TypeError) as excinfo:
        func(x, **{keyword: 0.5 + 1j})
    assert_names(str(excinfo.value), name)
    if keyword != "negative_slope":   # leaky ReLU's slope is a scalar
        with pytest.raises(ValueError) as excinfo:
            func(x, **{keyword: np.full(5, 0.5)})
        assert_names(str(excinfo.value), name)
        assert f"'{keyword}' of shape (5,)" in str(excinfo.value)


@pytest.mark.parametrize("name", ["leaky_relu", "leaky_relu_grad"])
def test_a_per_channel_negative_slope_is_refused_with_a_pointer_to_prelu(name):
    """Leaky ReLU's slope is a scalar; the error says so and ends by naming the alternative."""
    with pytest.raises(ValueError) as excinfo:
        getattr(activations, name)(np.ones((3, 4)), negative_slope=np.full(4, 0.5))
    message = str(excinfo.value)
    assert_names(message, name)
    assert "'negative_slope' must be a scalar; got shape (4,)" in message, message
    assert re.search(r"\(use prelu for a slope per channel\)$", message), message


@pytest.mark.parametrize("name", [grad for _, grad in LEARNABLE.values()])
def test_upstream_errors_start_with_the_function_name(name):
    spec = next(s for s in FUNCTIONS if s.name == name)
    assert spec.kind == PARAM_GRAD
    with pytest.raises(ValueError) as excinfo:
        spec.func(np.ones((3, 4)), upstream=np.ones(5))
    assert_names(str(excinfo.value), name)
    assert "'upstream' of shape (5,)" in str(excinfo.value)
    with pytest.raises(TypeError) as excinfo:
        spec.func(np.ones((3, 4)), upstream=np.ones(4, dtype=complex))
    assert_names(str(excinfo.value), name)
    assert re.search(r"\bupstream\b", str(excinfo.value)), "the message names 'upstream' as a word"


@pytest.mark.parametrize("spec", [s for s in FUNCTIONS if s.kind in (VECTOR, VECTOR_PRODUCT)],
                         ids=lambda s: s.name)
def test_axis_errors_start_with_the_function_name(spec):
    with pytest.raises(ValueError) as excinfo:
        spec.call(np.zeros((2, 3)), {"axis": 2})
    assert_names(str(excinfo.value), spec.name)
    with pytest.raises(TypeError) as excinfo:
        spec.call(np.zeros((2, 3)), {"axis": 1.0})
    assert_names(str(excinfo.value), spec.name)


#: The second argument of each vector product, as its messages name it.
DIRECTIONS = {"softmax_jvp": "tangent 'v'", "softmax_vjp": "upstream gradient 'g'"}


@pytest.mark.parametrize("spec", [s for s in FUNCTIONS if s.kind == VECTOR_PRODUCT],
                         ids=lambda s: s.name)
def test_direction_errors_start_with_the_function_name(spec):
    """The tangent / upstream gradient is checked like the input, and named by its role."""
    x = np.zeros((2, 3))
    what = DIRECTIONS[spec.name]
    for bad in (np.ones((2, 3), dtype=complex), np.full((2, 3), "a")):
        with pytest.raises(TypeError) as excinfo:
            spec.func(x, bad)
        assert_names(str(excinfo.value), spec.name)
        assert what in str(excinfo.value)
    with pytest.raises(ValueError) as excinfo:
        spec.func(x, np.ones((3, 2)))
    assert_names(str(excinfo.value), spec.name)
    assert f"{what} of shape (3, 2)" in str(excinfo.value)


@pytest.mark.parametrize("name", ["gelu", "gelu_grad", "gelu_expr"])
def test_approximation_errors_start_with_the_function_name(name):
    import sympy as sp

    x = sp.Symbol("x") if name.endswith("_expr") else np.array([0.5])
    with pytest.raises(ValueError) as excinfo:
        getattr(activations, name)(x, approximate="erf")
    assert_names(str(excinfo.value), name)


FUSED = [record for record in activations.ACTIVATIONS if record.value_and_grad is not None]


@pytest.mark.parametrize("record", FUSED, ids=lambda record: record.name)
@pytest.mark.parametrize("bad, options", [
    (np.array([1 + 2j]), {}), (np.array(["a"]), {}), (np.array([0.5]), {"approximate": "erf"})],
    ids=["complex", "text", "unknown-approximation"])
def test_a_fused_kernel_refuses_what_the_function_refuses_with_its_message(record, bad, options):
    """``fn_and_grad`` (training's forward pass) says exactly what ``fn`` says about bad input."""
    with pytest.raises((TypeError, ValueError)) as alone:
        record.fn(bad, **options)
    with pytest.raises(alone.type) as together:
        record.fn_and_grad(bad, **options)
    assert str(together.value) == str(alone.value)
