"""Wall-clock timing for the chapters' cost comparisons.

The chapters compare kernels by the ratio of their times on the same
array, so one helper measures them all the same way: the best of a few
repeats, which discards the runs slowed by other work on the machine.
Benchmarks with targets live in ``tests/benchmarks`` (``make bench``).
"""

from __future__ import annotations

import statistics
import time

__all__ = ["best_time", "median_time"]


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
    return min(_times("best_time", fn, args, repeats))


def median_time(fn, *args, repeats=7):
    """Median wall-clock time of ``fn(*args)`` over ``repeats`` calls, in seconds.

    Where two timings are compared as a share of a whole (an activation
    against the matrix products around it), the median is the typical run;
    :func:`best_time` is the least disturbed one.

    Examples
    --------
    >>> import numpy as np
    >>> median_time(np.sort, np.arange(1000.0), repeats=3) > 0
    True
    """
    return float(statistics.median(_times("median_time", fn, args, repeats)))


def _times(caller: str, fn, args, repeats: int) -> list[float]:
    """Seconds of each of ``repeats`` calls ``fn(*args)``; ``caller`` names the error."""
    if repeats < 1:
        raise ValueError(f"{caller}(): repeats must be at least 1; got {repeats}")
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - start)
    return times
