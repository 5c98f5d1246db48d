"""Seeded toy data sets for the Part I experiments.

Every generator takes a ``seed`` and draws all its randomness from
``np.random.default_rng(seed)``, so a notebook cell gives the same data on
every run. Classification sets return ``(X, y)`` with ``X`` of shape
``(n, 2)`` (float64) and integer labels ``y`` of shape ``(n,)``; the
sequence tasks return ``X`` of shape ``(n, T, features)`` (batch, time,
features) and their targets.
"""

from __future__ import annotations

import gzip
import importlib.util
from pathlib import Path
from typing import NamedTuple

import numpy as np

__all__ = ["xor", "two_moons", "circles", "spirals", "memory_task", "adding_problem", "products",
           "Split", "digits"]


def _check_positive(func_name: str, **values) -> None:
    """Raise ``ValueError`` unless every value is a positive integer."""
    for name, value in values.items():
        if int(value) != value or value < 1:
            raise ValueError(f"{func_name}(): {name} must be a positive integer; got {value!r}")


def xor(n: int = 200, noise: float = 0.1, seed: int = 0):
    r"""Noisy XOR: four Gaussian blobs on the corners of the unit square.

    Point :math:`i` sits at corner :math:`(a, b) \in \{0, 1\}^2` (the corners
    are used in turn, so every corner gets ``n/4`` points) plus
    :math:`\mathcal N(0, \mathrm{noise}^2)` in each coordinate, and its label
    is :math:`a \oplus b`. No straight line separates the classes, which is
    why a network without a nonlinearity cannot learn it.

    Parameters
    ----------
    n : int
        Number of points; ``n=4, noise=0`` gives the truth table.
    noise : float
        Standard deviation of the Gaussian jitter.
    seed : int
        Seed of ``np.random.default_rng``.

    Returns
    -------
    X : numpy.ndarray, shape (n, 2)
    y : numpy.ndarray of int, shape (n,)

    Examples
    --------
    >>> X, y = xor(4, noise=0.0)
    >>> X.tolist(), y.tolist()
    ([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0, 1, 1, 0])
    """
    _check_positive("xor", n=n)
    rng = np.random.default_rng(seed)
    corners = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])[np.arange(n) % 4]
    X = corners + noise * rng.standard_normal((n, 2))
    return X, corners[:, 0] ^ corners[:, 1]


def two_moons(n: int = 200, noise: float = 0.1, seed: int = 0):
    r"""Two interleaving half circles.

    Class 0 lies on :math:`(\cos\theta, \sin\theta)`, class 1 on
    :math:`(1 - \cos\theta, 1/2 - \sin\theta)`, :math:`\theta` uniform in
    :math:`[0, \pi]`, plus Gaussian noise of standard deviation ``noise``.
    Classes alternate, so class 0 has ``ceil(n/2)`` points.

    Returns
    -------
    X : numpy.ndarray, shape (n, 2)
    y : numpy.ndarray of int, shape (n,)

    Examples
    --------
    >>> X, y = two_moons(6, seed=1)
    >>> X.shape, y.tolist()
    ((6, 2), [0, 1, 0, 1, 0, 1])
    """
    _check_positive("two_moons", n=n)
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 2
    theta = rng.uniform(0.0, np.pi, n)
    # Flip the second moon through the point (1/2, 1/4) so it hooks into the first.
    sign = 1 - 2 * y
    X = np.column_stack([y + sign * np.cos(theta), 0.5 * y + sign * np.sin(theta)])
    return X + noise * rng.standard_normal((n, 2)), y


def circles(n: int = 200, noise: float = 0.05, factor: float = 0.5, seed: int = 0):
    r"""Two concentric circles: class 0 of radius 1, class 1 of radius ``factor``.

    Points are at uniform angles plus Gaussian noise of standard deviation
    ``noise``; classes alternate.

    Returns
    -------
    X : numpy.ndarray, shape (n, 2)
    y : numpy.ndarray of int, shape (n,)

    Examples
    --------
    >>> X, y = circles(4, noise=0.0, factor=0.5)
    >>> np.round(np.hypot(X[:, 0], X[:, 1]), 12).tolist(), y.tolist()
    ([1.0, 0.5, 1.0, 0.5], [0, 1, 0, 1])
    """
    _check_positive("circles", n=n)
    if not 0 < factor < 1:
        raise ValueError(f"circles(): factor must lie in (0, 1); got {factor!r}")
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 2
    theta = rng.uniform(0.0, 2 * np.pi, n)
    radius = np.where(y == 1, factor, 1.0)
    X = radius[:, None] * np.column_stack([np.cos(theta), np.sin(theta)])
    return X + noise * rng.standard_normal((n, 2)), y


def spirals(n: int = 300, n_classes: int = 3, turns: float = 1.0, noise: float = 0.2,
            seed: int = 0):
    r"""Interleaved spiral arms, one per class.

    Arm :math:`k` is :math:`r(\cos\phi, \sin\phi)` with radius
    :math:`r` uniform in :math:`[0, 1]` and angle
    :math:`\phi = 2\pi(\mathrm{turns}\cdot r + k/K) + \mathrm{noise}\cdot\varepsilon`,
    :math:`\varepsilon \sim \mathcal N(0, 1)`. The noise is on the angle, so
    the arms blur most near the centre, where they are closest.

    Parameters
    ----------
    n : int
        Total number of points; classes alternate.
    n_classes : int
        Number of arms :math:`K`.
    turns : float
        How many full turns each arm makes.
    noise : float
        Standard deviation of the angular noise (radians).
    seed : int
        Seed of ``np.random.default_rng``.

    Returns
    -------
    X : numpy.ndarray, shape (n, 2)
    y : numpy.ndarray of int, shape (n,)

    Examples
    --------
    >>> X, y = spirals(6, n_classes=3)
    >>> X.shape, y.tolist()
    ((6, 2), [0, 1, 2, 0, 1, 2])
    >>> bool(np.all(np.hypot(X[:, 0], X[:, 1]) <= 1))
    True
    """
    _check_positive("spirals", n=n, n_classes=n_classes)
    rng = np.random.default_rng(seed)
    y = np.arange(n) % n_classes
    radius = rng.uniform(0.0, 1.0, n)
    phi = 2 * np.pi * (turns * radius + y / n_classes) + noise * rng.standard_normal(n)
    return radius[:, None] * np.column_stack([np.cos(phi), np.sin(phi)]), y


def memory_task(n: int = 256, T: int = 30, n_symbols: int = 4, noise: float = 1.0,
                seed: int = 0):
    r"""Remember the marked first symbol of a sequence through ``T - 1`` noisy steps.

    Each step has ``n_symbols + 1`` input channels. At step 0 the first
    ``n_symbols`` channels hold a one-hot symbol (the label) and the last
    channel, a marker, is 1. At every later step the marker is 0 and the
    symbol channels carry Gaussian noise of standard deviation ``noise``,
    as large as the symbol itself by default. The answer is read after the
    last step, so the symbol must be stored when the marker is on and
    protected from ``T - 1`` steps of noise on the very channels it came
    in on: a multiplicative decision that gates make easy and a vanilla
    RNN, whose every step adds the input to its state, finds hard.
    Chance accuracy is ``1 / n_symbols``.

    Parameters
    ----------
    n : int
        Number of sequences.
    T : int
        Sequence length.
    n_symbols : int
        Alphabet size, the number of classes.
    noise : float
        Standard deviation of the distractor noise.
    seed : int
        Seed of ``np.random.default_rng``.

    Returns
    -------
    X : numpy.ndarray, shape (n, T, n_symbols + 1)
    y : numpy.ndarray of int, shape (n,)

    Examples
    --------
    >>> X, y = memory_task(2, T=3, n_symbols=2, seed=0)
    >>> X.shape, X[np.arange(2), 0, y].tolist()
    ((2, 3, 3), [1.0, 1.0])
    >>> X[:, :, 2].tolist()   # the marker
    [[1.0, 0.0, 0.0], [1.0, 0.0, 0.0]]
    """
    _check_positive("memory_task", n=n, T=T, n_symbols=n_symbols)
    rng = np.random.default_rng(seed)
    y = rng.integers(0, n_symbols, n)
    X = np.zeros((n, T, n_symbols + 1))
    X[:, 1:, :n_symbols] = noise * rng.standard_normal((n, T - 1, n_symbols))
    X[np.arange(n), 0, y] = 1.0
    X[:, 0, n_symbols] = 1.0
    return X, y


def adding_problem(n: int = 256, T: int = 30, seed: int = 0):
    r"""The adding problem of Hochreiter and Schmidhuber (1997).

    Each step carries two channels: a value uniform in :math:`[0, 1)` and
    a marker. Exactly two steps are marked, one in the first half of the
    sequence and one in the second; the target is the sum of the two
    marked values (a regression target in :math:`[0, 2)`). Predicting the
    constant 1 gives a mean squared error of about 1/6, the baseline a
    model has to beat.

    Returns
    -------
    X : numpy.ndarray, shape (n, T, 2)
    y : numpy.ndarray, shape (n, 1)

    Examples
    --------
    >>> X, y = adding_problem(3, T=10, seed=0)
    >>> X.shape, X[:, :, 1].sum(axis=1).tolist()
    ((3, 10, 2), [2.0, 2.0, 2.0])
    >>> np.allclose(y[:, 0], (X[:, :, 0] * X[:, :, 1]).sum(axis=1))
    True
    """
    _check_positive("adding_problem", n=n)
    if T < 2:
        raise ValueError(f"adding_problem(): T must be at least 2; got {T!r}")
    rng = np.random.default_rng(seed)
    values = rng.uniform(0.0, 1.0, (n, T))
    half = T // 2
    first = rng.integers(0, half, n)
    second = rng.integers(half, T, n)
    markers = np.zeros((n, T))
    markers[np.arange(n), first] = 1.0
    markers[np.arange(n), second] = 1.0
    y = values[np.arange(n), first] + values[np.arange(n), second]
    return np.stack([values, markers], axis=-1), y[:, None]


def products(n: int = 512, n_features: int = 8, n_pairs: int = 2, seed: int = 0):
    r"""Classify the sign of a sum of products of input pairs: a task made for multiplicative units.

    Inputs are standard normal, :math:`\mathbf x \in \mathbb R^{d}`; the label
    is :math:`y = [x_0 x_1 + x_2 x_3 + \dots > 0]` over the first ``n_pairs``
    pairs, and the remaining features are distractors. Each product is one
    unit of a gated layer (:math:`a \odot g(b)` with :math:`g(b) \approx b`
    near 0), while units of the form :math:`f(\mathbf w^\top\mathbf x)` need
    several to bend a product: a task where gating can matter (glu chapter).

    Returns
    -------
    X : numpy.ndarray, shape (n, n_features)
    y : numpy.ndarray of int, shape (n,)
        Labels 0 or 1 (balanced in expectation).

    Examples
    --------
    >>> X, y = products(1000, seed=1)
    >>> X.shape, set(y.tolist()) == {0, 1}
    ((1000, 8), True)
    >>> bool(np.all(y == (X[:, 0] * X[:, 1] + X[:, 2] * X[:, 3] > 0)))
    True
    """
    _check_positive("products", n=n, n_features=n_features, n_pairs=n_pairs)
    if 2 * n_pairs > n_features:
        raise ValueError(f"products(): {n_pairs} pairs need at least {2 * n_pairs} features; "
                         f"got {n_features}")
    X = np.random.default_rng(seed).standard_normal((n, n_features))
    score = np.sum(X[:, 0:2 * n_pairs:2] * X[:, 1:2 * n_pairs:2], axis=1)
    return X, (score > 0).astype(np.int64)


class Split(NamedTuple):
    """A data set split three ways; each part is ``(X, y)``."""

    train: tuple
    val: tuple
    test: tuple


def digits(val_fraction: float = 0.2, test_fraction: float = 0.2, seed: int = 0) -> Split:
    r"""scikit-learn's 8×8 handwritten digits, standardised and split three ways.

    Real data for the experiments whose conclusion is about learning: 1,797
    grey-scale images of the digits 0–9, 64 pixels each, as bundled inside
    the scikit-learn wheel (:func:`sklearn.datasets.load_digits`, no
    download). The rows are shuffled with ``seed`` and split into training,
    validation (for choosing a learning rate) and test parts; every pixel is
    standardised with the training part's mean and standard deviation
    (pixels constant on the training part are only centred), so no
    information from validation or test leaks into the inputs.

    Returns
    -------
    Split
        ``train``, ``val``, ``test``: each ``(X, y)`` with ``X`` of shape
        ``(n, 64)`` (float64) and labels ``y`` in ``0..9``.

    Examples
    --------
    >>> parts = digits(seed=0)
    >>> [len(part[0]) for part in parts], parts.train[0].shape[1]
    ([1079, 359, 359], 64)
    >>> bool(abs(parts.train[0].mean()) < 1e-12)
    True
    """
    if not (0 < val_fraction < 1 and 0 < test_fraction < 1 and val_fraction + test_fraction < 1):
        raise ValueError("digits(): val_fraction and test_fraction must be in (0, 1) "
                         f"with a sum below 1; got {val_fraction!r}, {test_fraction!r}")
    X, y = _digits_table()
    order = np.random.default_rng(seed).permutation(len(X))
    n_val, n_test = round(val_fraction * len(X)), round(test_fraction * len(X))
    val, test, train = np.split(order, [n_val, n_val + n_test])
    mean, std = X[train].mean(axis=0), X[train].std(axis=0)
    scale = np.where(std > 0, std, 1.0)
    def part(rows):
        return (X[rows] - mean) / scale, y[rows]

    return Split(train=part(train), val=part(val), test=part(test))


#: Where scikit-learn's wheel keeps the table behind ``load_digits`` (one
#: row per image: 64 pixel values, then the label).
_DIGITS_FILE = Path("datasets", "data", "digits.csv.gz")


def _digits_table():
    """The pixels (float64, ``(1797, 64)``) and labels (int64) of ``load_digits``.

    Read straight from the file in scikit-learn's wheel: importing
    ``sklearn.datasets`` costs about 0.5 s, a thirtieth of a notebook's
    time budget, for a table that takes 10 ms to parse. If a scikit-learn
    release moves the file, ``load_digits`` itself is used
    (tests/test_data.py checks that both give the same arrays).
    """
    spec = importlib.util.find_spec("sklearn")
    if spec is None:
        raise ImportError("digits() needs scikit-learn (pip install scikit-learn)")
    for folder in spec.submodule_search_locations or ():
        path = Path(folder) / _DIGITS_FILE
        if path.is_file():
            with gzip.open(path, "rt") as table:
                rows = np.loadtxt(table, delimiter=",")
            return rows[:, :-1], rows[:, -1].astype(np.int64)
    from sklearn.datasets import load_digits   # the slow, layout-independent way
    bunch = load_digits()
    return bunch.data.astype(np.float64), bunch.target.astype(np.int64)
