"""What the accuracy test and the benchmarks measure, and on which inputs.

Shared by tests/test_accuracy.py, bench_accuracy.py and bench_speed.py:
the cases (every registry activation x its parameter settings x value or
derivative, plus log_softmax) and the input grids. A grid covers the whole float range of a dtype (subnormals to the largest
finite number, both signs, +-0, +-inf, NaN), the danger zones where naive
formulas overflow or lose their tail, dense points near 0 and near the
interior zeros of GELU' and Swish', and seeded random points. The test uses
a small grid, the benchmark a large one; both are deterministic.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

import activations
from tests.settings import scalar_settings

#: Measured functions that are not registry records: each is a vector function of a row.
BESIDE_THE_REGISTRY = ("log_softmax", "online_softmax")


class Case(NamedTuple):
    """One measured function: an activation, its parameters, value or derivative."""

    name: str
    params: dict
    derivative: bool

    @property
    def label(self):
        settings = ",".join(f"{k}={v}" for k, v in self.params.items())
        return f"{self.name}({settings})" if settings else self.name

    @property
    def kind(self):
        return "derivative" if self.derivative else "value"

    @property
    def gated(self):
        """True for gated units (GLU family): rows of a value and a gate entry."""
        return self.name not in BESIDE_THE_REGISTRY and activations.get(self.name).gated

    @property
    def vector(self):
        """True for softmax-like functions of a whole row."""
        return self.name in BESIDE_THE_REGISTRY or activations.get(self.name).vector

    def library(self):
        """The package's function for this case."""
        if self.name in BESIDE_THE_REGISTRY:
            return getattr(activations, self.name)
        record = activations.get(self.name)
        return record.grad if self.derivative else record.fn


def cases():
    """Every registry activation x parameter setting x (value, derivative), then log_softmax
    and online_softmax (measured against softmax's reference)."""
    out = []
    for record in activations.ALL_RECORDS:
        for params in scalar_settings(record.name):
            out += [Case(record.name, dict(params), False), Case(record.name, dict(params), True)]
    out += [Case(name, {}, False) for name in BESIDE_THE_REGISTRY]
    return out

#: Magnitudes where some formula changes behaviour: sigma/tanh saturate
#: (8.3-20, 36.7), exp over/underflows in float32 (88.7, 103.3) and
#: float64 (709.8, 745.1), x**2 and x**3 overflow (1.3e154, 5.6e102;
#: 1.8e19 and 7e12 in float32), GELU-tanh's derivative is rescaled where
#: e^v is subnormal (x in (-21.6, -21.06), 21.3), and plain large numbers.
DANGER_ZONES = (
    0.5, 1.0, 2.0, 5.0, 8.3, 9.0, 10.0, 16.6, 17.3, 18.0, 19.0, 20.0, 21.3, 30.0, 36.7, 37.4, 40.0,
    87.3, 88.7, 103.3, 104.0, 354.9, 709.8, 745.1, 1e4, 1e8, 7e12, 1.8e19, 1e30, 5.6e102,
    1e154, 1.3e154, 1e300,
)

#: Interval of the interior zeros of GELU' (-0.75) and Swish' (-1.28 / beta
#: for beta in [1, 2]), sampled densely.
ZERO_REGION = (-1.4, -0.6)


def _finite_in(dtype, values):
    """Values that are finite in ``dtype``, cast to it, unique and sorted."""
    values = np.asarray(values, dtype=np.float64)
    limit = float(np.finfo(dtype).max)
    return np.unique(values[np.abs(values) <= limit].astype(dtype))


def _both_signs(values):
    values = np.asarray(values, dtype=np.float64)
    return np.concatenate([values, -values])


def specials(dtype):
    """+-0, +-inf, NaN, and the edges of the subnormal and normal ranges."""
    info = np.finfo(dtype)
    tiny_sub = float(info.smallest_subnormal)
    edges = [tiny_sub, 2 * tiny_sub, float(info.smallest_normal) - tiny_sub,
             float(info.smallest_normal), float(info.max), float(np.nextafter(info.max, 0))]
    points = np.concatenate([_both_signs(edges), [0.0, -0.0, np.inf, -np.inf, np.nan]])
    return points.astype(dtype)


def scalar_grid(dtype, size=1000, seed=0):
    """About ``size`` points of ``dtype`` covering every regime of a scalar activation.

    Parameters
    ----------
    dtype : numpy dtype
        float32 or float64; every point is exactly representable in it.
    size : int
        Rough number of points (from 1000 on, the result has 0.95x to 1.05x
        as many; small grids keep at least three points per danger zone).
    seed : int
        Seed of the random part.

    Returns
    -------
    numpy.ndarray
        1-d array of ``dtype``, including NaN and +-inf.
    """
    info = np.finfo(dtype)
    rng = np.random.default_rng(seed)
    part = max(size // 11, 8)   # eleven parts of this size make up the grid
    per_zone = max(part // len(DANGER_ZONES), 3)
    zones = np.concatenate([zone * (1 + np.linspace(-0.02, 0.02, per_zone)) for zone in DANGER_ZONES])
    # Stop just short of the top (specials() adds the largest float): the
    # power inside geomspace would overflow with a warning at max itself.
    top = float(info.max) / 2
    sweep = np.geomspace(float(info.smallest_subnormal), top, part)
    magnitudes = 10.0 ** rng.uniform(np.log10(float(info.smallest_subnormal)), np.log10(top), part)
    finite = np.concatenate([
        _both_signs(sweep), _both_signs(zones), _both_signs(magnitudes),
        np.linspace(-4, 4, 2 * part + 1),
        np.linspace(*ZERO_REGION, part),
        _both_signs(np.geomspace(1e-30, 1, part // 2)),
        rng.standard_normal(part) * 10.0 ** rng.uniform(-2, 2.5, part),
    ])
    grid = _finite_in(dtype, finite)
    # -0.0 collapses into 0.0 in np.unique; specials() adds both zeros back.
    return np.concatenate([specials(dtype), grid])


def gated_grid(dtype, size=1000, seed=0):
    """Pairs ``[a, b]`` (shape ``(3 * points, 2)``) for a gated unit ``a * g(b)``.

    The gate half ``b`` runs over :func:`scalar_grid` three times: once with
    ``a = 1``, which measures the gate itself, and once with ``a`` drawn
    from the same grid in a seeded random order, so that every magnitude
    of ``a`` (subnormal to the largest float, +-inf, NaN) meets every
    regime of the gate, and once with a huge ``a``, so that every gate
    that underflows while ``a * g(b)`` does not is met for certain.
    """
    b = scalar_grid(dtype, size=size, seed=seed)
    shuffled = np.random.default_rng(seed + 1).permutation(b)
    # A third pass with a huge a (2**1000 in float64, a quarter of the largest float32)
    # meets every b: where g(b) or g'(b) has left the normal range (sigmoid below -745,
    # GELU below -38) the product is still an ordinary number, deterministically.
    huge = np.full_like(b, min(2.0 ** 1000, float(np.finfo(dtype).max) / 4))
    a = np.concatenate([np.ones_like(b), shuffled, huge])
    return np.stack([a, np.concatenate([b, b, b])], axis=-1)


def vector_grid(dtype, rows=60, width=8, seed=0):
    """Rows of ``width`` entries for softmax: every regime of the normaliser.

    Includes rows of ordinary logits at many scales and offsets (so that
    ``exp`` overflows without the max shift), rows with one dominant entry
    (probabilities near 1 and log-probabilities near 0), rows with ``-inf``
    entries (masked logits), constant rows, rows mixing the largest finite
    numbers of both signs (the max shift itself overflows) and rows of
    subnormals. Rows with ``+inf`` or NaN are left out: what softmax should
    return there is a convention, not a numerical question.

    Returns
    -------
    numpy.ndarray of shape (0.75 ``rows`` to ``rows``, ``width``)
    """
    info = np.finfo(dtype)
    biggest = float(info.max)
    rng = np.random.default_rng(seed)
    out = []
    per_kind = max((rows - width - 6) // 4, 1)   # four random kinds + the fixed rows
    for scale in np.geomspace(1e-30, min(1e300, biggest / 4), per_kind):
        out.append(rng.standard_normal(width) * scale)
    for offset in _both_signs(np.geomspace(10.0, min(1e300, biggest / 2), per_kind // 2 + 1)):
        out.append(offset + rng.standard_normal(width) * 10)
    for gap in np.geomspace(1.0, min(1e6, biggest), per_kind):
        row = -gap - np.abs(rng.standard_normal(width)) * gap / 4
        row[rng.integers(width)] = 0.0
        out.append(row)
    for masked in range(1, width):
        row = rng.standard_normal(width) * 3
        row[rng.permutation(width)[:masked]] = -np.inf
        out.append(row)
    out += [np.zeros(width), np.full(width, -biggest), np.full(width, biggest),
            np.resize([biggest, -biggest], width), np.resize([biggest, 0.0, -1.0], width),
            float(info.smallest_subnormal) * rng.integers(-5, 6, width)]
    # Clip first: a random row scaled near the top of the range must not
    # overflow (with a warning) on the way to ``dtype``.
    return np.clip(np.array(out, dtype=np.float64), -biggest, biggest).astype(dtype)
