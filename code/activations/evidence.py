r"""Results over many seeds: summaries, thresholds, divergence, learning-rate choice.

The book's evidence protocol (appendix 实验方法) never reports one run: each
configuration is trained on several seeds (replicas, see
:mod:`activations.nets`), and the result is a distribution. This module turns
the per-seed numbers into what the text shows and asserts:

>>> s = summarize([0.91, 0.95, 0.93, np.nan], diverged=[False, False, False, True])
>>> s.n, s.n_diverged, round(s.mean, 3)
(4, 1, 0.93)
>>> s.count_at_least(0.92), s.shown(".0%")
(2, 93% ± 2%（3/4 个种子收敛）)

A diverged run (NaN or inf in its loss, weights or logits) is counted as
diverged and left out of the statistics; it is never turned into an accuracy.
Glue a summary's :meth:`Summary.shown` into the prose with myst-nb's ``glue``:
its plain-text form has no quotes, so ``{glue:text}`key``` reads as a number.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

import numpy as np

__all__ = ["Summary", "Shown", "summarize", "learning_rate_sweep", "best_learning_rate"]


class Shown(str):
    """A string whose repr is itself, so that a glued value shows without quotes.

    Examples
    --------
    >>> Shown("95% ± 1%")
    95% ± 1%
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return str(self)


@dataclass(frozen=True)
class Summary:
    """Statistics of one metric over the seeds of one configuration.

    Attributes
    ----------
    values : numpy.ndarray
        The metric per seed, NaN for a diverged seed.
    diverged : numpy.ndarray of bool
        Which seeds diverged.
    """

    values: np.ndarray
    diverged: np.ndarray

    @property
    def n(self) -> int:
        """Number of seeds (diverged ones included)."""
        return int(self.values.size)

    @property
    def n_diverged(self) -> int:
        """Number of seeds that diverged."""
        return int(self.diverged.sum())

    @property
    def finite(self) -> np.ndarray:
        """The values of the seeds that did not diverge."""
        return self.values[~self.diverged]

    def _stat(self, fn: Callable) -> float:
        return float(fn(self.finite)) if self.finite.size else math.nan

    @property
    def mean(self) -> float:
        """Mean over the seeds that did not diverge (NaN if all did)."""
        return self._stat(np.mean)

    @property
    def sd(self) -> float:
        """Sample standard deviation (``ddof=1``) over the finite seeds; 0 for one seed."""
        if self.finite.size < 2:
            return 0.0 if self.finite.size else math.nan
        return float(np.std(self.finite, ddof=1))

    @property
    def median(self) -> float:
        return self._stat(np.median)

    @property
    def min(self) -> float:
        return self._stat(np.min)

    @property
    def max(self) -> float:
        return self._stat(np.max)

    def count_at_least(self, threshold: float) -> int:
        """Seeds whose value is at least ``threshold`` (a diverged seed never counts)."""
        return int(np.sum(self.finite >= threshold))

    def count_at_most(self, threshold: float) -> int:
        """Seeds whose value is at most ``threshold`` (a diverged seed never counts)."""
        return int(np.sum(self.finite <= threshold))

    def shown(self, fmt: str = ".3g") -> Shown:
        """``mean ± sd``, plus how many seeds converged when any diverged.

        Parameters
        ----------
        fmt : str
            Format of both numbers (``".1%"``, ``".3f"``).
        """
        if self.finite.size == 0:
            return Shown(f"全部 {self.n} 个种子发散")
        text = f"{self.mean:{fmt}} ± {self.sd:{fmt}}"
        if self.n_diverged:
            text += f"（{self.n - self.n_diverged}/{self.n} 个种子收敛）"
        return Shown(text)

    def shown_range(self, fmt: str = ".3g") -> Shown:
        """``median (min–max)``: the spread when a few seeds behave differently."""
        if self.finite.size == 0:
            return Shown(f"全部 {self.n} 个种子发散")
        return Shown(f"{self.median:{fmt}}（{self.min:{fmt}}–{self.max:{fmt}}）")

    def __repr__(self) -> str:
        return (f"Summary(n={self.n}, mean={self.mean:.4g}, sd={self.sd:.3g}, "
                f"median={self.median:.4g}, min={self.min:.4g}, max={self.max:.4g}, "
                f"diverged={self.n_diverged})")


def summarize(values, diverged=None) -> Summary:
    """Summarise one metric over seeds.

    Parameters
    ----------
    values : array_like, shape (n_seeds,)
        The metric per seed (a replica run's ``history.val_accuracy[-1]``).
    diverged : array_like of bool, optional
        Which seeds diverged (``history.diverged``). Non-finite values count
        as diverged in any case.

    Returns
    -------
    Summary

    Raises
    ------
    ValueError
        If ``values`` is not one-dimensional or ``diverged`` has another length.

    Examples
    --------
    >>> summarize([1.0, 2.0, 3.0]).shown(".2f")
    2.00 ± 1.00
    """
    values = np.asarray(values, dtype=np.float64)
    if values.ndim == 0:
        values = values.reshape(1)
    if values.ndim != 1:
        raise ValueError(f"summarize(): values must be one value per seed; got shape {values.shape}")
    flags = np.zeros(values.shape, dtype=bool) if diverged is None \
        else np.broadcast_to(np.asarray(diverged, dtype=bool), values.shape).copy()
    flags |= ~np.isfinite(values)
    return Summary(values=np.where(flags, np.nan, values), diverged=flags)


def learning_rate_sweep(run: Callable[[float], Summary], rates: Sequence[float],
                        progress: bool = False) -> dict:
    """Run one configuration at each learning rate: ``{rate: Summary}``.

    ``run(rate)`` trains the configuration's replicas at ``rate`` and returns
    the summary of a validation metric (higher is better).
    """
    from tqdm.auto import tqdm

    return {rate: run(rate) for rate in tqdm(list(rates), disable=not progress, desc="rates")}


def best_learning_rate(sweep: Mapping[float, Summary]) -> float:
    """The rate with the best validation result, divergence counted against it.

    Ranked by the mean over *all* seeds with a diverged seed scoring as the
    worst possible value (so a rate that sometimes diverges loses to one
    that never does at a similar mean), ties broken by the smaller rate.

    Examples
    --------
    >>> sweep = {0.1: summarize([0.8, 0.9]), 1.0: summarize([0.99, np.nan])}
    >>> best_learning_rate(sweep)
    0.1
    """
    if not sweep:
        raise ValueError("best_learning_rate(): the sweep is empty")
    lowest = min((s.min for s in sweep.values() if s.finite.size), default=0.0)

    def score(item):
        rate, summary = item
        penalised = np.where(summary.diverged, min(lowest, 0.0) - 1.0, summary.values)
        return (float(np.mean(penalised)), -rate)

    return max(sweep.items(), key=score)[0]
