"""The :class:`Activation` record that describes one activation function."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Callable, Mapping

import numpy as np


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

    def scalar_functions(self, params=None, width: int = 3):
        r"""Value and derivative as functions of one real variable.

        Property probes (range, monotonicity, saturation, the mean under
        N(0, 1)) treat every activation the same way through this view. An
        elementwise activation is returned as it is, with ``params`` (default:
        the record's defaults) bound. For a vector activation (softmax) the
        view is component 0 of ``f([t, 0, ..., 0])`` with ``width`` entries,
        and its derivative the Jacobian's diagonal entry; with ``width=2``
        this is :math:`\sigma(t)`.

        Examples
        --------
        >>> from activations import get
        >>> f, df = get("softmax").scalar_functions(width=2)
        >>> float(f(0.0)), float(df(0.0))
        (0.5, 0.25)
        """
        params = dict(self.params if params is None else params)
        if not self.vector:
            return (lambda t: self.fn(t, **params)), (lambda t: self.grad(t, **params))

        def embed(t):
            t = np.asarray(t, dtype=np.float64)
            rows = np.zeros(t.shape + (width,))
            rows[..., 0] = t
            return rows

        return (lambda t: self.fn(embed(t), **params)[..., 0],
                lambda t: self.grad(embed(t), **params)[..., 0])
