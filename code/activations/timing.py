"""Wall-clock timing for the chapters' cost comparisons.

The chapters compare kernels by the ratio of their times on the same
array, so one helper measures them all the same way: the best of a few
repeats, which discards the runs slowed by other work on the machine.
Benchmarks with targets live in ``tests/benchmarks`` (``make bench``).
"""

from __future__ import annotations

import time

__all__ = ["best_time"]


def best_time(fn, *args, repeats=5):
    """Shortest wall-clock time of ``fn(*args)`` over ``repeats`` calls, in seconds.

    Parameters
    ----------
    fn : callable
        The function to time.
    *args
        Its positional arguments.
    repeats : int
        How many calls to time (at least 1).

    Returns
    -------
    float
        The minimum over the calls, in seconds.

    Examples
    --------
    >>> import numpy as np
    >>> best_time(np.sort, np.arange(1000.0)) > 0
    True
    """
    if repeats < 1:
        raise ValueError(f"best_time(): repeats must be at least 1; got {repeats}")
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn(*args)
        best = min(best, time.perf_counter() - start)
    return best
