"""Softmax and gated-unit behaviours that mutation testing found unpinned (bench-results/mutants.md).

The generic tests run every function over the contract (dtypes, shapes,
warnings) and test_accuracy measures values and derivatives on a grid that
spans the float range; what they leave open is pinned here, each on a few
inputs chosen for it:

* the products ``softmax_jvp`` / ``softmax_vjp``: the dtype of mixed inputs,
  the message for a tangent of the wrong shape, tangents near the overflow
  threshold of one sign only or with cancelling products (the scaling that
  keeps them finite must be exact), infinite tangents (inf/NaN, no
  warning), and slices batched with slices of huge or infinite tangents
  (a slice's result must not depend on its batch: this found two bugs,
  fixed with the tests);
* accuracy (DESIGN section 8: 4 ULP against mpmath) where the careful paths
  of softmax take over and the grid is sparse: rows whose other entries are
  subnormal exponentials or far below the maximum (summed on their own
  grid: a bug, fixed with the test), rows of nearly equal logits (the
  maximal share small, its complement near 1), and long rows of the online
  recurrence, whose per-step rounding errors would add up; float32 rows
  beyond the float32 range of ``exp`` (exponentials in float64), float16
  log_softmax rounded once, and equal logits sharing the mass exactly
  (one division in float64);
* batch independence along a leading axis: strided slices summed as if
  alone, and the products' sums staying accurate there (a bug, fixed with
  the test);
* the gated units: GEGLU's tanh gate far in its left tail, where the VJP's
  two huge factors lift a tiny slope back into range (a bug, fixed with the
  test), and just beyond the fits of the gelu module; the messages for a bad
  ``approximate`` or ``beta``;
* small documented facts: the axis error of a 0-d input (``ndim 0``), the
  Jacobian of a 0-d input, ``softmax_expr`` of a
  single symbol or a SymPy matrix, the default block of ``online_softmax``,
  ``geglu_expr``'s default and its error for an unknown ``approximate``.
"""

from __future__ import annotations

import importlib

import mpmath
import numpy as np
import pytest
import sympy as sp

import activations
from activations import reference

from .conftest import assert_within_target

STRICT = dict(over="raise", invalid="raise", divide="raise")
PRODUCTS = ("softmax_jvp", "softmax_vjp")
TINY = float(np.finfo(np.float64).smallest_subnormal)
SEED = 20261204


def exact_jvp(x, v):
    r"""True :math:`s_i (v_i - \sum_j s_j v_j)` of each row (last axis), as mpmath numbers."""
    s = reference.value("softmax", x, dps=60)
    out = np.empty(x.shape, dtype=object)
    with mpmath.workdps(60):
        for row in np.ndindex(x.shape[:-1]):
            tangent = [mpmath.mpf(float(t)) for t in v[row]]
            mean = mpmath.fsum(si * ti for si, ti in zip(s[row], tangent))
            out[row] = [si * (ti - mean) for si, ti in zip(s[row], tangent)]
    return out


# --- softmax_jvp / softmax_vjp: dtypes, shapes, tangents near the limits ----------------

@pytest.mark.parametrize("name", PRODUCTS)
@pytest.mark.parametrize("x_dtype, v_dtype", [(np.float32, np.float64), (np.float64, np.float32),
                                              (np.float16, np.float32), (np.int64, np.float32)],
                         ids=str)
@pytest.mark.parametrize("shape", [(2, 3), (0, 3)], ids=str)
def test_products_take_the_promotion_of_both_dtypes(name, x_dtype, v_dtype, shape):
    """Documented: 'dtype the promotion of the two inputs' dtypes', empty inputs included."""
    x = np.arange(np.prod(shape)).reshape(shape).astype(x_dtype)
    v = np.ones(shape, v_dtype)
    got = getattr(activations, name)(x, v)
    assert got.dtype == np.result_type(x_dtype, v_dtype) and got.shape == shape


@pytest.mark.parametrize("name", PRODUCTS)
def test_shape_error_names_both_shapes(name):
    with pytest.raises(ValueError) as excinfo:
        getattr(activations, name)(np.zeros((2, 3)), np.ones((3, 2)))
    message = str(excinfo.value)
    assert message.startswith(f"{name}()")
    assert "of shape (3, 2)" in message and "input's shape (2, 3)" in message, message


@pytest.mark.parametrize("name", PRODUCTS)
@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_tangents_near_the_float_maximum_of_mostly_one_sign(name, sign):
    """v - v_k overflows when the large entries have one sign and v_k the other.

    Here max |v| = 1.7e308 comes from one sign and the other sign reaches
    only 4e307: the scaling must look at both ends of v. Each slice is
    passed alone, so nothing else in the array triggers the scaling.
    """
    for x in (np.array([0.0, 1.0]), np.array([1.0, 0.0]), np.array([0.5, 3.0, -1.0])):
        v = sign * np.array([-1.7e308, 4e307, 1e300][:x.size])
        with np.errstate(**STRICT):
            got = getattr(activations, name)(x, v)
        assert np.isfinite(got).all(), (x, v, got)
        assert_within_target(got, exact_jvp(x[None], v[None])[0], f"{name}(x={x}, v={v})")


#: Logits and tangents near the float maximum whose products are small differences of large
#: terms (found by a seeded search): within 2 ULP as computed, but hundreds of ULP off if v
#: were scaled by a factor that is not a power of two (its rounding is then amplified).
CANCELLING_ROWS = [
    ([-0.08492189241007475, -1.1976996459322904, 0.48825982990411454],
     [-9.769759936944149e+307, -8.830703886702662e+307, -9.527766849831714e+307]),
    ([-0.029153693911985634, 0.12766980666129868, -1.9726938587352065],
     [1.532307984699403e+308, 1.4925668511322138e+308, 1.1475849755905334e+308]),
    ([1.5840916212544949, -0.6911527481483506, 1.8010877045717426],
     [1.7072397892711407e+308, 1.697140812891665e+308, 1.6513224384898521e+308]),
]


@pytest.mark.parametrize("name", PRODUCTS)
def test_large_tangents_are_scaled_exactly(name):
    """The scaling that keeps v - v_k finite must itself be exact (a power of two)."""
    x = np.array([row for row, _ in CANCELLING_ROWS])
    v = np.array([tangent for _, tangent in CANCELLING_ROWS])
    with np.errstate(**STRICT):
        got = getattr(activations, name)(x, v)
    assert_within_target(got, exact_jvp(x, v), name)


@pytest.mark.parametrize("name", PRODUCTS)
@pytest.mark.parametrize("infinite", [[np.inf], [-np.inf], [np.inf, -np.inf], [np.nan]], ids=str)
def test_an_infinite_tangent_gives_inf_or_nan_quietly(name, infinite):
    """'An infinite or NaN tangent has no meaningful product: it gives inf/NaN, quietly.'

    Only its own slice is affected: the other slices are computed as if
    alone, the last one with tangents near 1.8e308, which must still be
    scaled to keep v - v_k finite. Each sign is tried alone too, so that
    the other end of ``v`` is finite.
    """
    x = np.array([[0.0, 1.0, 2.0], [0.0, 1.0, 2.0], [0.5, -1.0, 3.0], [0.0, 1.0, 2.0]])
    v = np.array([[0.0, 1.0, 0.0], [-2.0, 0.0, 0.5], [1.0, -1.0, 0.25], [1.7e308, -1.7e308, 0.0]])
    for row, value in enumerate(infinite):
        v[row, row] = value
    with np.errstate(**STRICT):
        got = getattr(activations, name)(x, v)
    assert not np.isfinite(got[:len(infinite)]).any(), got
    np.testing.assert_array_equal(got[2], getattr(activations, name)(x[2], v[2]))
    assert_within_target(got[3], exact_jvp(x[3:], v[3:])[0], f"{name}: the slice of large tangents")


#: Rows of subnormal tangents where dividing by 4 and multiplying back loses > 4 ULP
#: (found by a seeded search over random logits and tangents of 1..63 subnormal units).
SUBNORMAL_ROWS = [
    ([1.8791021603493685, -1.5415695241973402, -0.2779479297282279], [-15, 58, 45]),
    ([-0.5142316948419379, 1.635954106775011, -1.4108530672500152], [-35, 31, -20]),
    ([-0.7988965300180908, -0.9959562974247125, 1.1837876177317015], [-33, -30, -10]),
]


@pytest.mark.parametrize("name", PRODUCTS)
def test_subnormal_tangents_batched_with_huge_ones_stay_within_target(name):
    """A slice of huge tangents must not cost the accuracy of the other slices.

    The scaling that keeps v - v_k finite near 1.8e308 is exact for normal
    numbers but rounds subnormal ones; applied to the whole array it moved
    the rows below by up to 4.9 ULP (of the smallest subnormal).
    """
    x = np.array([[0.0, 1.0, 2.0]] + [row for row, _ in SUBNORMAL_ROWS])
    v = np.array([[1.7e308, -1.7e308, 1e300]] + [np.array(t) * TINY for _, t in SUBNORMAL_ROWS])
    with np.errstate(**STRICT):
        got = getattr(activations, name)(x, v)
    assert_within_target(got, exact_jvp(x, v), name)
    transposed = getattr(activations, name)(x.T, v.T, axis=0)
    np.testing.assert_array_equal(transposed, got.T)


# --- softmax accuracy where the careful paths take over ---------------------------------

def subnormal_rows(n=200):
    """A dominant entry and n others more than 700 below it: their exponentials are subnormal.

    Each subnormal exponential is rounded to a multiple of 2**-1074, so
    their plain sum is off by up to n/2 of those units; the complement of
    the dominant entry, and its log-probability, are about that sum.
    """
    return np.array([[0.0] + [-720.5] * n,
                     [0.0] + [-745.1 + 0.01 * k for k in range(n)],
                     [5.0] + [-717.3] * n])


def rescaled_rows():
    """Two rows whose other entries are all more than 623 below the maximum (ratio < 2**-900).

    Their sums are redone from exponentials scaled by e**128, each row on
    the grid of its own largest term. The second row is built so that a
    plain sum loses: 8 equal terms B start the 8 partial sums of NumPy's
    pairwise summation, and 119 terms of 0.51 ULP of B each round the
    partial sums up. The first row has much larger terms: summed on its grid,
    the second row's terms would all be tails, i.e. summed plainly.
    """
    big = (np.round(-572.0 / np.log(2.0)) + 0.25) * np.log(2.0) - 128.0   # B = e**(big+128)
    small = np.log(0.51 * np.spacing(np.exp(big + 128.0))) - 128.0
    return np.array([[0.0] + [-630.0] * 127, [0.0] + [big] * 8 + [small] * 119])


def far_below_rows():
    """Rows whose other entries all lie 21 to 300 below the maximum (ratio above 2**-900).

    On the grid of the maximal exponential (spacing 2**-28 of it) every
    other exponential is a tail, and tails are summed plainly. Built as
    in :func:`rescaled_rows`: 8 equal terms B start NumPy's 8 partial sums
    and 119 terms of 0.51 ULP of B each round them up, so a plain sum is
    6-8 ULP off, and so are the maximal entry's log-probability
    ``-log1p(sum)`` and its ``s (1 - s)`` (a bug, fixed with the test: such
    rows are now summed again on their own grid).
    """
    rows = []
    for target in (-21.0, -40.0, -300.0):
        big = (np.round(target / np.log(2.0)) + 0.25) * np.log(2.0)
        small = np.log(0.51 * np.spacing(np.exp(big)))
        rows.append([0.0] + [big] * 8 + [small] * 119)
    return np.array(rows)


@pytest.mark.parametrize("rows", [subnormal_rows, rescaled_rows, far_below_rows],
                         ids=["other-entries-subnormal", "summed-after-rescaling",
                              "other-entries-far-below"])
@pytest.mark.parametrize("name, kind", [("softmax_grad", True), ("log_softmax", False)])
def test_careful_sums_stay_within_target(rows, name, kind):
    """Rows whose sums take the careful paths (see the builders' docstrings)."""
    x = rows()
    got = getattr(activations, name)(x)
    measured = "softmax" if name == "softmax_grad" else "log_softmax"
    errors = reference.measure(measured, x, got, kind).errors
    assert errors.max() <= reference.TARGET_ULP, (name, errors.max(axis=-1))


def test_the_jacobian_diagonal_of_nearly_equal_logits_stays_within_target():
    """The maximal share is then ~1/n and its complement near 1: 1 - complement would cancel."""
    rng = np.random.default_rng(SEED)
    x = rng.uniform(-0.01, 0.01, (4, 64))
    x[1] *= 100
    x[2] = np.linspace(0.0, 1.0, 64)
    for got in (activations.softmax_grad(x),
                np.diagonal(activations.softmax_jacobian(x), axis1=-2, axis2=-1)):
        errors = reference.measure("softmax", x, got, True).errors
        assert errors.max() <= reference.TARGET_ULP, errors.max(axis=-1)


def test_online_softmax_on_long_rows_one_entry_a_step_stays_within_target():
    """1500-2000 steps of the recurrence: a rounding error the running sum repeats would add up.

    One row's maximum grows by about 0.001 at every step (the running sum,
    near 1000, is rescaled by expm1 each time), one crosses 0 (where the
    shift differences round), and two grow so that the running sum hovers
    around 64 and 32: adding a block's sum to it then crosses a power of
    two again and again, the one place where that addition rounds. All with
    block 1, the most steps a row can take.
    """
    rng = np.random.default_rng(SEED)
    rows = [np.cumsum(rng.uniform(0, 0.002, 2000)), np.sort(rng.uniform(-1.0, 1.4, 2000))]
    rng = np.random.default_rng(22)
    for target in (512, 256, 128, 64, 32, 16):
        # steps of about delta keep the running sum near 1 / (1 - e**-delta) = target
        delta = -np.log1p(-1.0 / target)
        row = np.cumsum(delta * rng.uniform(0.9, 1.1, 1500))
        if target in (64, 32):
            rows.append(np.concatenate([row, np.full(500, -np.inf)]))   # masked to one length
    x = np.array(rows)
    got = activations.online_softmax(x, block=1)
    errors = reference.measure("softmax", x, got).errors
    assert errors.max() <= reference.TARGET_ULP, errors.max(axis=-1)


def test_online_softmax_reads_the_documented_default_block_of_256(monkeypatch):
    """'block : int, default 256': each step of the recurrence reads 256 entries of the axis."""
    module = importlib.import_module("activations.softmax")   # not the function softmax
    widths = []
    step = module._online_step

    def logged_step(state, block):
        widths.append(block.shape[-1])
        return step(state, block)

    monkeypatch.setattr(module, "_online_step", logged_step)
    x = np.random.default_rng(SEED).standard_normal((3, 513))
    np.testing.assert_array_equal(activations.online_softmax(x),
                                  activations.online_softmax(x, block=256))
    assert widths == [256, 256, 1] * 2


def test_float64_rows_below_zero_with_far_entries_stay_within_target():
    """Maximum in [-600, 0) and entries more than 708 below 0, far less below the maximum.

    exp(x) of such an entry is subnormal while its probability, e**(x - m)
    over the sum, is an ordinary number: float64 rows there must be shifted.
    """
    x = np.array([[m, m - 50, m - 200, m - 208.5, m - 240, m - 300] for m in (-1.0, -500.0, -599.0)])
    for name, kind in (("softmax", False), ("softmax_grad", True)):
        got = getattr(activations, name)(x)
        errors = reference.measure("softmax", x, got, kind).errors
        assert errors.max() <= reference.TARGET_ULP, (name, errors.max(axis=-1))


@pytest.mark.parametrize("name", ["softmax", "softmax_grad", "log_softmax"])
def test_a_slice_does_not_depend_on_the_slices_batched_with_it(name):
    """The other axes are batch axes: each slice is computed as if it were alone, bit for bit.

    So a row shown alone in a chapter and the same row inside a batch agree
    exactly. The rows here take different paths when alone (every entry in
    [-700, 600]: no shift) and beside rows that need the shift.
    """
    rng = np.random.default_rng(SEED)
    rows = [rng.uniform(-650.0, -3.0, 6) for _ in range(6)]
    rows += [[-800.0, 0.0, 1.0, -2.5, 3.0, -750.0], [-1e300, 5.0, -3.0, 2.0, 0.5, -1.0]]
    x = np.array(rows)
    function = getattr(activations, name)
    np.testing.assert_array_equal(function(x), np.array([function(row) for row in x]))


def leading_axis_slices(dtype=np.float64, n=3000):
    """Three long slices along axis 0 (strided in memory): one with a dominant maximum."""
    rng = np.random.default_rng(SEED)
    x = rng.standard_normal((n, 3)) * 4
    x[:, 2] -= 40.0
    x[0, 2] = 0.0
    return x.astype(dtype), rng.uniform(1.0, 2.0, (n, 3)).astype(dtype)


@pytest.mark.parametrize("name", ["softmax", "softmax_grad", "log_softmax", *PRODUCTS])
def test_slices_along_a_leading_axis_do_not_depend_on_their_batch(name):
    """Slices along axis 0 are computed as if each were alone, bit for bit.

    Such slices are strided, and NumPy sums a block of strided rows column
    after column (a sequential sum), but a strided row alone pairwise: the
    products' sums differed in most entries, and the careful sums of
    softmax_grad and log_softmax in the dominant slice (a bug, fixed with
    the test: the blocks are made contiguous).
    """
    x, v = leading_axis_slices()
    function = getattr(activations, name)
    args = (x, v) if name in PRODUCTS else (x,)
    alone = np.stack([function(*(a[:, j] for a in args)) for j in range(x.shape[1])], axis=1)
    np.testing.assert_array_equal(function(*args, axis=0), alone)


@pytest.mark.parametrize("name", PRODUCTS)
def test_products_along_a_leading_axis_stay_within_target(name):
    """A sequential sum of <s, w> over 4000 entries was 4.9 ULP off where J v is well-conditioned.

    Uniform shares s = 1/n and tangents in [1, 2] anchored at 1: the result
    (v_i - mean(v)) / n is measured where |v_i - mean(v)| > 0.3, away from
    the ill-conditioned entries (see softmax_jvp's Notes).
    """
    n = 4000
    x = np.zeros((n, 2))
    v = np.random.default_rng(SEED).uniform(1.0, 2.0, (n, 2))
    v[0] = 1.0
    with np.errstate(**STRICT):
        got = getattr(activations, name)(x, v, axis=0)
    well_conditioned = np.abs(v - v.mean(axis=0)) > 0.3
    exact = exact_jvp(x.T, v.T).T
    assert_within_target(got[well_conditioned], exact[well_conditioned], name)


def test_float32_rows_beyond_the_float32_range_of_exp_take_float64_exponentials():
    """float32 rows within [-700, 600] are exponentiated unshifted, so exp must run in float64.

    The module's contract: "For float32 and float16 input the exponentials,
    sums and quotients are computed in float64". A float32 exp overflows
    above 88.7 (inf / inf = NaN, with a warning) and is subnormal below
    -87.3 (digits lost); these rows are neither shifted nor sent to another path.
    """
    x = np.array([[100.0, 0.0, -50.0], [550.0, 549.0, 500.0], [-95.0, -100.0, -120.0]],
                 np.float32)
    v = np.array([[1.0, -2.0, 0.5], [0.25, 1.0, -1.0], [2.0, 0.0, 1.0]], np.float32)
    with np.errstate(**STRICT):
        for name, measured, derivative in (("softmax", "softmax", False),
                                           ("softmax_grad", "softmax", True),
                                           ("log_softmax", "log_softmax", False)):
            got = getattr(activations, name)(x)
            assert got.dtype == np.float32
            errors = reference.measure(measured, x, got, derivative).errors
            assert errors.max() <= reference.TARGET_ULP, (name, errors)
        for name in PRODUCTS:
            got = getattr(activations, name)(x, v)
            assert_within_target(got, exact_jvp(x, v), name, np.float32)


def test_equal_logits_share_the_mass_exactly():
    """n = 2**k equal logits give exactly 1/n: the float64 quotient e / (n e) is rounded once.

    The sum n e is exact, so dividing gives 1/n exactly; multiplying by a
    rounded reciprocal 1/(n e) does not (0.5 - 2**-54 for some e). Logits
    from -650 to 250 take the unshifted path, whose exponentials are not 1.
    """
    logits = np.array([-650.3, -123.4, -3.7, -1.3, 0.3, 1.0, 2.9, 7.1, 33.3, 250.5])
    for n in (2, 4, 16):
        x = np.repeat(logits[:, None], n, axis=1)
        exact = reference.value("softmax", x)
        assert all(value == mpmath.mpf(1) / n for value in exact.reshape(-1))
        np.testing.assert_array_equal(activations.softmax(x), 1.0 / n)


def test_float16_log_softmax_is_rounded_once():
    """float16 input is computed in float32 and rounded once (``compute_dtype``): within 0.5 ULP.

    Rounding the shifted logit x - m to float16 before subtracting the
    log-sum would round twice (up to 1 ULP).
    """
    x = (np.random.default_rng(SEED).standard_normal((200, 4)) * 6).astype(np.float16)
    got = activations.log_softmax(x)
    assert got.dtype == np.float16
    errors = reference.measure("log_softmax", x, got).errors
    assert errors.max() <= 0.5 + 2.0 ** -10, errors.max()


# --- small documented facts ---------------------------------------------------------------

@pytest.mark.parametrize("name", ["softmax", "softmax_grad", "log_softmax", "online_softmax"])
def test_the_axis_error_of_a_0d_input_reports_ndim_0(name):
    """A 0-d input is one vector: axis 0 and -1 work, axis 1 is out of range 'for input with ndim 0'."""
    function = getattr(activations, name)
    assert function(3.0, axis=0) == function(3.0, axis=-1)
    for axis in (1, -2):
        with pytest.raises(ValueError) as excinfo:
            function(3.0, axis=axis)
        message = f"{name}(): axis {axis} is out of range for input with ndim 0"
        assert str(excinfo.value) == message


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64], ids=lambda d: np.dtype(d).name)
def test_the_jacobian_of_a_0d_input_is_the_scalar_zero(dtype):
    """'For 0-d input the scalar derivative 0.0' (a one-entry softmax is constant)."""
    got = activations.softmax_jacobian(dtype(3.0))
    assert np.ndim(got) == 0 and got == 0 and np.asarray(got).dtype == dtype


def test_softmax_expr_of_one_symbol_and_of_a_matrix():
    """A single symbol is a vector of one entry (softmax 1); a SymPy matrix is its entries."""
    x1, x2 = sp.symbols("x1 x2")
    assert sp.simplify(activations.softmax_expr(x1) - sp.Matrix([1])) == sp.zeros(1, 1)
    assert activations.softmax_expr(sp.Matrix([x1, x2])) == activations.softmax_expr([x1, x2])


def test_geglu_expr_defaults_to_the_exact_gelu():
    a, b = sp.symbols("a b")
    assert activations.geglu_expr(a, b) == a * activations.gelu_expr(b, approximate="none")
    assert activations.geglu_expr(a, b) != activations.geglu_expr(a, b, approximate="tanh")


@pytest.mark.parametrize("bad", ["erf", "NONE", None])
def test_geglu_expr_names_itself_and_the_choices_for_an_unknown_approximation(bad):
    a, b = sp.symbols("a b")
    message = f"geglu_expr(): approximate must be one of 'none', 'tanh'; got {bad!r}"
    with pytest.raises(ValueError) as excinfo:
        activations.geglu_expr(a, b, approximate=bad)
    assert str(excinfo.value) == message


# --- gated units: the gates' far tails, the messages of the parametrised ones -------------

def test_geglu_tanh_vjp_where_the_gate_slope_is_tiny_but_the_product_is_not():
    """b in [-31, -29] with a = v = 1.7e308: v a GELU'(b) is about 1e-281 at b = -30.5.

    The scaled slope was set to 0 from b = -30 on, as if no product of
    floats could lift e**v(b) < e**-1900 back into range; the VJP's two
    huge factors (2**2048) can. Fixed: the cut-off is now b = -40
    (e**v < 2**-6600).
    """
    b = -np.linspace(29.0, 31.0, 41)
    x = np.stack([np.full_like(b, 1.7e308), b], axis=-1)
    v = np.full((b.size, 1), -1.5e308)
    with np.errstate(**STRICT):
        got = activations.geglu_vjp(x, v, approximate="tanh")
    exact = reference.vjp("geglu", x, v, approximate="tanh")
    errors = reference.ulp_error(got, exact, np.float64)
    assert errors.max() <= 6, errors.max(axis=0)    # test_accuracy's VJP target (issue 13)


def test_geglu_tanh_grad_in_the_left_tail_of_the_gate():
    """Where the factor e**v(b) of GELU_tanh'(b) is formed scaled (b < -7.5), with a = 1.7e308.

    The results are ordinary numbers down to b = -27; the grid of
    test_accuracy meets this stretch at a few points only.
    """
    b = -np.random.default_rng(SEED).uniform(21.0, 27.0, 600)
    x = np.stack([np.full_like(b, 1.7e308), b], axis=-1)
    got = activations.geglu_grad(x, approximate="tanh")
    errors = reference.measure("geglu", x, got, True, approximate="tanh").errors
    assert errors.max() <= reference.TARGET_ULP, errors.max(axis=0)


def test_geglu_just_beyond_the_fits_of_the_gelu_module():
    """b < -40 takes the asymptotic series of the Mills ratio; a = 1.7e308 keeps a GELU(b) in range."""
    b = -(np.nextafter(40.0, 50.0) + np.linspace(0.0, 0.5, 40))
    x = np.stack([np.full_like(b, 1.7e308), b], axis=-1)
    errors = reference.measure("geglu", x, activations.geglu(x), False).errors
    assert errors.max() <= reference.TARGET_ULP, errors.max()


def assert_swiglu_within_target(name, x, beta, v):
    """swiglu (4 ULP) or swiglu_vjp with upstream ``v`` (6 ULP, test_accuracy's VJP target,
    issue 13) against mpmath, with no floating-point warning."""
    with np.errstate(**STRICT):
        if name == "swiglu":
            got, exact = activations.swiglu(x, beta=beta), reference.value("swiglu", x, beta=beta)
            target = reference.TARGET_ULP
        else:
            got = activations.swiglu_vjp(x, v, beta=beta)
            exact, target = reference.vjp("swiglu", x, v, beta=beta), 6
    errors = reference.ulp_error(got, exact, np.float64)
    assert errors.max() <= target, errors.max(axis=0)


@pytest.mark.parametrize("name", ["swiglu", "swiglu_vjp"])
def test_swiglu_far_tail_with_a_huge_gate_input_and_a_tiny_beta(name):
    """b up to -2.2e301 with beta = 1.3e-298 (t = beta*b from -40.5 to -2800), a and v near 2**1024.

    Huge factors bring e^t back into range (a b e^t is a normal number down
    to t ~ -2110, the VJP's products down to t ~ -2800), so the rounding
    error of t matters everywhere on this stretch: it was dropped wherever
    |b| >= 2**500 (105 ULP at t = -1370); swiglu now recovers it as swish
    does, from the significands.
    """
    beta = 1.3e-298
    b = -np.linspace(40.5, 2800.0, 60) / beta
    x = np.stack([np.full_like(b, 1.7e308), b], axis=-1)
    assert_swiglu_within_target(name, x, beta, np.full((b.size, 1), -1.5e308))


GATE_PARAMETER_ERRORS = [
    (name, {"approximate": "erf"}, ValueError,
     f"{name}(): approximate must be one of 'none', 'tanh'; got 'erf'")
    for name in ("geglu", "geglu_grad", "geglu_vjp")
] + [
    (name, {"beta": np.inf}, ValueError, f"{name}(): parameter 'beta' must be finite; got inf")
    for name in ("swiglu", "swiglu_grad", "swiglu_vjp")
] + [
    (name, {"beta": "1"}, TypeError, f"{name}() needs a real scalar parameter 'beta'; got '1'")
    for name in ("swiglu", "swiglu_grad", "swiglu_vjp")
]


@pytest.mark.parametrize("name, params, error, message", GATE_PARAMETER_ERRORS,
                         ids=[f"{case[0]}-{case[1]}" for case in GATE_PARAMETER_ERRORS])
def test_a_bad_gate_parameter_is_named_with_the_function(name, params, error, message):
    x = np.array([[0.5, -1.0]])
    args = (x, np.ones((1, 1))) if name.endswith("_vjp") else (x,)
    with pytest.raises(error) as excinfo:
        getattr(activations, name)(*args, **params)
    assert str(excinfo.value) == message


# --- gated units: upstream gradients, products, dtypes ---

GATED_VJPS = ("glu_vjp", "reglu_vjp", "geglu_vjp", "swiglu_vjp")


@pytest.mark.parametrize("name", GATED_VJPS)
@pytest.mark.parametrize("x_dtype, v_dtype", [(np.float32, np.float64), (np.float64, np.float32),
                                              (np.float32, np.float16), (np.int64, np.float32)],
                         ids=str)
@pytest.mark.parametrize("shape", [(2, 4), (0, 4)], ids=str)
def test_gated_vjps_take_the_promotion_of_both_dtypes(name, x_dtype, v_dtype, shape):
    """Documented: 'dtype the promotion of the dtypes of x and v', empty inputs included."""
    x = (np.arange(np.prod(shape)).reshape(shape) % 5 - 2).astype(x_dtype)
    v = np.ones((shape[0], shape[1] // 2), v_dtype)
    got = getattr(activations, name)(x, v)
    assert got.dtype == np.result_type(x_dtype, v_dtype) and got.shape == shape


@pytest.mark.parametrize("name", GATED_VJPS)
def test_a_float64_upstream_gradient_gives_a_float64_vjp_of_float32_input(name):
    """float32 x with float64 v: the result is float64 and within the VJP target in float64.

    The float32 entries are exact in float64, so the true VJP is that of
    the same numbers; rounding to float32 anywhere would cost ~2**29 ULP.
    """
    rng = np.random.default_rng(SEED)
    x = rng.uniform(-4.0, 4.0, (6, 4)).astype(np.float32)
    v = rng.uniform(-3.0, 3.0, (6, 2))
    got = getattr(activations, name)(x, v)
    assert got.dtype == np.float64
    exact = reference.vjp(name.removesuffix("_vjp"), x.astype(np.float64), v)
    errors = reference.ulp_error(got, exact, np.float64)
    assert errors.max() <= 6, errors.max()     # test_accuracy's VJP target (issue 13)


@pytest.mark.parametrize("name", GATED_VJPS)
def test_a_non_real_upstream_gradient_is_named_with_the_function(name):
    """The TypeError names the function and 'upstream gradient 'v'' (not 'input'), and the dtype."""
    x = np.array([[0.5, -1.0, 2.0, 3.0]])
    message = (rf"^{name}\(\) needs real upstream gradient 'v' \(bool, int or float16/32/64\); "
               rf"got dtype complex128$")
    with pytest.raises(TypeError, match=message):
        getattr(activations, name)(x, np.ones((1, 2), complex))
    with pytest.raises(TypeError, match=rf"^{name}\(\) could not turn its upstream gradient 'v' "
                                        rf"into an array: "):
        getattr(activations, name)(x, [[1.0], [2.0, 3.0]])


@pytest.mark.parametrize("name", GATED_VJPS)
@pytest.mark.parametrize("x_shape, v_shape, out_shape", [
    ((2, 4), (2,), (2, 2)),          # fewer axes: would broadcast
    ((2, 4), (1, 2), (2, 2)),        # a size-1 axis: would broadcast
    ((2, 4), (4, 2), (2, 2)),
    ((2,), (), (1,)),                # a 0-d v for a one-entry output
], ids=str)
def test_an_upstream_gradient_of_another_shape_is_named_with_both_shapes(name, x_shape, v_shape,
                                                                         out_shape):
    """'v : Upstream gradient, of the output's shape': no broadcasting, also not of a 0-d v."""
    x = np.full(x_shape, 0.5)
    v = np.ones(v_shape)
    message = (f"{name}(): upstream gradient 'v' of shape {v_shape} does not match the "
               f"output's shape {out_shape}")
    with pytest.raises(ValueError) as excinfo:
        getattr(activations, name)(x, v)
    assert str(excinfo.value) == message


@pytest.mark.parametrize("name", ["glu", "reglu", "geglu", "swiglu"])
def test_an_infinite_upstream_gradient_times_a_vanishing_gate_slope_is_nan(name):
    """v = +-inf where g'(b) -> 0 at b = +-inf: v a g'(b) has no limit, so NaN (as reference.vjp).

    An exact 0 factor times inf is 0 (its limit), whichever factor is the
    infinite one; an infinite v at an infinite b counts as infinite even
    though it is not the last factor of v a g'(b).
    """
    x = np.array([[1.0, -np.inf], [-2.0, -np.inf], [1.0, np.inf], [0.0, 3.0], [0.0, -np.inf],
                  [2.0, -np.inf], [np.inf, -np.inf], [1.5, 2.0]])
    v = np.array([[np.inf], [-np.inf], [np.inf], [np.inf], [np.inf], [1.0], [1.0], [-np.inf]])
    with np.errstate(**STRICT):
        got = getattr(activations, f"{name}_vjp")(x, v)
    assert np.isnan(got[0, 1]) and np.isnan(got[1, 1]), got
    assert_within_target(got, reference.vjp(name, x, v), f"{name}_vjp")


#: (s, f): s subnormal, f in (0, 1), the exact s*f just below a midpoint of the subnormal grid
#: (3.5 - 2**-53 units at the first pair). Rounded to 53 bits first, the significands' product
#: is that midpoint, and rounding it to the grid then goes one unit up: a product rounded twice
#: is one unit off (found by a search over s = k * 2**-1074 and f near (n + 1/2) / k).
DOUBLE_ROUNDING_PAIRS = [(2.5e-323, 0.7), (5.4e-323, 0.3181818181818182),
                         (1.63e-322, 0.5303030303030303), (-7.4e-323, 0.36666666666666664)]


def test_reglu_products_are_rounded_once_also_when_subnormal():
    """reglu's Notes: 'The gate is exact, so the result is the product rounded once.'

    So are the VJP's products v max(b, 0) and v a [b > 0] (the step is 1).
    The expectation is Python's float multiplication, IEEE's, which rounds
    the exact product once, subnormal results included; the pairs are
    those where rounding twice is one unit off.
    """
    s, f = (np.array(column) for column in zip(*DOUBLE_ROUNDING_PAIRS))
    rounded_once = np.array([fi * si for fi, si in zip(f.tolist(), s.tolist())])
    positive = s > 0
    # reglu: a = f, b = s > 0 (a negative b gives 0), and a = s, b = f
    np.testing.assert_array_equal(activations.reglu(np.stack([f, s], -1))[positive, 0],
                                  rounded_once[positive])
    np.testing.assert_array_equal(activations.reglu(np.stack([s, f], -1))[:, 0], rounded_once)
    # reglu_vjp: v max(b, 0) with b = s, v = f; v a [b > 0] with v = s, a = f, b = 1
    x = np.concatenate([np.stack([f, s], -1), np.stack([f, np.ones_like(s)], -1)])
    v = np.concatenate([f, s])[:, None]
    got = activations.reglu_vjp(x, v)
    np.testing.assert_array_equal(got[:len(s)][positive, 0], rounded_once[positive])
    np.testing.assert_array_equal(got[len(s):, 1], rounded_once)


# --- gated units: gates, halves ---

@pytest.mark.parametrize("name", [f"{gated}{suffix}" for gated in ("glu", "reglu", "geglu", "swiglu")
                                  for suffix in ("", "_grad", "_vjp")])
def test_a_0d_input_is_refused_with_a_message_naming_the_function(name):
    """Raises: 'If ... x is 0-d': a scalar has no axis to split, and the message says why."""
    message = f"{name}() splits its input in two halves along an axis; got a 0-d input"
    for x in (3.0, np.float32(-1.0), np.array(2)):
        args = (x, 1.0) if name.endswith("_vjp") else (x,)
        with pytest.raises(ValueError) as excinfo:
            getattr(activations, name)(*args)
        assert str(excinfo.value) == message


@pytest.mark.parametrize("beta", [1.0, 0.75])
def test_swiglu_vjp_of_a_huge_gate_input_times_a_subnormal_upstream_gradient(beta):
    """b near the float maximum with v ~ 1e-320: v g'(b) is subnormal, so v a g'(b) is formed scaled.

    swish'(b) is 1 there to all digits; the scaled slope is (1 + t) e^t in
    the far tail (t < -40) and swish' itself elsewhere, and computing the
    unused tail form on the other elements must not overflow (no warning).
    """
    b = np.array([1.5e308, np.finfo(np.float64).max, 1.5e308, 2.0 ** 1023])
    x = np.stack([np.array([1.0, -2.5, 3.0e300, 0.75]), b], axis=-1)
    v = np.array([[3e-320], [-1e-310], [5e-324], [2.0 ** -1060]])
    with np.errstate(**STRICT):
        got = activations.swiglu_vjp(x, v, beta=beta)
    assert_within_target(got, reference.vjp("swiglu", x, v, beta=beta), f"swiglu_vjp(beta={beta})")


@pytest.mark.parametrize("name", ["swiglu", "swiglu_vjp"])
@pytest.mark.parametrize("beta", [1e300, -3e299, 1.7e308])
def test_swiglu_with_a_huge_beta_keeps_the_rounding_error_of_t_outside_the_far_tail(name, beta):
    """t = beta*b in [-40, 8] with |b| ~ 1e-299: the gate b sigma(t) is subnormal, a b sigma(t) is not.

    Such elements take the scaled path although t is not in its far tail
    (t < -40). There sigma was taken at t = fl(beta*b), its rounding error
    (up to |t| 2**-53) dropped: up to 27 ULP near t = -40 (a bug, fixed
    with the test: sigma(t + err) = sigma(t) (1 + err sigma(-t)), as
    swish does). t = -40 itself, where the far tail begins, is included.
    """
    rng = np.random.default_rng(SEED)
    t = np.concatenate([-rng.uniform(2.0, 40.0, 300), rng.uniform(-2.0, 8.0, 60), [-40.0]])
    b = t / beta
    a = rng.choice([-1.0, 1.0], t.size) * np.exp(rng.uniform(23.0, 690.0, t.size))
    x = np.stack([a, b], axis=-1)
    assert_swiglu_within_target(name, x, beta, rng.uniform(-1e10, 1e10, (t.size, 1)))


# --- softmax: rows too long for the plain sum of tails (bench-results/mutants.md) --------

def drifting_block(lo, hi, length=128, seed=SEED, pool=40000):
    """A block of logits whose exponentials NumPy's pairwise sum adds with the largest drift.

    NumPy sums a run of 128 entries in 8 partial sums (entry i goes to sum
    i mod 8). Each entry is picked from ``pool`` candidates, exponentials
    in ``[lo, hi]``, as the one whose addition to its partial sum rounds
    up the most, so the plain sum of the block ends several ULP high.
    """
    rng = np.random.default_rng(seed)
    candidates = np.log(rng.uniform(lo, hi, pool))
    terms = np.exp(candidates)
    block = list(candidates[:8])
    partial = [float(np.exp(c)) for c in block]
    for _ in range(8, length, 8):
        for j in range(8):
            total = partial[j] + terms
            moved = total - partial[j]
            up = (partial[j] - (total - moved)) + (terms - moved)   # exact sum - rounded sum
            best = int(np.argmax(up))
            block.append(float(candidates[best]))
            partial[j] = float(total[best])
    return np.array(block)


@pytest.mark.parametrize("name", ["log_softmax", "softmax_grad"])
def test_a_row_of_2_24_entries_far_below_its_maximum_is_summed_on_its_own_grid(name):
    """2**24 entries, each 0.45-0.5 of the spacing 2**-28 of the maximal exponential (1).

    On that grid every other exponential is a tail, summed plainly; the
    row is built from one drifting block (see :func:`drifting_block`)
    repeated 2**17 times, so the plain sum is 5-6 ULP high, and so are
    ``-log1p(sum)``, the maximal entry's log-probability, and its
    ``s (1 - s)``. The others' sum (~2**-5.2) is far below n 2**-17 = 128
    times the maximal exponential, the bound below which a row is summed
    again on its own grid; a bound that did not grow with n would miss
    this row. Exact: the sum is 2**17 times the block's sum, less the
    exponential the maximal entry replaces.
    """
    block = drifting_block(0.45 * 2.0 ** -28, 0.5 * 2.0 ** -28, seed=1)
    reps = 2 ** 24 // block.size
    x = np.tile(block, reps)[None, :]
    x[0, 0] = 0.0
    got = getattr(activations, name)(x)[:, :1]
    with mpmath.workdps(50):
        terms = [mpmath.exp(mpmath.mpf(float(t))) for t in block]
        others = reps * mpmath.fsum(terms) - terms[0]
        exact = -mpmath.log1p(others) if name == "log_softmax" else others / (1 + others) ** 2
    assert_within_target(got, np.array([[exact]], dtype=object), f"{name}: top entry")
