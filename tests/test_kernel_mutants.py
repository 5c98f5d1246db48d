"""Behaviours of the shared kernels that mutation testing found unpinned (bench-results/mutants.md).

Each test pins a documented behaviour with a case small enough to check by
hand: the broadcast reduction of a parameter's gradient, and PReLU's slope
gradient under a reader's ``np.errstate(all="raise")`` when the sum
overflows or meets ``0 * inf``.
"""

import importlib

import numpy as np
import activations
import pytest

from activations import leaky_relu, prelu, prelu_grad_a, reference
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
    # upstream = +1 then -1 at x = -inf: the terms -inf and +inf make the sum NaN however
    # it is grouped, an honest "undefined" that must not become a FloatingPointError.
    x = np.array([-np.inf, -1.0, -np.inf, -1.0])
    upstream = np.array([1.0, 1.0, -1.0, -1.0])
    with np.errstate(all="raise"):
        assert np.isnan(prelu_grad_a(x, 0.25, upstream=upstream))


# --- the rectifiers' slope cast (leaky_relu, prelu: "How the slope is cast") --------

X32 = np.array([-3e38, -7.3, -1.1e-3, -1e-30, -0.0, 0.0, 2.5, np.inf, -np.inf], np.float32)


def _rectified(x, product):
    """x where x > 0, else the given product (NaN-free inputs)."""
    return np.where(x > 0, x, product)


@pytest.mark.parametrize("slopes", [0.1, [0.0, 0.1], [0.1, 1.3], [0.0, 0.1, -0.7, 1.3]],
                         ids=["scalar", "zero-and-normal", "both-sides-of-1", "mixed"])
def test_float32_product_uses_the_slope_rounded_to_float32(slopes):
    """A slope that is a normal float32 is rounded to float32 first, then multiplied in float32.

    0.1, 1.3 and -0.7 are not float32 numbers, so computing the product in
    float64 and rounding once (the path for non-normal slopes) gives other
    bits for some of these x; the documented result is the float32 product.
    """
    a = np.asarray(slopes, np.float64)
    x = np.repeat(X32[:, None], a.size, axis=1)
    with np.errstate(over="ignore", invalid="ignore"):
        expected = _rectified(x, x * a.astype(np.float32))
    expected[np.isinf(x) & (a == 0)] = np.maximum(x[np.isinf(x) & (a == 0)], 0)   # ReLU's limits
    got = prelu(x, a=a) if a.ndim else leaky_relu(x, negative_slope=float(a))
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("slope", [1e-40, 1e39], ids=["subnormal-in-float32", "beyond-float32"])
def test_float32_product_with_a_non_normal_slope_is_rounded_once(slope):
    """A slope that float32 cannot hold as a normal number: the float64 product, rounded once."""
    x = np.array([-3e38, -7.3, -1.1e-3, -1e-30, 2.5], np.float32)
    with np.errstate(over="ignore"):
        expected = _rectified(x, (x.astype(np.float64) * slope).astype(np.float32))
    for got in (leaky_relu(x, negative_slope=slope), prelu(x, a=np.array([slope]))):
        np.testing.assert_array_equal(got, expected)


def test_per_channel_zero_slope_repairs_only_its_own_infinities():
    # A zero slope turns 0 * (-inf) into ReLU's limit 0; the other channels keep a * (-inf).
    a = np.array([0.0, 0.5, -0.5, 2.0])
    got = prelu(np.full((2, 4), -np.inf), a=a)
    np.testing.assert_array_equal(got, [[0.0, -np.inf, np.inf, -np.inf]] * 2)


# --- messages that name what was wrong ---------------------------------------------

def test_ragged_input_message_names_the_function_and_the_input():
    with pytest.raises(TypeError, match=r"^relu\(\) could not turn its input into an array: "):
        activations.relu([[1.0, 2.0], [3.0]])


@pytest.mark.parametrize(("call", "message"), [
    (lambda: leaky_relu(np.ones(3), negative_slope="a"),
     r"^leaky_relu\(\) needs real parameter 'negative_slope' "),
    (lambda: prelu(np.ones(3), a=[[1.0, 2.0], [3.0]]),
     r"^prelu\(\) could not turn its parameter 'a' into an array: "),
])
def test_bad_slope_message_names_the_parameter(call, message):
    with pytest.raises(TypeError, match=message):
        call()


def test_float32_overflow_to_inf_is_a_result_not_a_warning():
    # A slope beyond float32's range: the float64 product -3e77 rounds to -inf in the final
    # cast, which is the correct rounding, so a reader's errstate(all="raise") must not fire.
    with np.errstate(all="raise"):
        got = leaky_relu(np.array([-3e38, 1.0], np.float32), negative_slope=1e39)
    np.testing.assert_array_equal(got, np.array([-np.inf, 1.0], np.float32))


# --- scaled arithmetic (activations._exact), as glu and swish use it -----------------

RAISE = dict(over="raise", invalid="raise", divide="raise")


def test_sigmoid_gated_product_in_the_far_tail_is_within_target():
    """glu(a, b) = a sigma(b) with a = 1.7e308 and b in [-760, -705]: sigma(b) ~ e^b is
    subnormal or 0, the product an ordinary number, formed from e^b = m 2**k."""
    b = -np.linspace(705.0, 760.0, 56)
    x = np.stack([np.full_like(b, 1.7e308), b], axis=-1)
    with np.errstate(**RAISE):
        got = activations.glu(x)
    errors = reference.measure("glu", x, got, False).errors
    assert errors.max() <= reference.TARGET_ULP, errors.max()


@pytest.mark.parametrize("call", [
    lambda x: activations.geglu(x), lambda x: activations.geglu_grad(x),
    lambda x: activations.geglu(x, approximate="tanh"),
    lambda x: activations.swiglu(x, beta=10.0), lambda x: activations.swiglu_grad(x, beta=10.0),
    lambda x: activations.geglu_vjp(x, np.full(x.shape[:-1] + (1,), -1.7e308)),
    lambda x: activations.swiglu_vjp(x, np.full(x.shape[:-1] + (1,), -1.7e308), beta=10.0),
], ids=["geglu", "geglu_grad", "geglu_tanh", "swiglu", "swiglu_grad", "geglu_vjp", "swiglu_vjp"])
def test_gates_far_beyond_their_tails_give_zeros_quietly(call):
    """b from -1e3 to -1.7e308 with a = 1.7e308: the gate and its slope vanish against any
    product of floats, so every entry is a zero (signed), never NaN or inf, and nothing warns.

    Beyond t = -5000 (b^2 / 2 for GELU, beta b for the swish gate, down to
    t = -inf when beta b overflows) e^t is held at e^-5000 = 2**-7213, whose
    low part is dropped: e^{t + lo} with a low part of b^2 up to +-2**12
    would overflow exp.
    """
    b = -np.geomspace(1e3, 1.7e308, 4000)
    x = np.stack([np.full_like(b, 1.7e308), b], axis=-1)
    with np.errstate(**RAISE):
        got = call(x)
    assert np.all(got == 0), got[got != 0][:5]


@pytest.mark.parametrize("name", ["swish", "swish_grad", "swish_grad_beta"])
def test_infinite_input_with_a_rounded_beta_is_quiet(name):
    """x = +-inf with beta = 0.3 (beta x rounded, so its error is recovered): the splits of an
    infinity are NaN internally and must stay masked and silent; the limits are returned."""
    x = np.array([-np.inf, np.inf, -1e308, 1e308])
    call = getattr(activations, name)
    kwargs = {"beta": np.full_like(x, 0.3)} if name == "swish_grad_beta" else {"beta": 0.3}
    with np.errstate(**RAISE):
        got = call(x, **kwargs)
    # the limits: x sigma(beta x) -> 0 or x; its x-derivative -> 0 or 1; x^2 sigma sigma' -> 0
    expected = {"swish": [0.0, np.inf, 0.0, 1e308], "swish_grad": [0.0, 1.0, 0.0, 1.0],
                "swish_grad_beta": [0.0, 0.0, 0.0, 0.0]}[name]
    np.testing.assert_array_equal(got, expected)


def test_a_gated_vjp_that_overflows_is_inf_quietly():
    """v a g'(b) beyond the float range is inf, formed by ldexp without an overflow warning.

    With a = 1.79e308 and g'(b) > 1 (GELU' and Swish' exceed 1 near b = 1.5)
    the partial product g'(b) a already overflows, so the product takes the
    scaled path and its exponent is applied by ldexp, whose overflow must stay
    silent: inf is the correctly rounded result.
    """
    x = np.array([[1.79e308, 1.5], [1.79e308, 1.4], [-1.79e308, 1.45]])
    v = np.full((3, 1), 1.7e308)
    for name in ("geglu_vjp", "swiglu_vjp"):
        with np.errstate(**RAISE):
            got = getattr(activations, name)(x, v)
        exact = reference.vjp(name.removesuffix("_vjp"), x, v)
        errors = reference.ulp_error(got, exact, np.float64)
        assert np.isinf(got[:, 1]).all() and errors.max() <= 6, (name, got, errors)
