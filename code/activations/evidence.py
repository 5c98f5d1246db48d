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
Glue a summary's :meth:`Summary.shown` with :func:`activations.prose.glue`
and quote it as ``{eval}`glued.key```: its plain-text form has no quotes, so it
reads as a number.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

import numpy as np

__all__ = ["Summary", "Shown", "summarize", "learning_rate_sweep", "best_learning_rate",
           "rate_at_edge", "Tuned", "tuned_mlp", "tuned_net"]


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


def rate_at_edge(sweep: Mapping[float, Summary], rate: float | None = None) -> bool:
    """Whether the chosen learning rate is the smallest or largest of its grid.

    A rate chosen on the grid's edge may not be the best one: a rate beyond
    the edge, untried, could be better, and the comparison is then unfair to
    that configuration. The evidence protocol widens such a grid until the
    choice is inside it (or shows the comparison across the grid). A grid of
    one rate is not a choice and is never at an edge.

    Parameters
    ----------
    sweep : mapping
        ``{rate: Summary}`` as :func:`learning_rate_sweep` returns it.
    rate : float, optional
        The chosen rate; by default :func:`best_learning_rate` of ``sweep``.

    Examples
    --------
    >>> rising = {0.01: summarize([0.5, 0.6]), 0.1: summarize([0.8, 0.9])}
    >>> rate_at_edge(rising)
    True
    >>> rate_at_edge({**rising, 1.0: summarize([0.7, 0.7])})
    False
    """
    if rate is None:
        rate = best_learning_rate(sweep)
    if rate not in sweep:
        raise ValueError(f"rate_at_edge(): {rate!r} is not a rate of the sweep {sorted(sweep)}")
    return len(sweep) > 1 and rate in (min(sweep), max(sweep))


@dataclass(frozen=True)
class Tuned:
    """One MLP configuration trained at every rate of a grid, the rate chosen on validation.

    Attributes
    ----------
    rate : float
        The learning rate :func:`best_learning_rate` picked from ``sweep``.
    sweep : dict
        ``{rate: Summary}`` of the final validation accuracy at each rate.
    test : Summary
        Final test accuracy of the chosen rate's replicas (one per seed).
    params : dict
        The chosen rate's trained parameters, each with a leading seed axis.
    """

    rate: float
    sweep: dict
    test: Summary
    params: dict

    @property
    def at_edge(self) -> bool:
        """Whether :attr:`rate` is the smallest or largest of the grid (:func:`rate_at_edge`)."""
        return rate_at_edge(self.sweep, self.rate)


def tuned_mlp(sizes, split, rates: Sequence[float], seeds: Sequence[int], *,
              activation="relu", activation_params=None, learnable: bool = False,
              init: str = "xavier_uniform", epochs: int = 10, batch_size: int = 128,
              dtype=np.float64, progress: bool = False) -> Tuned:
    r"""Train one MLP configuration at every learning rate and report its tuned test accuracy.

    The evidence protocol's fair comparison in one call: every rate of the
    grid is trained on the same seeds with Adam, the rate with the best final
    *validation* accuracy is chosen (:func:`best_learning_rate`, a diverged
    seed counts against its rate), and only that rate's replicas are scored
    on the *test* part. All ``len(rates) * len(seeds)`` runs train side by
    side as replicas of one :class:`activations.nets.MLP` whose Adam step
    uses a per-replica learning rate; each replica follows exactly the path
    it would follow alone at its rate.

    Parameters
    ----------
    sizes : sequence of int
        Layer widths, as for :class:`activations.nets.MLP`.
    split : activations.data.Split
        ``train``, ``val`` and ``test`` parts, each ``(X, y)``.
    rates : sequence of float
        The learning-rate grid (positive, distinct).
    seeds : sequence of int
        One replica per seed at every rate (the same initial weights and
        mini-batch order at each rate).
    activation, activation_params, learnable, init
        Passed to :class:`activations.nets.MLP`.
    epochs, batch_size : int
        The budget, equal for every rate.
    dtype : dtype
        float64 (default) or float32 for the network and its data.
    progress : bool
        Show a progress bar over the epochs.

    Returns
    -------
    Tuned

    Raises
    ------
    ValueError
        If ``rates`` is empty, repeats a rate or holds a non-positive one, or
        ``seeds`` is empty.

    Examples
    --------
    >>> from activations import data
    >>> split = data.digits(seed=0)
    >>> run = tuned_mlp([64, 16, 10], split, [0.003, 0.03], [1, 2], epochs=2)
    >>> run.rate in (0.003, 0.03), run.test.n, sorted(run.params)[:2]
    (True, 2, ['W0', 'W1'])
    """
    from activations import nets   # here: nets imports nothing from this module, keep it so

    def build(replica_seeds):
        return nets.MLP(sizes, activation=activation, activation_params=activation_params,
                        learnable=learnable, init=init, seed=replica_seeds, dtype=dtype)

    return _tuned(build, split, rates, seeds, epochs, batch_size, progress, "tuned_mlp")


def tuned_net(build: Callable, split, rates: Sequence[float], seeds: Sequence[int], *,
              epochs: int = 10, batch_size: int = 128, progress: bool = False) -> Tuned:
    r""":func:`tuned_mlp` for any model with replicas: ``build(replica_seeds)`` makes it.

    The same protocol (every rate on the same seeds with Adam, the rate chosen
    on validation, the test part scored at that rate only) for a model that
    :func:`activations.nets.train` can train, such as
    :class:`activations.ffn.FFNNet`.

    Parameters
    ----------
    build : callable
        ``build(replica_seeds)`` returns an untrained model with one replica
        per seed (a list of ``len(rates) * len(seeds)`` ints).
    split, rates, seeds, epochs, batch_size, progress
        As in :func:`tuned_mlp`.

    Returns
    -------
    Tuned

    Examples
    --------
    >>> from activations import data, ffn
    >>> split = data.digits(seed=0)
    >>> run = tuned_net(lambda s: ffn.FFNNet(64, 8, 16, 10, "swiglu", seed=s), split,
    ...                 [0.003, 0.03], [1, 2], epochs=1)
    >>> run.test.n, sorted(run.params)[:2]
    (2, ['W1_0', 'W2_0'])
    """
    return _tuned(build, split, rates, seeds, epochs, batch_size, progress, "tuned_net")


def _tuned(build, split, rates, seeds, epochs, batch_size, progress, name) -> Tuned:
    from activations import nets

    rates = [float(r) for r in rates]
    seeds = [int(s) for s in seeds]
    if not rates or len(set(rates)) != len(rates) or min(rates) <= 0:
        raise ValueError(f"{name}(): rates must be distinct positive numbers; got {rates}")
    if not seeds:
        raise ValueError(f"{name}(): seeds is empty")
    k = len(seeds)
    net = build(seeds * len(rates))
    per_replica_rate = np.repeat(rates, k)[:, None, None]   # broadcasts over (K, rows, cols)
    # Only the final validation score chooses the rate, so it is computed once,
    # after training, not after every epoch (train's `validation`).
    history = nets.train(net, *split.train, optimizer=nets.Adam(per_replica_rate), epochs=epochs,
                         batch_size=batch_size, progress=progress, dead_units=False)
    with np.errstate(over="ignore", invalid="ignore"):   # a diverged replica's logits overflow
        val_logits = net.forward(np.asarray(split.val[0], dtype=net.dtype))
    val_accuracy = np.where(history.diverged, np.nan, nets.accuracy(val_logits, split.val[1]))
    val = val_accuracy.reshape(len(rates), k)
    diverged = np.asarray(history.diverged).reshape(len(rates), k)
    sweep = {rate: summarize(val[i], diverged[i]) for i, rate in enumerate(rates)}
    rate = best_learning_rate(sweep)
    chosen = slice(rates.index(rate) * k, (rates.index(rate) + 1) * k)
    test_logits = net.forward(np.asarray(split.test[0], dtype=net.dtype))[chosen]
    test = summarize(nets.accuracy(test_logits, split.test[1]), diverged[rates.index(rate)])
    params = {key: np.array(value[chosen]) for key, value in net.params.items()}
    return Tuned(rate=rate, sweep=sweep, test=test, params=params)
