"""Activation functions of 《激活函数：推导、实现与实验》, in NumPy and SymPy.

Each activation lives in its own module (``sigmoid``, ``tanh``, ``relu``,
``leaky_relu``, ``prelu``, ``softmax``, ``swish``, ``gelu``, ``selu``) with a
value function, its derivative, its SymPy form and an :class:`Activation`
record. :data:`REGISTRY` maps every name and alias to its record and
:func:`get` looks one up.

>>> import activations
>>> activations.get("silu").name
'swish'
"""

from __future__ import annotations

import importlib

from ._spec import Activation, Properties

#: Module names in the book's chapter order.
ACTIVATION_MODULES = (
    "sigmoid", "tanh", "relu", "leaky_relu", "prelu", "softmax", "swish", "gelu", "selu",
)


def _collect():
    """Import each activation module and re-export its public names."""
    records = {}
    exported = []
    for module_name in ACTIVATION_MODULES:
        module = importlib.import_module(f".{module_name}", __name__)
        for public in module.__all__:
            globals()[public] = getattr(module, public)
            exported.append(public)
        record = getattr(module, module_name.upper())
        records[record.name] = record
    return records, exported


_RECORDS, _EXPORTED = _collect()


def _build_registry(records):
    registry = {}
    for record in records.values():
        for key in (record.name, *record.aliases):
            if key in registry:
                raise RuntimeError(f"registry name {key!r} is used twice")
            registry[key] = record
    return registry


#: Every activation by name and alias (``REGISTRY["silu"] is REGISTRY["swish"]``).
REGISTRY = _build_registry(_RECORDS)

#: The records once each, in chapter order (iterate over this, not REGISTRY).
ACTIVATIONS = tuple(_RECORDS.values())


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


__all__ = ["Activation", "Properties", "REGISTRY", "ACTIVATIONS", "ACTIVATION_MODULES", "get",
           *_EXPORTED]
