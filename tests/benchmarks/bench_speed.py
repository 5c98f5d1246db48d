"""Speed table (DESIGN section 8): each kernel against its naive NumPy formula.

Every value and derivative runs on 10**7 seeded standard-normal elements
in float32 and float64 (softmax, log_softmax, online_softmax: a (10**5, 100) array,
along the last axis). Each time is the best of several repeats; a plain
copy of the same array is timed as the floor any elementwise function
pays. The target is library time <= 2x the naive formula's time on
float32 (float64 is reported too). Run with
``python -m tests.benchmarks speed``; the table is also written to
``bench-results/speed.md``. The machine is shared, so timings are noisy:
the best of the repeats is the least disturbed one.
"""

from __future__ import annotations

import time
import warnings

import numpy as np
from tqdm import tqdm

from activations import naive

from . import _grid, _table

ELEMENTS = 10 ** 7
SOFTMAX_SHAPE = (10 ** 5, 100)
REPEATS = 7
TARGET_RATIO = 2.0
DTYPES = (np.float32, np.float64)


def best_times(functions, x, repeats=REPEATS):
    """Best wall time in seconds of each ``function(x)``, over ``repeats`` rounds.

    The functions take turns within each round, so that a burst of load
    from other processes on the shared machine hits all of them alike and
    the ratios stay meaningful.
    """
    best = [float("inf")] * len(functions)
    for _ in range(repeats):
        for i, function in enumerate(functions):
            start = time.perf_counter()
            function(x)
            best[i] = min(best[i], time.perf_counter() - start)
    return best


def inputs(seed=0):
    """Seeded standard-normal arrays: {(vector, dtype): array}."""
    rng = np.random.default_rng(seed)
    flat = rng.standard_normal(ELEMENTS)
    rows = rng.standard_normal(SOFTMAX_SHAPE)
    return {(vector, np.dtype(dtype)): (rows if vector else flat).astype(dtype)
            for vector in (False, True) for dtype in DTYPES}


def _naive(case):
    function = getattr(naive, case.name + ("_grad" if case.derivative else ""))

    def run(x):
        with np.errstate(all="ignore"):
            return function(x, **case.params)
    return run


def _library(case):
    function = case.library()
    return lambda x: function(x, **case.params)


def _time_case(case, x):
    """(library s or None, naive s, copy s, problem) for one case on one array."""
    library = _library(case)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")   # warnings are bench_accuracy's business
            library(x)
    except NotImplementedError:
        return (None, *best_times([_naive(case), np.copy], x), "missing")
    except Exception as exc:
        return (None, *best_times([_naive(case), np.copy], x), f"ERROR {type(exc).__name__}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return (*best_times([library, _naive(case), np.copy], x), "")


def measure():
    """Compute every row; returns (header, rows)."""
    header = ["function", "kind", "dtype", "shape", "library ms", "naive ms", "copy ms",
              "library/naive", "status"]
    arrays = inputs()
    rows = []
    jobs = [(case, dtype) for case in _grid.cases() for dtype in DTYPES]
    progress = tqdm(jobs, desc="speed", unit="row", leave=False)
    for case, dtype in progress:
        progress.set_postfix_str(f"{case.label} {case.kind} {np.dtype(dtype).name}")
        key = (case.vector, np.dtype(dtype))
        x = arrays[key]
        library_time, naive_time, copy_time, problem = _time_case(case, x)
        if library_time is None:
            ratio, status, library_ms = "-", problem, "-"
        else:
            ratio_value = library_time / naive_time
            ratio, library_ms = f"{ratio_value:.2f}", f"{library_time * 1e3:.1f}"
            status = "PASS" if ratio_value <= TARGET_RATIO else "FAIL"
        shape = "x".join(map(str, x.shape))
        rows.append([case.label, case.kind, np.dtype(dtype).name, shape, library_ms,
                     f"{naive_time * 1e3:.1f}", f"{copy_time * 1e3:.1f}", ratio, status])
    return header, rows


def main():
    header, rows = measure()
    f32 = [row for row in rows if row[2] == "float32"]
    summary = (f"float32: {sum(row[8] == 'PASS' for row in f32)} of {len(f32)} rows within "
               f"{TARGET_RATIO:g}x the naive formula (the target); float64: "
               f"{sum(row[8] == 'PASS' for row in rows if row[2] == 'float64')} of "
               f"{len(rows) - len(f32)}.")
    print(_table.render_text(header, rows))
    print(summary)
    preamble = (
        f"Best of {REPEATS} rounds on {ELEMENTS:.0e} seeded standard-normal elements "
        f"(softmax, log_softmax, online_softmax: {SOFTMAX_SHAPE[0]}x{SOFTMAX_SHAPE[1]}, last axis); in each "
        "round the library, the naive formula and `np.copy` of the same array take turns. Target (DESIGN section 8): library <= 2x the naive "
        "formula (`activations.naive`) on float32. Shared machine: expect noise of 10-20%. "
        f"numpy {np.__version__}. Printed by `python -m tests.benchmarks speed` "
        "(part of `make bench`).\n\n" + summary)
    path = _table.write_markdown("speed.md", "Speed", preamble, header, rows)
    print(f"written to {path}")


if __name__ == "__main__":
    main()
