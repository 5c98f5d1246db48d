"""The parameter settings every test and benchmark runs the activations with.

One table for the whole suite: the generic tests (through ``conftest``),
the accuracy test and ``make bench`` all iterate over it. Settings whose
parameter is an array (``PerChannel``) or an axis exercise broadcasting and
layout; the accuracy measurements use the scalar ones (``scalar_settings``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class PerChannel:
    """A learnable parameter with one value per channel, built for an input shape.

    The channel axis is ``axis`` of the input (``-1``: the last axis, so the
    parameter has shape ``(C,)``; ``-2``: shape ``(C, 1)``, which exercises
    the size-1 axes that ``sum_to_shape`` must reduce). The values are
    evenly spaced in ``[low, high]``. For an input with too few axes the
    parameter falls back to the scalar ``low``.
    """

    low: float
    high: float
    axis: int = -1

    def build(self, shape: tuple[int, ...]):
        if len(shape) < -self.axis:
            return np.float64(self.low)
        n = shape[self.axis]
        return np.linspace(self.low, self.high, n).reshape((n,) + (1,) * (-self.axis - 1))


#: Parameter settings each activation is tested with: {id: keyword parameters}.
#: The first entry is the record's defaults. This is the only such table.
SETTINGS: dict[str, dict[str, dict[str, Any]]] = {
    "sigmoid": {"default": {}},
    "tanh": {"default": {}},
    "relu": {"default": {}},
    "leaky_relu": {
        "default": {},
        "slope=0.2": {"negative_slope": 0.2},
        "slope=0": {"negative_slope": 0.0},
        "slope=-0.5": {"negative_slope": -0.5},
        # Above 1 the rectifier is min(x, a*x), not max: the third branch of the kernel.
        "slope=1.5": {"negative_slope": 1.5},
    },
    "prelu": {
        "default": {},
        "a=0.1": {"a": 0.1},
        "a=-0.5": {"a": -0.5},
        "a=per-channel": {"a": PerChannel(-0.3, 0.6)},
        "a=per-channel-axis-2": {"a": PerChannel(0.05, 0.5, axis=-2)},
        "a=1.5": {"a": 1.5},
        # Slopes on both sides of 1 take the mixed branch max(x, 0) + a*min(x, 0).
        "a=per-channel-across-1": {"a": PerChannel(0.5, 1.5)},
    },
    "softmax": {
        "default": {},
        "axis=0": {"axis": 0},
    },
    "swish": {
        "default": {},
        "beta=0.5": {"beta": 0.5},
        "beta=1.702": {"beta": 1.702},
        "beta=0": {"beta": 0.0},
        "beta=per-channel": {"beta": PerChannel(0.5, 2.0)},
        # A beta of shape (C, 1): its gradient must also be summed over the size-1 axis.
        "beta=per-channel-axis-2": {"beta": PerChannel(0.75, 1.5, axis=-2)},
    },
    "gelu": {
        "none": {"approximate": "none"},
        "tanh": {"approximate": "tanh"},
        "sigmoid": {"approximate": "sigmoid"},
    },
    "selu": {"default": {}},
    "glu": {"default": {}, "axis=0": {"axis": 0}},
    "reglu": {"default": {}},
    "geglu": {
        "none": {"approximate": "none"},
        "tanh": {"approximate": "tanh"},
    },
    "swiglu": {"default": {}, "beta=1.702": {"beta": 1.702}, "beta=-0.5": {"beta": -0.5}},
}


def scalar_settings(name: str) -> list[dict[str, Any]]:
    """The settings of activation ``name`` whose parameters are plain numbers or strings."""
    return [dict(params) for params in SETTINGS[name].values()
            if "axis" not in params and not any(isinstance(v, PerChannel) for v in params.values())]
