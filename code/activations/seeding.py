r"""One base seed for every random number in the book.

Every experiment of the book draws its randomness from one **base seed**,
read from the environment variable ``ACTIVATIONS_SEED`` (default ``0``).
``make test`` runs the experiment notebooks a second time under another
base seed: a conclusion that holds for one seed only is a defect, not a
result. Notebooks therefore never write ``default_rng(0)``; they ask this
module for a generator or for seeds, named by what they are for:

>>> rng = rng_for("spirals-data")          # one generator, for one purpose
>>> replica_seeds = seeds(8, "adam-sigmoid")  # eight independent runs
>>> len(replica_seeds), len(set(replica_seeds))
(8, 8)

Derivation: the base seed and the keys (strings are hashed with CRC-32, so
a key means the same on every machine and Python version) are the entropy
of a :class:`numpy.random.SeedSequence`; its ``generate_state`` gives the
seeds. Different keys give independent streams; the same keys give the same
numbers, so a cell is reproducible, and another base seed changes
everything at once.

The engine's defaults follow the base seed too: :class:`activations.nets.MLP`
and :func:`activations.nets.train` use :func:`base_seed` when no seed is
given (with the default base seed 0 that is seed 0, as before).
"""

from __future__ import annotations

import os
import zlib

import numpy as np

__all__ = ["ENV_VAR", "DEFAULT_BASE_SEED", "base_seed", "seed", "seeds", "rng_for"]

#: Environment variable holding the base seed.
ENV_VAR = "ACTIVATIONS_SEED"
#: Base seed when the environment variable is unset or empty.
DEFAULT_BASE_SEED = 0


def base_seed() -> int:
    """The base seed: ``$ACTIVATIONS_SEED`` as a non-negative integer, or 0.

    Raises
    ------
    ValueError
        If the variable is set to something that is not a non-negative integer.

    Examples
    --------
    >>> import os
    >>> os.environ.get(ENV_VAR) is None and base_seed() == DEFAULT_BASE_SEED
    True
    """
    text = os.environ.get(ENV_VAR, "").strip()
    if not text:
        return DEFAULT_BASE_SEED
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"{ENV_VAR} must be a non-negative integer; got {text!r}") from None
    if value < 0:
        raise ValueError(f"{ENV_VAR} must be a non-negative integer; got {value}")
    return value


def _key_entropy(key) -> int:
    """A stable non-negative integer for a key (CRC-32 of a string; an int as is)."""
    if isinstance(key, (bool, np.bool_)):
        raise TypeError("a seed key must be a str or a non-negative int, not a bool")
    if isinstance(key, (int, np.integer)):
        if key < 0:
            raise ValueError(f"an integer seed key must be non-negative; got {key}")
        return int(key)
    if isinstance(key, str):
        return zlib.crc32(key.encode("utf-8"))
    raise TypeError(f"a seed key must be a str or a non-negative int; got {type(key).__name__}")


def seeds(n: int, *keys) -> list[int]:
    """``n`` independent integer seeds derived from the base seed and ``keys``.

    Parameters
    ----------
    n : int
        How many seeds (replicas of one configuration).
    *keys : str or int
        What the seeds are for (``"adam-sigmoid"``); the same keys give the
        same seeds under the same base seed.

    Returns
    -------
    list of int
        Each below :math:`2^{32}`.

    Examples
    --------
    >>> seeds(3, "demo") == seeds(3, "demo"), seeds(3, "demo") == seeds(3, "other")
    (True, False)
    """
    if int(n) != n or n < 1:
        raise ValueError(f"seeds(): n must be a positive integer; got {n!r}")
    entropy = [base_seed(), *(_key_entropy(k) for k in keys)]
    state = np.random.SeedSequence(entropy).generate_state(int(n), dtype=np.uint32)
    return [int(s) for s in state]


def seed(*keys) -> int:
    """One integer seed derived from the base seed and ``keys`` (``seeds(1, *keys)[0]``)."""
    return seeds(1, *keys)[0]


def rng_for(*keys) -> np.random.Generator:
    """A generator seeded from the base seed and ``keys``.

    Examples
    --------
    >>> float(rng_for("x").random()) == float(rng_for("x").random())
    True
    """
    return np.random.default_rng(seed(*keys))
