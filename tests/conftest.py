"""Shared tables and helpers for the library's generic tests.

Everything the generic tests iterate over lives here, in one place:

* ``SETTINGS``: the parameter settings each activation is tested with
  (GELU's three approximations, leaky slopes, scalar and per-channel PReLU
  slopes, Swish betas, softmax axes);
* ``FUNCTIONS``: every public numeric function of the package with the way
  it is called (elementwise, gradient of a learnable parameter, vector
  function along an axis, Jacobian-vector product, full Jacobian);
* helpers that build inputs (``special_values``), materialise per-channel
  parameters for a given input shape (``PerChannel``) and compare in ULPs.

Tests import from here (``from .conftest import ...``) and parametrize over
these tables, in the style of PyTorch's ``test_modules.py``: one test over
the registry instead of one hand-written test per function.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import mpmath
import numpy as np
import pytest

import activations
from activations import reference

from .settings import SETTINGS, PerChannel  # noqa: F401  (re-exported to the tests)

#: Chapter order of Part II (DESIGN section 5); registry, modules and chapters share these names.
CHAPTER_ORDER = (
    "sigmoid", "tanh", "relu", "leaky_relu", "prelu", "softmax", "swish", "gelu", "selu", "glu",
)

FLOATS = (np.float16, np.float32, np.float64)

#: BibTeX keys the records may cite (the common brief's list).
BIBTEX_KEYS = frozenset({
    "rumelhart1986learning", "lecun1998efficient", "nair2010rectified", "glorot2011deep",
    "maas2013rectifier", "he2015delving", "bridle1990probabilistic",
    "ramachandran2017searching", "elfwing2018sigmoid", "hendrycks2016gaussian",
    "klambauer2017self", "glorot2010understanding", "hochreiter1997long", "cho2014learning",
    "kingma2015adam", "goldberg1991every", "higham2002accuracy", "dauphin2017language",
    "shazeer2020glu",
})

#: The exact public API of each module (common brief, "Shared conventions").
PUBLIC_API = {
    "sigmoid": ("sigmoid", "sigmoid_grad", "sigmoid_expr", "SIGMOID"),
    "tanh": ("tanh", "tanh_grad", "tanh_expr", "TANH"),
    "relu": ("relu", "relu_grad", "relu_expr", "RELU"),
    "leaky_relu": ("leaky_relu", "leaky_relu_grad", "leaky_relu_expr", "LEAKY_RELU"),
    "prelu": ("prelu", "prelu_grad", "prelu_grad_a", "prelu_expr", "PRELU"),
    "softmax": ("softmax", "softmax_grad", "log_softmax", "softmax_jvp", "softmax_vjp",
                "softmax_jacobian", "softmax_expr", "online_softmax", "SOFTMAX"),
    "swish": ("swish", "swish_grad", "swish_grad_beta", "swish_expr", "SWISH"),
    "gelu": ("gelu", "gelu_grad", "gelu_expr", "GELU"),
    "selu": ("selu", "selu_grad", "selu_expr", "SELU", "SELU_ALPHA", "SELU_SCALE",
             "derive_selu_constants"),
    "glu": tuple(f"{name}{suffix}" for name in ("glu", "reglu", "geglu", "swiglu")
                 for suffix in ("", "_grad", "_vjp", "_expr"))
           + ("GLU", "REGLU", "GEGLU", "SWIGLU"),
}

#: Published SELU constants (Klambauer et al. 2017, klambauer2017self), as strings so
#: that no digit is lost to float64.
PUBLISHED_SELU_ALPHA = "1.6732632423543772848170429916717"
PUBLISHED_SELU_SCALE = "1.0507009873554804934193349852946"


#: The learnable parameter of each activation that has one (its gradient is reduced to its shape).
LEARNABLE = {"prelu": ("a", "prelu_grad_a"), "swish": ("beta", "swish_grad_beta")}

# How a public function is called.
ELEMENTWISE = "elementwise"        # f(x, **params), result has x's shape
PARAM_GRAD = "param_grad"          # f(x, upstream=..., **params), result has the parameter's shape
VECTOR = "vector"                  # f(x, axis=...), result has x's shape
VECTOR_PRODUCT = "vector_product"  # f(x, v, axis=...), result has x's shape
JACOBIAN = "jacobian"              # f(x), result has shape x.shape + (n,)
GATED = "gated"                    # f(x, axis=...), 2n inputs along axis -> n outputs
GATED_GRAD = "gated_grad"          # f(x, axis=...), result has x's shape (two diagonals)
GATED_VJP = "gated_vjp"            # f(x, v, axis=...), v of the output's shape
GATED_KINDS = (GATED, GATED_GRAD, GATED_VJP)


def is_scalar_setting(params: dict) -> bool:
    """True when no parameter is per-channel (SymPy forms need scalars)."""
    return not any(isinstance(v, PerChannel) for v in params.values())


def materialize(params: dict, shape: tuple[int, ...]) -> dict:
    """Replace each :class:`PerChannel` marker by an array for inputs of ``shape``."""
    return {k: (v.build(shape) if isinstance(v, PerChannel) else v) for k, v in params.items()}


def companion(x) -> np.ndarray:
    """A deterministic tangent/cotangent vector with the shape and dtype of ``x``."""
    arr = np.asarray(x)
    dtype = arr.dtype if arr.dtype in (np.float16, np.float32, np.float64) else np.float64
    return np.cos(np.arange(arr.size) + 0.5).reshape(arr.shape).astype(dtype)


@dataclass(frozen=True)
class FunctionSpec:
    """One public function of the package and how to call it."""

    name: str
    record: str
    kind: str
    param: str | None = None

    @property
    def func(self) -> Callable:
        return getattr(activations, self.name)

    @property
    def settings(self) -> dict[str, dict]:
        if self.kind == JACOBIAN:
            return {"default": {}}
        return SETTINGS[self.record]

    def call(self, x, params: dict, upstream=None):
        """Call the function on ``x`` with ``params`` (per-channel ones built for x).

        A gated function gets ``x`` paired with its mirror image along the
        axis, ``[x, flip(x)]``: twice the size, so that each test input of
        any shape is a valid one, with value and gate halves that differ.
        """
        kwargs = materialize(params, np.shape(x))
        if self.kind in GATED_KINDS:
            x = paired(x, kwargs.get("axis", -1))
            if self.kind == GATED_VJP:
                return self.func(x, gated_upstream(x, kwargs.get("axis", -1)), **kwargs)
            return self.func(x, **kwargs)
        if self.kind == PARAM_GRAD:
            return self.func(x, upstream=upstream, **kwargs)
        if self.kind == VECTOR_PRODUCT:
            return self.func(x, companion(x), **kwargs)
        return self.func(x, **kwargs)

    def result_shape(self, x_shape: tuple[int, ...], params: dict) -> tuple[int, ...]:
        if self.kind == PARAM_GRAD:
            return np.shape(materialize(params, x_shape).get(self.param, 0.0))
        if self.kind == JACOBIAN:
            return tuple(x_shape) + tuple(x_shape[-1:])
        if self.kind in (GATED_GRAD, GATED_VJP):   # the paired input's shape
            axis = params.get("axis", -1) % len(x_shape)
            return tuple(n * 2 if i == axis else n for i, n in enumerate(x_shape))
        return tuple(x_shape)


def gated_upstream(x, axis=-1, like=None):
    """A :func:`companion` upstream gradient for a gated unit's output (dtype of ``like``)."""
    arr = np.asarray(x if like is None else like)
    if arr.ndim == 0 or arr.dtype.kind not in "biuf":
        return companion(arr)
    return companion(np.split(arr, 2, axis)[0])


def paired(x, axis=-1):
    """``[x, flip(x)]`` along ``axis``: an input for a gated unit (a 0-d ``x`` is left alone)."""
    arr = np.asarray(x)
    if arr.ndim == 0:
        return x
    return np.concatenate([arr, np.flip(arr, axis)], axis=axis)


def _function_specs() -> tuple[FunctionSpec, ...]:
    specs = []
    for record in activations.ACTIVATIONS:
        kind = VECTOR if record.vector else ELEMENTWISE
        specs.append(FunctionSpec(record.fn.__name__, record.name, kind))
        specs.append(FunctionSpec(record.grad.__name__, record.name, kind))
    for record in activations.GATED:
        specs.append(FunctionSpec(record.fn.__name__, record.name, GATED))
        specs.append(FunctionSpec(record.grad.__name__, record.name, GATED_GRAD))
        specs.append(FunctionSpec(record.vjp.__name__, record.name, GATED_VJP))
    for record_name, (param, grad_name) in LEARNABLE.items():
        specs.append(FunctionSpec(grad_name, record_name, PARAM_GRAD, param))
    specs += [
        FunctionSpec("log_softmax", "softmax", VECTOR),
        FunctionSpec("online_softmax", "softmax", VECTOR),
        FunctionSpec("softmax_jvp", "softmax", VECTOR_PRODUCT),
        FunctionSpec("softmax_vjp", "softmax", VECTOR_PRODUCT),
        FunctionSpec("softmax_jacobian", "softmax", JACOBIAN),
    ]
    return tuple(specs)


#: Every public numeric function of the package (test_registry checks none is missing).
FUNCTIONS = _function_specs()


def function_cases(kinds=None):
    """``pytest.param(spec, params)`` for every function and parameter setting."""
    cases = []
    for spec in FUNCTIONS:
        if kinds is not None and spec.kind not in kinds:
            continue
        for setting_id, params in spec.settings.items():
            cases.append(pytest.param(spec, params, id=f"{spec.name}[{setting_id}]"))
    return cases


def activation_cases(vector=None, scalar_only=False, gated=False):
    """``pytest.param(record, params)`` for every registry record and setting.

    Elementwise and vector records by default; ``gated=True`` gives the
    gated units instead (``record.gated``), whose tests pair the halves.
    """
    cases = []
    for record in (activations.GATED if gated else activations.ACTIVATIONS):
        if vector is not None and record.vector != vector:
            continue
        for setting_id, params in SETTINGS[record.name].items():
            if scalar_only and not is_scalar_setting(params):
                continue
            cases.append(pytest.param(record, params, id=f"{record.name}[{setting_id}]"))
    return cases


def special_values(dtype) -> np.ndarray:
    """Inputs where naive formulas break, representable in ``dtype``.

    Signed zeros, the smallest subnormal and normal numbers, the overflow
    points of ``exp`` in float32/float64, 1e4, 1e154 (where ``x*x``
    overflows in float64), 1e300, 1e308, the largest finite number and
    infinity, each with both signs.
    """
    info = np.finfo(dtype)
    magnitudes = [
        float(info.smallest_subnormal), float(info.tiny), 1e-30, 1e-7, 0.5, 1.0, 17.0, 37.0,
        88.7, 89.0, 103.0, 709.8, 745.0, 1e4, 1e19, 1e38, 1e154, 1e300, 1e308, float(info.max),
        math.inf,
    ]
    # Keep only magnitudes the dtype represents, so building the array does not overflow.
    kept = [m for m in magnitudes if m <= float(info.max) or math.isinf(m)]
    kept = [m for m in kept if m == 0 or m >= float(info.smallest_subnormal)]
    values = [0.0, -0.0] + kept + [-m for m in kept]
    return np.array(values, dtype=dtype)


def ulp_distance(actual, desired, dtype) -> np.ndarray:
    """|actual - desired| in units of ``np.spacing(desired)`` of ``dtype``.

    Both are compared in float64 (exact for float16/32). Equal values,
    including equal infinities, are 0 apart; a NaN on one side only is
    infinitely far.
    """
    a = np.asarray(actual, dtype=np.float64)
    d = np.asarray(desired, dtype=np.float64)
    spacing = np.abs(np.spacing(d.astype(dtype)).astype(np.float64))
    with np.errstate(invalid="ignore"):
        dist = np.abs(a - d) / spacing
    dist = np.where(a == d, 0.0, dist)
    both_nan = np.isnan(a) & np.isnan(d)
    return np.where(both_nan, 0.0, np.where(np.isnan(dist), np.inf, dist))


def assert_ulp_close(actual, desired, dtype, ulps: float, abs_floor: float = 0.0, what=""):
    """Assert ``actual`` is within ``ulps`` ULP of ``desired`` (or ``abs_floor`` absolute)."""
    dist = ulp_distance(actual, desired, dtype)
    with np.errstate(invalid="ignore"):
        absolute = np.abs(np.asarray(actual, np.float64) - np.asarray(desired, np.float64))
    ok = (dist <= ulps) | (absolute <= abs_floor)
    if not np.all(ok):
        i = np.flatnonzero(~np.ravel(ok))[0]
        raise AssertionError(
            f"{what}: {np.count_nonzero(~ok)} values further than {ulps} ULP "
            f"(abs floor {abs_floor:g}); first: got {np.ravel(actual)[i]!r}, "
            f"expected {np.ravel(desired)[i]!r} ({np.ravel(dist)[i]:.3g} ULP)"
        )


def assert_within_target(got, exact, what, dtype=np.float64):
    """Every entry of ``got`` within the 4-ULP target of the mpmath values ``exact``.

    Unlike :func:`assert_ulp_close`, the reference is not rounded first: the
    error is measured against the exact value (``reference.ulp_error``).
    """
    exact = np.asarray(exact, dtype=object)
    errors = reference.ulp_error(np.asarray(got), exact, dtype)
    worst = np.unravel_index(np.argmax(errors), errors.shape)
    assert errors[worst] <= reference.TARGET_ULP, (
        f"{what}: {errors[worst]:.4g} ULP at {worst}: got {float(np.asarray(got)[worst])!r}, "
        f"expected {mpmath.nstr(exact[worst], 17)}")

def pytest_sessionstart(session):
    """Start this run's record of nbgrader grades afresh (once: in the controller, not per worker)."""
    if hasattr(session.config, "workerinput"):
        return
    from tests.test_assignments import GRADES_FILE

    GRADES_FILE.unlink(missing_ok=True)
