"""Accuracy table (DESIGN section 8): library vs naive formula vs scipy, in ULP.

One row per function x value/derivative x dtype: the largest error over a
large grid (the whole float range, the danger zones of the naive formulas,
dense points near 0 and near the interior zeros of GELU' and Swish'),
measured against mpmath at 50 digits by :mod:`activations.reference`. The
error is in ULP, except within 0.01 of an interior zero of a derivative,
where it is the absolute error in machine epsilons; the target is 4 for
the library. ``scipy.special`` is shown where it offers the function (or
its building block, e.g. ``ndtr`` for GELU). Run with
``python -m tests.benchmarks accuracy``; the table is also written to
``bench-results/accuracy.md``.
"""

from __future__ import annotations

import math
import time
import warnings

import numpy as np
import scipy
from scipy import special
from tqdm import tqdm

from activations import naive, reference

from . import _grid, _table

SCALAR_POINTS = 12000
VECTOR_ROWS = 400
DTYPES = (np.float32, np.float64)

_INV_SQRT_2PI = 1 / math.sqrt(2 * math.pi)


def _scipy_formula(case):
    """scipy.special's version of a case, or None where scipy has nothing to offer."""
    beta = case.params.get("beta", 1.0)
    approximate = case.params.get("approximate", "none")
    formulas = {
        ("sigmoid", False): special.expit,
        ("sigmoid", True): lambda x: special.expit(x) * special.expit(-x),
        ("softmax", False): lambda x: special.softmax(x, axis=-1),
        ("online_softmax", False): lambda x: special.softmax(x, axis=-1),
        ("log_softmax", False): lambda x: special.log_softmax(x, axis=-1),
        ("swish", False): lambda x: x * special.expit(beta * x),
    }
    if case.name == "gelu" and approximate == "none":
        formulas[("gelu", False)] = lambda x: x * special.ndtr(x)
        formulas[("gelu", True)] = lambda x: special.ndtr(x) + x * np.exp(-(x * x) / 2) * _INV_SQRT_2PI
    if case.name == "gelu" and approximate == "sigmoid":
        formulas[("gelu", False)] = lambda x: x * special.expit(1.702 * x)
    return formulas.get((case.name, case.derivative))


def _naive_formula(case):
    function = getattr(naive, case.name + ("_grad" if case.derivative else ""))
    return lambda x: function(x, **case.params)


def _errors(result, exact, window, dtype):
    """Errors of another formula against an already computed :class:`reference.Measurement`."""
    return reference.target_error(np.asarray(result), exact, window, dtype)


def _quietly(formula, x):
    """Run a formula that is allowed to warn (naive, scipy) with warnings silenced."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return formula(x)


def _library_row(case, x, dtype):
    """(max error, status, warnings, worst input, measurement) of the library."""
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = case.library()(x, **case.params)
    except NotImplementedError:
        return math.nan, "missing", "-", "", None
    except Exception as exc:  # a crash is reported in the table, not raised
        return math.nan, f"ERROR {type(exc).__name__}", "-", "", None
    found = reference.measure(case.name, x, result, case.derivative, dtype, **case.params)
    errors = found.errors
    worst = np.unravel_index(np.argmax(errors), errors.shape)
    where = (f"row {int(np.ravel_multi_index(worst[:-1], x.shape[:-1]))}[{worst[-1]}]"
             if x.ndim > 1 else f"{x[worst]:.6g}")
    status = "PASS" if errors[worst] <= reference.TARGET_ULP else "FAIL"
    if not errors[worst]:
        where = ""   # exact everywhere: there is no worst point
    return float(errors[worst]), status, len(caught), where, found


def _format(error):
    if math.isnan(error):
        return "-"
    return f"{error:.3g}" if error < 1e6 else (f"{error:.1e}" if math.isfinite(error) else "inf")


def measure():
    """Compute every row; returns (header, rows)."""
    header = ["function", "kind", "dtype", "points", "library", "naive", "scipy", "status",
              "warnings", "worst x (library)"]
    jobs = [(case, dtype) for case in _grid.cases() for dtype in DTYPES]
    rows = []
    progress = tqdm(jobs, desc="accuracy", unit="row", leave=False)
    for case, dtype in progress:
        progress.set_postfix_str(f"{case.label} {case.kind} {np.dtype(dtype).name}")
        x = (_grid.vector_grid(dtype, rows=VECTOR_ROWS) if case.vector
             else _grid.gated_grid(dtype, size=SCALAR_POINTS) if case.gated
             else _grid.scalar_grid(dtype, size=SCALAR_POINTS))
        library, status, warned, where, found = _library_row(case, x, dtype)
        if found is None:   # no library result: measure a zero array to get the reference
            found = reference.measure(case.name, x, np.zeros_like(x), case.derivative, dtype,
                                      **case.params)
        exact, window = found.exact, found.window
        naive_max = float(_errors(_quietly(_naive_formula(case), x), exact, window, dtype).max())
        scipy_formula = _scipy_formula(case)
        scipy_max = (float(_errors(_quietly(scipy_formula, x), exact, window, dtype).max())
                     if scipy_formula else math.nan)
        rows.append([case.label, case.kind, np.dtype(dtype).name, x.size, _format(library),
                     _format(naive_max), _format(scipy_max), status, warned, where])
    return header, rows


def main():
    start = time.perf_counter()
    header, rows = measure()
    elapsed = time.perf_counter() - start
    passed = sum(row[7] == "PASS" for row in rows)
    warned = sum(row[8] not in (0, "-") for row in rows)
    summary = (f"{passed} of {len(rows)} rows meet the target (max error <= "
               f"{reference.TARGET_ULP:g} ULP, or <= {reference.TARGET_ULP:g} eps absolute within "
               f"{reference.ZERO_WINDOW} of an interior zero of GELU'/Swish'); {warned} rows emitted "
               f"floating-point warnings (the contract allows none). Measured in {elapsed:.0f} s.")
    print(_table.render_text(header, rows))
    print(summary)
    preamble = (
        "Maximum error of each function against mpmath at 50 digits "
        "(`activations.reference`), over grids covering the whole float range "
        f"(about {SCALAR_POINTS} points per dtype; softmax, log_softmax and online_softmax: "
        f"{len(_grid.vector_grid(np.float64, rows=VECTOR_ROWS))} rows of 8). "
        "Columns: the library, the naive textbook formula (`activations.naive`) and "
        "`scipy.special` where it applies; `-` where there is nothing to compare. "
        f"numpy {np.__version__}, scipy {scipy.__version__}. "
        "Printed by `python -m tests.benchmarks accuracy` (part of `make bench`).\n\n" + summary)
    path = _table.write_markdown("accuracy.md", "Accuracy (ULP)", preamble, header, rows)
    print(f"written to {path}")


if __name__ == "__main__":
    main()
