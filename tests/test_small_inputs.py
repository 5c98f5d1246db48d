"""0-d and size-1 inputs against values computed independently (mpmath, closed forms).

A 0-d input is worked on as shape (1,) (``_numeric.real_input``), so
comparing a 0-d result with the same function's shape-(1,) result (as
``test_contract`` does for the scalar type) cannot see a bug both share: a
blocked loop that stops one block early returns uninitialised memory for
both. Here every function of ``conftest.FUNCTIONS`` and every parameter
setting is evaluated on 0-d, shape (1,) and shape (1, 1) inputs in each
float dtype and compared with :mod:`activations.reference` at 50 digits
(or an exact closed form), to the accuracy target of DESIGN section 8.
"""

from __future__ import annotations

import mpmath
import numpy as np
import pytest

import activations
from activations import reference

from .conftest import (ELEMENTWISE, FLOATS, GATED, GATED_GRAD, GATED_KINDS, JACOBIAN,
                       PARAM_GRAD, VECTOR, VECTOR_PRODUCT, companion, function_cases,
                       gated_upstream, materialize, paired)

POINTS = (-3.5, -1.25, -0.0, 0.0, 0.75, 2.5, 40.0, -np.inf, np.inf)
SHAPES = ((), (1,), (1, 1))


def exact_swish_grad_beta(t, beta):
    """d/dbeta of t * sigma(beta t) = t**2 sigma(beta t) sigma(-beta t), at 50 digits."""
    if mpmath.isinf(t):
        return mpmath.mpf(0) if beta != 0 else mpmath.inf
    with mpmath.workdps(60):
        u = beta * t      # sigma(u) sigma(-u), without the cancellation of 1 - sigma(u)
        return t * t / ((1 + mpmath.exp(-u)) * (1 + mpmath.exp(u)))


def expected_values(spec, x, kwargs, upstream):
    """Object array of exact values (mpf) for ``spec`` at ``x`` (a gated unit: at paired(x))."""
    if spec.kind in GATED_KINDS:
        pairs = paired(x, kwargs.get("axis", -1))
        if spec.kind == GATED:
            return reference.value(spec.record, pairs, **kwargs)
        if spec.kind == GATED_GRAD:
            return reference.derivative(spec.record, pairs, **kwargs)
        v = gated_upstream(pairs, kwargs.get("axis", -1))
        return reference.vjp(spec.record, pairs, v, **kwargs)
    if spec.kind == ELEMENTWISE:
        exact = reference.derivative if spec.name.endswith("_grad") else reference.value
        return exact(spec.record, x, **kwargs)
    if spec.kind == PARAM_GRAD:
        default = activations.get(spec.record).params[spec.param]
        param = np.asarray(kwargs.get(spec.param, default), dtype=np.float64)
        t = np.broadcast_to(x.astype(np.float64), x.shape).reshape(-1)
        g = np.broadcast_to(upstream, x.shape).reshape(-1)
        p = np.broadcast_to(param, x.shape).reshape(-1)
        if spec.record == "prelu":
            terms = [mpmath.mpf(float(gi)) * min(mpmath.mpf(float(ti)), 0) for ti, gi in zip(t, g)]
        else:
            terms = [mpmath.mpf(float(gi)) * exact_swish_grad_beta(mpmath.mpf(float(ti)),
                                                                   mpmath.mpf(float(pi)))
                     for ti, gi, pi in zip(t, g, p)]
        out = np.empty(param.shape, dtype=object)
        out.reshape(-1)[...] = [mpmath.fsum(terms)] if out.size == 1 else terms
        return out
    if spec.kind == VECTOR:
        name = "log_softmax" if spec.name == "log_softmax" else spec.record
        exact = reference.derivative if spec.name.endswith("_grad") else reference.value
        return exact(name, x, **kwargs)
    # A product with the Jacobian of softmax over one entry: that Jacobian is [[0]],
    # except where softmax itself is undefined (a lone -inf), which NaN propagates.
    shares = reference.value("softmax", x, **kwargs)
    zeros = np.where([mpmath.isnan(v) for v in shares.reshape(-1)], mpmath.nan, mpmath.mpf(0))
    shape = x.shape + x.shape[-1:] if spec.kind == JACOBIAN else x.shape
    return zeros.astype(object).reshape(shape)


def cases():
    out = []
    for case in function_cases():
        spec, params = case.values
        for shape in SHAPES:
            if spec.kind in (VECTOR, VECTOR_PRODUCT, JACOBIAN, *GATED_KINDS) and shape == ():
                continue            # a 0-d vector: test_contract (ValueError or the 1-slice)
            out.append(pytest.param(spec, params, shape, id=f"{case.id}-{shape}"))
    return out


@pytest.mark.parametrize("dtype", FLOATS, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("spec, params, shape", cases())
def test_tiny_inputs_match_the_reference(spec, params, shape, dtype):
    for point in POINTS:
        x = np.full(shape, point, dtype=dtype)
        kwargs = materialize(params, shape)
        upstream = np.full(shape, 0.5, dtype=dtype)
        if spec.kind == PARAM_GRAD:
            result = spec.func(x, upstream=upstream, **kwargs)
        elif spec.kind == VECTOR_PRODUCT:
            result = spec.func(x, companion(x), **kwargs)
        elif spec.kind in GATED_KINDS:
            result = spec.call(x, params)
        else:
            result = spec.func(x, **kwargs)
        if spec.kind != PARAM_GRAD:
            assert np.shape(result) == spec.result_shape(shape, params)
        exact = expected_values(spec, x, kwargs, upstream)
        errors = reference.target_error(np.asarray(result), exact,
                                        np.zeros(exact.shape, dtype=bool), dtype)
        assert np.all(errors <= reference.TARGET_ULP), (
            f"{spec.name}{params} at x = {point!r}, shape {shape}, {np.dtype(dtype).name}: "
            f"got {result!r}, expected {[mpmath.nstr(v, 17) for v in exact.reshape(-1)]}")


def test_slope_gradient_sums_overflow_and_multiply_zero_by_inf_quietly():
    """Documented results, under the strict error state: no warning, the honest inf and NaN."""
    with np.errstate(all="raise"):
        assert activations.prelu_grad_a(np.array([-1e308, -1e308])) == -np.inf
        assert np.isnan(activations.prelu_grad_a(np.array([-np.inf, 1.0]), upstream=[0.0, 1.0]))
        assert activations.prelu_grad_a(np.array([-1.0, 2.0]), a=9.0) == -1.0   # only a's shape


@pytest.mark.parametrize("name, keyword", [("prelu", "a"), ("prelu_grad", "a"),
                                           ("prelu_grad_a", "a"), ("swish", "beta"),
                                           ("swish_grad", "beta"), ("swish_grad_beta", "beta")])
def test_a_one_element_parameter_does_not_enlarge_a_0d_input(name, keyword):
    func = getattr(activations, name)
    assert np.shape(func(np.float64(-1.5), **{keyword: np.float64(0.5)})) == ()
    with pytest.raises(ValueError, match="does not broadcast"):
        func(np.float64(-1.5), **{keyword: np.array([0.5])})


BETAS = (0.5, 1.0, 1.702, 3.0)


def test_swish_beta_gradient_is_accurate_elementwise():
    """d/dbeta of x*sigma(beta*x) against mpmath, per element (beta of x's shape: no sum).

    The accuracy test measures values and derivatives in x; this is the parameter
    gradient a training loop uses, to the same 4-ULP target.
    """
    magnitudes = np.geomspace(1e-3, 700.0, 120)
    x = np.concatenate([magnitudes, -magnitudes])
    for beta in BETAS:
        b = np.full_like(x, beta)
        got = activations.swish_grad_beta(x, beta=b)
        exact = np.array([exact_swish_grad_beta(mpmath.mpf(float(t)), mpmath.mpf(beta))
                          for t in x], dtype=object)
        errors = reference.target_error(got, exact, np.zeros(x.shape, bool), np.float64)
        worst = int(np.argmax(errors))
        assert errors[worst] <= reference.TARGET_ULP, (
            f"beta={beta}: {errors[worst]:.3g} ULP at x={x[worst]!r}: got {got[worst]!r}, "
            f"expected {mpmath.nstr(exact[worst], 17)}")


def test_swish_beta_gradient_where_x_squared_overflows():
    """x**2 overflows for |x| > 1.3e154, while x**2 sigma'(beta x) is still finite."""
    x = np.array([1e160, -1e160, 1.2e160, -1.1e160])
    beta = 30.0 / np.abs(x)                 # beta*x = +-30: sigma' ~ 1e-13
    got = activations.swish_grad_beta(x, beta=beta)
    exact = np.array([exact_swish_grad_beta(mpmath.mpf(float(t)), mpmath.mpf(float(b)))
                      for t, b in zip(x, beta)], dtype=object)
    assert np.all(np.isfinite(got))
    assert np.all(reference.target_error(got, exact, np.zeros(4, bool), np.float64)
                  <= reference.TARGET_ULP)


def test_softmax_products_with_tangents_near_the_float_maximum():
    """s * (v - sum(s v)) when v holds numbers near 1.8e308: the difference must not overflow."""
    x = np.array([[0.0, 1.0, 2.0], [3.0, -1.0, 0.5]])
    v = np.array([[1.7e308, -1.7e308, 1e308], [-1.6e308, 1.7e308, -1e300]])
    for name in ("softmax_jvp", "softmax_vjp"):
        got = getattr(activations, name)(x, v)
        assert np.all(np.isfinite(got)), name
        s = reference.value("softmax", x)
        for row in range(2):
            with mpmath.workdps(60):
                mean = mpmath.fsum(s[row, j] * mpmath.mpf(float(v[row, j])) for j in range(3))
                exact = [s[row, j] * (mpmath.mpf(float(v[row, j])) - mean) for j in range(3)]
            errors = reference.ulp_error(got[row], np.array(exact, dtype=object), np.float64)
            assert np.all(errors <= reference.TARGET_ULP), (name, row, got[row], exact)
