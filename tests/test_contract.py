"""The numerical contract of every public function (DESIGN section 3; issue 2, item 2).

Each test runs over ``FUNCTIONS`` x the parameter settings in ``conftest.SETTINGS``:
values, derivatives, parameter gradients, log_softmax, the softmax
Jacobian-vector products and the Jacobian itself.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

import activations

from .conftest import (ELEMENTWISE, FLOATS, GATED, GATED_KINDS, GATED_VJP, JACOBIAN, PARAM_GRAD,
                       VECTOR, VECTOR_PRODUCT, FUNCTIONS, function_cases, gated_upstream,
                       activation_cases, materialize, special_values)

ALL = function_cases()
AXIS_FUNCTIONS = [pytest.param(spec, id=spec.name) for spec in FUNCTIONS
                  if spec.kind in (VECTOR, VECTOR_PRODUCT)]
ELEMENTWISE_LIKE = function_cases({ELEMENTWISE, PARAM_GRAD})
VECTOR_LIKE = function_cases({VECTOR, VECTOR_PRODUCT, JACOBIAN})
STRICT = dict(over="raise", invalid="raise", divide="raise")


def strict_call(spec, x, params, **kwargs):
    """Call with floating-point errors raised (warnings are errors under pytest too)."""
    with np.errstate(**STRICT):
        return spec.call(x, params, **kwargs)


def per_element(spec, kwargs, shape):
    """The learnable parameter of ``spec`` repeated to ``shape``: no reduction happens."""
    value = kwargs.get(spec.param, activations.get(spec.record).params[spec.param])
    return np.broadcast_to(value, shape).copy()


def sample(shape, dtype):
    """Deterministic mixed-sign input of ``shape`` away from 0."""
    n = int(np.prod(shape))
    return (np.linspace(-3.0, 2.5, n) + 0.125).reshape(shape).astype(dtype)


# --- dtypes and shapes ----------------------------------------------------------------------

@pytest.mark.parametrize("dtype", FLOATS, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("spec, params", ALL)
def test_float_dtype_and_shape_are_preserved(spec, params, dtype):
    for shape in [(7,), (3, 4, 5), (2, 3)]:
        out = strict_call(spec, sample(shape, dtype), params)
        assert out.dtype == dtype, f"{spec.name}: {out.dtype} for {np.dtype(dtype)} input"
        assert np.shape(out) == spec.result_shape(shape, params)


@pytest.mark.parametrize("dtype", [np.int8, np.int32, np.int64, np.uint8, np.bool_],
                         ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("spec, params", ALL)
def test_integers_and_bools_promote_to_float64(spec, params, dtype):
    x = np.array([[0, 1, 1], [1, 0, 1]]).astype(dtype)
    if dtype != np.bool_ and dtype != np.uint8:
        x = x * np.array([-2, 1, 3]).astype(dtype)
    out = strict_call(spec, x, params)
    assert out.dtype == np.float64
    expected = strict_call(spec, x.astype(np.float64), params)
    np.testing.assert_array_equal(out, expected)


@pytest.mark.parametrize("spec, params", ALL)
def test_lists_are_accepted_as_float64(spec, params):
    values = [[-1.5, 0.25, 2.0], [3.0, -0.5, 1.0]]
    out = strict_call(spec, values, params)
    assert out.dtype == np.float64
    assert np.shape(out) == spec.result_shape((2, 3), params)
    np.testing.assert_array_equal(out, strict_call(spec, np.array(values), params))


@pytest.mark.parametrize("dtype", FLOATS, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("spec, params", ELEMENTWISE_LIKE)
def test_zero_dim_input_gives_a_numpy_scalar(spec, params, dtype):
    """Like a ufunc (vector functions: see test_vector_function_of_a_scalar)."""
    for x in (dtype(-1.25), np.array(0.75, dtype=dtype)):
        out = strict_call(spec, x, params)
        assert isinstance(out, np.generic), f"{spec.name} returned {type(out).__name__}"
        assert out.dtype == dtype
        as_array = strict_call(spec, np.reshape(x, (1,)), params)
        np.testing.assert_array_equal(out, np.ravel(as_array)[0])


@pytest.mark.parametrize("spec, params", function_cases({ELEMENTWISE, PARAM_GRAD}))
@pytest.mark.parametrize("value", [-2.0, 3, True], ids=repr)
def test_python_scalars_give_float64_scalars(spec, params, value):
    out = strict_call(spec, value, params)
    assert isinstance(out, np.float64), f"{spec.name}({value!r}) -> {type(out).__name__}"


@pytest.mark.parametrize("spec, params", VECTOR_LIKE)
def test_vector_function_of_a_scalar(spec, params):
    """A 0-d input to softmax & co.: either a clear ValueError or the 1-slice result."""
    try:
        out = strict_call(spec, np.float32(0.5), params)
    except ValueError as exc:
        assert spec.name in str(exc)
        return
    assert isinstance(out, np.generic) and out.dtype == np.float32
    if spec.name == "softmax":
        assert out == 1
    elif spec.name == "log_softmax":
        assert out == 0


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("spec, params", ALL)
def test_empty_arrays_keep_their_shape(spec, params, dtype):
    for shape in [(0,), (3, 0), (0, 4)]:
        out = strict_call(spec, np.empty(shape, dtype=dtype), params)
        assert out.dtype == dtype
        assert np.shape(out) == spec.result_shape(shape, params)


# --- extreme inputs: no warnings, NaN in means NaN out -----------------------------------------

@pytest.mark.parametrize("dtype", FLOATS, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("spec, params", ELEMENTWISE_LIKE)
def test_extreme_inputs_raise_no_floating_point_error(spec, params, dtype):
    """+-0, subnormals, exp's overflow points, +-1e308, +-max, +-inf: no warning, no NaN.

    Every activation has a limit (possibly infinite) at +-inf and is defined
    everywhere else, so a NaN from a non-NaN input is a bug (usually inf*0).
    A parameter gradient is given a parameter of the input's shape so that
    each element is its own result (a sum of +inf and -inf would be NaN).
    """
    x = special_values(dtype)
    kwargs = materialize(params, x.shape)
    if spec.kind == PARAM_GRAD:
        kwargs[spec.param] = per_element(spec, kwargs, x.shape)
    with np.errstate(**STRICT):
        out = spec.func(x, **kwargs)
    assert out.dtype == dtype and out.shape == x.shape
    bad = np.isnan(out)
    assert not bad.any(), f"{spec.name} gives NaN at {x[bad]}"


def extreme_rows(dtype):
    """Rows of three logits mixing each special value with ordinary ones."""
    rows = []
    for e in special_values(dtype):
        rows += [[e, 0.0, 1.0], [e, e, e], [e, -e, 0.0], [-e, e, e]]
    return np.array(rows, dtype=dtype)


@pytest.mark.parametrize("dtype", FLOATS, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("spec, params", VECTOR_LIKE)
def test_extreme_logits_raise_no_floating_point_error(spec, params, dtype):
    """Softmax & co. on rows with +-1e308, +-max, +-inf: no warning; NaN only for undefined rows.

    A row with one +inf has a limit (all mass there); a row with several
    +inf entries or only -inf entries has none, and only those may be NaN.
    """
    rows = extreme_rows(dtype)
    x = rows if params.get("axis", -1) == -1 else rows.T
    out = strict_call(spec, x, params)
    assert out.dtype == dtype
    out_rows = out if params.get("axis", -1) == -1 else np.swapaxes(out, 0, 1)
    undefined = np.all(rows == -np.inf, axis=-1) | (np.sum(rows == np.inf, axis=-1) > 1)
    nan_rows = np.isnan(out_rows).reshape(len(rows), -1).any(axis=-1)
    assert not (nan_rows & ~undefined).any(), \
        f"{spec.name} gives NaN for rows {rows[nan_rows & ~undefined]}"
    assert nan_rows[undefined].all(), f"{spec.name} gives a number for an undefined row"


@pytest.mark.parametrize("dtype", FLOATS, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("spec, params", ELEMENTWISE_LIKE)
def test_nan_propagates_elementwise(spec, params, dtype):
    x = np.array([np.nan, -1.0, 0.5, np.nan, 2.0, -0.0], dtype=dtype)
    kwargs = materialize(params, x.shape)
    if spec.kind == PARAM_GRAD:
        kwargs[spec.param] = per_element(spec, kwargs, x.shape)
    with np.errstate(**STRICT):
        out = spec.func(x, **kwargs)
    np.testing.assert_array_equal(np.isnan(out), np.isnan(x))


@pytest.mark.parametrize("dtype", FLOATS, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("spec, params", function_cases({PARAM_GRAD}))
def test_nan_propagates_into_a_reduced_parameter_gradient(spec, params, dtype):
    x = np.array([[np.nan, -1.0, 0.5], [1.0, -2.0, 0.25]], dtype=dtype)
    out = strict_call(spec, x, params)
    assert np.isnan(out).any()


@pytest.mark.parametrize("dtype", FLOATS, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("spec, params", VECTOR_LIKE)
def test_nan_propagates_within_its_slice(spec, params, dtype):
    rows = np.array([[np.nan, 1.0, 2.0], [0.0, 1.0, 2.0], [3.0, np.nan, -1.0]], dtype=dtype)
    axis = params.get("axis", -1)
    x = rows if axis == -1 else rows.T
    out = strict_call(spec, x, params)
    out_rows = out if axis == -1 else np.swapaxes(out, 0, 1)
    nan_rows = np.isnan(out_rows).reshape(3, -1)
    assert nan_rows[0].any() and nan_rows[2].any()
    assert not nan_rows[1].any(), "NaN leaked into another slice"


# --- errors -------------------------------------------------------------------------------------

BAD_INPUTS = [
    pytest.param(np.array(["a", "b"]), id="str"),
    pytest.param("relu", id="python-str"),
    pytest.param(np.array([1.0, None], dtype=object), id="object"),
    pytest.param(np.array([1 + 2j, 0.5]), id="complex"),
    pytest.param(np.array([1.0, 2.0], dtype=np.complex64), id="complex64"),
]


@pytest.mark.parametrize("bad", BAD_INPUTS)
@pytest.mark.parametrize("spec, params", ALL)
def test_non_real_input_is_a_type_error_naming_function_and_dtype(spec, params, bad):
    with pytest.raises(TypeError) as excinfo:
        spec.call(bad, params)
    message = str(excinfo.value)
    assert spec.name in message
    assert str(np.asarray(bad).dtype) in message


@pytest.mark.parametrize("name", ["gelu", "gelu_grad", "gelu_expr"])
@pytest.mark.parametrize("approximate", ["erf", "Tanh", "", None, "exact"], ids=repr)
def test_unknown_gelu_approximation_is_a_value_error_naming_the_choices(name, approximate):
    func = getattr(activations, name)
    x = sp.Symbol("x") if name.endswith("_expr") else np.array([0.5])
    with pytest.raises(ValueError) as excinfo:
        func(x, approximate=approximate)
    for choice in ("none", "tanh", "sigmoid"):
        assert choice in str(excinfo.value)


@pytest.mark.parametrize("spec", AXIS_FUNCTIONS)
@pytest.mark.parametrize("axis", [2, -3, 5])
def test_softmax_axis_out_of_range_is_a_value_error(spec, axis):
    x = np.zeros((2, 3))
    with pytest.raises(ValueError) as excinfo:
        spec.call(x, {"axis": axis})
    assert spec.name in str(excinfo.value)


@pytest.mark.parametrize("name", ["prelu", "prelu_grad", "prelu_grad_a"])
@pytest.mark.parametrize("a_shape", [(3,), (2, 1, 4), (4, 2), (5,)], ids=str)
def test_prelu_slope_that_cannot_broadcast_is_a_value_error(name, a_shape):
    """A slope must broadcast to x's shape (3, 4) without enlarging it."""
    with pytest.raises(ValueError) as excinfo:
        getattr(activations, name)(np.ones((3, 4)), a=np.full(a_shape, 0.25))
    assert name in str(excinfo.value)


@pytest.mark.parametrize("name", ["swish", "swish_grad", "swish_grad_beta"])
@pytest.mark.parametrize("beta_shape", [(3,), (2, 3, 4)], ids=str)
def test_swish_beta_that_cannot_broadcast_is_a_value_error(name, beta_shape):
    with pytest.raises(ValueError) as excinfo:
        getattr(activations, name)(np.ones((3, 4)), beta=np.full(beta_shape, 1.0))
    assert name in str(excinfo.value)


@pytest.mark.parametrize("name, keyword", [
    ("swish", "beta"), ("swish_grad", "beta"), ("swish_grad_beta", "beta"),
    ("leaky_relu", "negative_slope"), ("leaky_relu_grad", "negative_slope"),
])
@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf], ids=repr)
def test_non_finite_parameter_is_a_value_error(name, keyword, value):
    with pytest.raises(ValueError) as excinfo:
        getattr(activations, name)(np.array([0.5, -1.0]), **{keyword: value})
    assert name in str(excinfo.value)


@pytest.mark.parametrize("name, keyword", [
    ("leaky_relu", "negative_slope"), ("prelu", "a"), ("swish", "beta"),
])
def test_complex_parameter_is_a_type_error(name, keyword):
    with pytest.raises(TypeError):
        getattr(activations, name)(np.array([0.5, -1.0]), **{keyword: 0.5 + 1j})


@pytest.mark.parametrize("dtype", FLOATS, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("name", ["softmax_jvp", "softmax_vjp"])
def test_nan_in_the_tangent_propagates_within_its_slice(name, dtype):
    x = np.array([[0.5, 1.0, 2.0], [0.0, 1.0, 2.0]], dtype=dtype)
    v = np.array([[np.nan, 1.0, 0.0], [1.0, -1.0, 0.5]], dtype=dtype)
    with np.errstate(**STRICT):
        out = getattr(activations, name)(x, v)
    assert out.dtype == dtype
    assert np.isnan(out[0]).any() and not np.isnan(out[1]).any()


# --- gated units: halves, axes, NaN by pair ---------------------------------------------------

GATED_FUNCTIONS = [pytest.param(spec, id=spec.name) for spec in FUNCTIONS
                   if spec.kind in GATED_KINDS]


def gated_call(spec, x, axis, v=None):
    """Call a gated function on ``x`` as it is (no pairing); a VJP gets ``v`` or a companion."""
    if spec.kind == GATED_VJP:
        return spec.func(x, gated_upstream(x, axis) if v is None else v, axis=axis)
    return spec.func(x, axis=axis)


@pytest.mark.parametrize("spec", GATED_FUNCTIONS)
@pytest.mark.parametrize("shape, axis, size", [((3, 5), -1, 5), ((7, 4), 0, 7), ((2, 3, 4), 1, 3)],
                         ids=str)
def test_gated_odd_size_is_a_value_error_naming_size_and_axis(spec, shape, axis, size):
    with pytest.raises(ValueError) as excinfo:
        spec.func(np.ones(shape), *([np.ones(1)] if spec.kind == GATED_VJP else []), axis=axis)
    message = str(excinfo.value)
    assert message.startswith(f"{spec.name}()"), message
    assert f"size {size}" in message and f"axis {axis}" in message, message


@pytest.mark.parametrize("spec", GATED_FUNCTIONS)
@pytest.mark.parametrize("axis", [2, -3, 5])
def test_gated_axis_out_of_range_is_a_value_error(spec, axis):
    with pytest.raises(ValueError) as excinfo:
        gated_call(spec, np.zeros((2, 4)), axis, v=np.zeros((2, 2)))
    message = str(excinfo.value)
    assert message.startswith(f"{spec.name}()") and f"axis {axis}" in message, message


@pytest.mark.parametrize("spec", GATED_FUNCTIONS)
def test_gated_non_integer_axis_is_a_type_error(spec):
    with pytest.raises(TypeError) as excinfo:
        gated_call(spec, np.zeros((2, 4)), 1.0, v=np.zeros((2, 2)))
    assert str(excinfo.value).startswith(f"{spec.name}()")


@pytest.mark.parametrize("dtype", FLOATS, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("spec, params", function_cases(GATED_KINDS))
def test_nan_propagates_pair_by_pair(spec, params, dtype):
    """A NaN in a, b (or v) makes NaN exactly the outputs that depend on it.

    y = a g(b) depends on its pair; of the VJP, the first half v g(b) on b
    and v, the second v a g'(b) on a, b and v. Nothing leaks to other pairs.
    """
    axis = params.get("axis", -1)
    kwargs = {k: val for k, val in params.items() if k != "axis"}
    a = np.array([np.nan, -1.0, 0.5, 2.0, -0.25, 1.5])
    b = np.array([0.5, np.nan, -1.0, 2.0, 0.75, -2.0])
    v = np.array([1.0, 0.5, -2.0, np.nan, 1.5, 0.0])
    x = np.concatenate([a, b])[:, None] if axis == 0 else np.concatenate([a, b])[None, :]
    v_in = v[:, None] if axis == 0 else v[None, :]
    with np.errstate(**STRICT):
        if spec.kind == GATED_VJP:
            out = spec.func(x.astype(dtype), v_in.astype(dtype), axis=axis, **kwargs)
        else:
            out = spec.func(x.astype(dtype), axis=axis, **kwargs)
    out = np.ravel(out)
    if spec.kind == GATED:
        expected = np.isnan(a) | np.isnan(b)
    else:
        upstream_nan = np.isnan(v) if spec.kind == GATED_VJP else np.zeros(6, bool)
        expected = np.concatenate([np.isnan(b) | upstream_nan,
                                   np.isnan(a) | np.isnan(b) | upstream_nan])
    np.testing.assert_array_equal(np.isnan(out), expected)


# --- value and derivative together (training's forward pass) ----------------------------------

def _fused_inputs(dtype) -> np.ndarray:
    """Every special value, NaN, and a dense grid over the kernels' pieces, as 3 rows."""
    grid = np.linspace(-45.0, 45.0, 2999).astype(dtype)
    values = np.concatenate([special_values(dtype), np.array([np.nan], dtype=dtype), grid])
    values = np.concatenate([values, values[: (-len(values)) % 3]])
    return values.reshape(3, -1)


@pytest.mark.parametrize("dtype", FLOATS, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize(("record", "params"), activation_cases())
def test_value_and_grad_together_are_bitwise_the_separate_calls(record, params, dtype):
    """``fn_and_grad`` (GELU's shared normal CDF) changes no bit of either result."""
    x = _fused_inputs(dtype)
    kwargs = materialize(params, x.shape)
    value, slope = record.fn_and_grad(x, **kwargs)
    for together, alone in ((value, record.fn(x, **kwargs)), (slope, record.grad(x, **kwargs))):
        assert together.dtype == alone.dtype
        # Compared as bits: equal NaNs and the sign of zero count too.
        assert together.tobytes() == alone.tobytes()


def test_a_replaced_function_cannot_keep_a_fused_kernel_that_disagrees():
    """``dataclasses.replace(GELU, fn=...)`` keeping GELU's shared kernel would train the old GELU."""
    import dataclasses

    from activations import GELU, gelu

    with pytest.raises(ValueError, match="value_and_grad does not return"):
        dataclasses.replace(GELU, name="shifted", fn=lambda z: gelu(z) - 0.5)
    shifted = dataclasses.replace(GELU, name="shifted", fn=lambda z: gelu(z) - 0.5,
                                  value_and_grad=None)
    value, _ = shifted.fn_and_grad(np.array([0.0]))
    assert value[0] == -0.5


# --- inputs are only read ----------------------------------------------------------------------

@pytest.mark.parametrize("dtype", FLOATS, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("spec, params", ALL)
def test_inputs_are_read_only_to_every_function(spec, params, dtype):
    """A read-only input (extremes included) is accepted, left as it was, and not returned as a view.

    The package converts inputs without copying when the dtype already
    fits (``_numeric.real_input``), so a kernel writing into its work array
    would change the caller's data: NumPy raises here instead.
    """
    shape = (6, 4)
    x = sample(shape, dtype)
    specials = special_values(dtype)[:x.size]
    x.flat[:len(specials)] = specials
    before = x.copy()
    x.setflags(write=False)
    with np.errstate(all="ignore"):
        out = spec.call(x, params)
    np.testing.assert_array_equal(x, before)
    assert not np.shares_memory(out, x), f"{spec.name} returns a view of its input"
