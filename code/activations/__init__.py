"""Activation functions of 《激活函数：推导、实现与实验》, in NumPy and SymPy.

Each activation lives in its own module (``sigmoid``, ``tanh``, ``relu``,
``leaky_relu``, ``prelu``, ``softmax``, ``swish``, ``gelu``, ``selu``, and
the gated family in ``glu``) with a
value function, its derivative, its SymPy form and an :class:`Activation`
record. :data:`REGISTRY` maps every name and alias to its record and
:func:`get` looks one up.

>>> import activations
>>> activations.get("silu").name
'swish'
"""

from __future__ import annotations

from ._spec import Activation, Properties
from .sigmoid import SIGMOID, sigmoid, sigmoid_expr, sigmoid_grad
from .tanh import TANH, tanh, tanh_expr, tanh_grad
from .relu import RELU, relu, relu_expr, relu_grad
from .leaky_relu import LEAKY_RELU, leaky_relu, leaky_relu_expr, leaky_relu_grad
from .prelu import PRELU, prelu, prelu_expr, prelu_grad, prelu_grad_a
from .softmax import (SOFTMAX, log_softmax, online_softmax, softmax, softmax_expr, softmax_grad,
                      softmax_jacobian, softmax_jvp, softmax_vjp)
from .swish import SWISH, swish, swish_expr, swish_grad, swish_grad_beta
from .gelu import GELU, gelu, gelu_expr, gelu_grad
from .selu import SELU, SELU_ALPHA, SELU_SCALE, derive_selu_constants, selu, selu_expr, selu_grad
from .glu import (GEGLU, GLU, REGLU, SWIGLU, geglu, geglu_expr, geglu_grad, geglu_vjp, glu,
                  glu_expr, glu_grad, glu_vjp, reglu, reglu_expr, reglu_grad, reglu_vjp, swiglu,
                  swiglu_expr, swiglu_grad, swiglu_vjp)

#: Module names in the book's chapter order.
ACTIVATION_MODULES = (
    "sigmoid", "tanh", "relu", "leaky_relu", "prelu", "softmax", "swish", "gelu", "selu", "glu",
)

#: The elementwise and vector records once each, in chapter order (iterate over
#: this, not REGISTRY): the functions a hidden or output layer applies to each
#: unit or row, as Part I and the summary compare them.
ACTIVATIONS = (SIGMOID, TANH, RELU, LEAKY_RELU, PRELU, SOFTMAX, SWISH, GELU, SELU)

#: The gated units of the glu chapter (``record.gated``): 2n inputs, n outputs.
GATED = (GLU, REGLU, GEGLU, SWIGLU)

#: Every record once: ``ACTIVATIONS`` then ``GATED``.
ALL_RECORDS = ACTIVATIONS + GATED


def _build_registry(records):
    registry = {}
    for record in records:
        for key in (record.name, *record.aliases):
            if key in registry:
                raise RuntimeError(f"registry name {key!r} is used twice")
            registry[key] = record
    return registry


#: Every activation by name and alias (``REGISTRY["silu"] is REGISTRY["swish"]``).
REGISTRY = _build_registry(ALL_RECORDS)


def _normalize(name: str) -> str:
    return name.strip().lower().replace("-", "_").replace(" ", "_")


def get(name) -> Activation:
    """Look up an activation by name or alias.

    Names are case-insensitive and ``-`` or a space may stand for ``_``;
    an :class:`Activation` record is returned unchanged.

    Parameters
    ----------
    name : str or Activation
        ``"relu"``, ``"Leaky-ReLU"``, ``"silu"``, ...

    Returns
    -------
    Activation

    Raises
    ------
    ValueError
        If the name is unknown; the message lists the valid names.
    TypeError
        If ``name`` is neither a string nor an :class:`Activation`.

    Examples
    --------
    >>> get("Leaky-ReLU").name
    'leaky_relu'
    >>> get("nope")
    Traceback (most recent call last):
    ...
    ValueError: unknown activation 'nope'; valid names: ...
    """
    if isinstance(name, Activation):
        return name
    if not isinstance(name, str):
        raise TypeError(f"get() needs an activation name (str); got {type(name).__name__}")
    record = REGISTRY.get(_normalize(name))
    if record is None:
        valid = ", ".join(sorted(REGISTRY))
        raise ValueError(f"unknown activation {name!r}; valid names: {valid}")
    return record


__all__ = [
    "Activation", "Properties", "REGISTRY", "ACTIVATIONS", "GATED", "ALL_RECORDS",
    "ACTIVATION_MODULES", "get",
    "sigmoid", "sigmoid_grad", "sigmoid_expr", "SIGMOID",
    "tanh", "tanh_grad", "tanh_expr", "TANH",
    "relu", "relu_grad", "relu_expr", "RELU",
    "leaky_relu", "leaky_relu_grad", "leaky_relu_expr", "LEAKY_RELU",
    "prelu", "prelu_grad", "prelu_grad_a", "prelu_expr", "PRELU",
    "softmax", "softmax_grad", "log_softmax", "softmax_jvp", "softmax_vjp", "softmax_jacobian",
    "softmax_expr", "online_softmax", "SOFTMAX",
    "swish", "swish_grad", "swish_grad_beta", "swish_expr", "SWISH",
    "gelu", "gelu_grad", "gelu_expr", "GELU",
    "selu", "selu_grad", "selu_expr", "derive_selu_constants", "SELU_ALPHA", "SELU_SCALE", "SELU",
    "glu", "glu_grad", "glu_vjp", "glu_expr", "GLU",
    "reglu", "reglu_grad", "reglu_vjp", "reglu_expr", "REGLU",
    "geglu", "geglu_grad", "geglu_vjp", "geglu_expr", "GEGLU",
    "swiglu", "swiglu_grad", "swiglu_vjp", "swiglu_expr", "SWIGLU",
]
