"""One BLAS thread while the book's small networks train.

The networks of the book multiply matrices of a few dozen rows and columns,
and score the whole training or validation set (about a thousand rows per
replica) after each epoch. Under OpenBLAS's default of one thread per core,
those larger products wait on a second thread that another process may hold:
one Part I learning-rate grid (digits, MLP 64-32-32-10, 40 replicas, 136
Adam steps) took 2.4 s with the default two threads on a 2-core machine
running one other job, 0.45 s with one thread (``make bench``, table
``blas-threads``). One thread also keeps the results independent of the
machine's thread count.
"""

from __future__ import annotations

import functools

_controller = None


def _blas_controller():
    # Created on first use: it inspects the BLAS libraries loaded by then
    # (NumPy's is, since every caller has imported numpy).
    global _controller
    if _controller is None:
        from threadpoolctl import ThreadpoolController

        _controller = ThreadpoolController()
    return _controller


def single_blas_thread(func):
    """Decorate ``func`` to run with BLAS limited to one thread (restored after).

    Parameters
    ----------
    func : callable
        A training or probing loop of small matrix products.

    Returns
    -------
    callable
        ``func`` wrapped in ``threadpoolctl``'s limit for the ``"blas"`` API.
    """
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with _blas_controller().limit(limits=1, user_api="blas"):
            return func(*args, **kwargs)
    return wrapper
