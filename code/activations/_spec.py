"""The :class:`Activation` record that describes one activation function."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Callable, Mapping


@dataclass(frozen=True)
class Properties:
    """Mathematical properties shown in the book's summary table.

    Each field is checked against the code by ``tests/test_properties.py``
    (limits, a sign scan of the derivative, an integral against N(0, 1)),
    so the table cannot drift from the implementation.

    Attributes
    ----------
    output_range : tuple of float
        ``(inf f, sup f)`` over the reals, with ``-math.inf``/``math.inf``
        for unbounded sides. For softmax: the range of each component.
    monotonic : bool
        Whether ``f`` is non-decreasing (``f' >= 0`` everywhere).
    zero_centered : bool
        Whether ``|E[f(z)]| < 0.05`` for ``z ~ N(0, 1)``: outputs centred
        on zero for a standardised input.
    smoothness : float
        ``k`` such that ``f`` is ``C^k``: 0 for a kink, ``math.inf`` for
        infinitely differentiable.
    saturates : str
        Where ``f'(x) -> 0``: ``"both"``, ``"left"``, ``"right"`` or ``"none"``.
    """

    output_range: tuple[float, float]
    monotonic: bool
    zero_centered: bool
    smoothness: float
    saturates: str


@dataclass(frozen=True)
class Activation:
    """One activation function: numerics, symbolic form and metadata.

    Attributes
    ----------
    name : str
        Registry key, module name and chapter name (``"leaky_relu"``).
    zh_name : str
        Chinese name used in the book's tables.
    fn, grad : callable
        NumPy value and elementwise derivative ``d/dx``; both accept the
        keyword parameters in ``params``.
    expr : callable
        ``expr(x, **params)`` returns the SymPy expression of the value
        for a SymPy symbol ``x``.
    params : mapping
        Default keyword parameters (read-only).
    aliases : tuple of str
        Other registry names (``"silu"`` for swish).
    kinks : tuple of float
        Points where ``f`` is not differentiable (empty when smooth).
    kink_convention : str
        The value ``grad`` returns at each kink, and why.
    properties : Properties
        What the summary table shows.
    latex : str
        The defining formula in LaTeX, for tables.
    references : tuple of str
        BibTeX keys of the sources in ``book/references.bib``.
    vector : bool
        True when the function maps vectors to vectors (softmax); then
        ``grad`` is the diagonal of the Jacobian and the module offers
        JVP/VJP products.
    """

    name: str
    zh_name: str
    fn: Callable[..., Any]
    grad: Callable[..., Any]
    expr: Callable[..., Any]
    properties: Properties
    latex: str
    params: Mapping[str, Any] = field(default_factory=dict)
    aliases: tuple[str, ...] = ()
    kinks: tuple[float, ...] = ()
    kink_convention: str = ""
    references: tuple[str, ...] = ()
    vector: bool = False

    def __post_init__(self):
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))

    @property
    def is_smooth(self) -> bool:
        """True when the function is infinitely differentiable."""
        return self.properties.smoothness == math.inf
