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
        for unbounded sides. For softmax: the range of each component. For
        a gated function: those of its gate (see
        :meth:`Activation.scalar_functions`).
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
    gated : bool
        True for a gated unit (GLU and its variants), which splits its
        input along an axis into halves ``a, b`` and returns
        ``a * g(b)``: :math:`2n` inputs give :math:`n` outputs. Then
        ``fn(x, axis=-1, **params)``; ``grad`` returns the two non-zero
        diagonals of the Jacobian, :math:`g(b)` and :math:`a g'(b)`, laid
        out like ``x``; ``expr(a, b, **params)`` takes two symbols.
    gate : str
        For a gated unit, the registry name of its gate :math:`g`.
    vjp : callable or None
        ``vjp(x, v, axis=-1, **params)``: the gradient with respect to
        ``x`` for an upstream gradient ``v`` of the output's shape, where
        the function is not elementwise (softmax, gated units).
    value_and_grad : callable or None
        ``value_and_grad(x, **params)`` returns ``(fn(x), grad(x))``,
        bitwise equal to the two calls but sharing their common work (GELU's
        normal CDF); None when there is nothing to share. Use
        :meth:`fn_and_grad`, which falls back to the two calls.
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
    gated: bool = False
    gate: str = ""
    vjp: Callable[..., Any] | None = None
    value_and_grad: Callable[..., Any] | None = None

    def __post_init__(self):
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))
        if self.value_and_grad is not None:
            self._check_value_and_grad()

    def _check_value_and_grad(self):
        # dataclasses.replace(GELU, fn=...) would keep GELU's fused kernel and
        # silently train the old function; a probe on a few points refuses it.
        probe = np.linspace(-4.0, 4.0, 17)
        value, slope = self.value_and_grad(probe)
        if not (np.array_equal(value, self.fn(probe)) and np.array_equal(slope, self.grad(probe))):
            raise ValueError(
                f"{self.name}: value_and_grad does not return (fn(x), grad(x)); when "
                "replacing fn or grad, pass value_and_grad=None (or a matching kernel)")

    def fn_and_grad(self, x, **params):
        """``(fn(x), grad(x))`` with the record's shared kernel when it has one.

        Training evaluates both on every forward pass (:mod:`activations.nets`);
        the results are bitwise those of ``fn`` and ``grad`` called apart.
        """
        if self.value_and_grad is not None:
            return self.value_and_grad(x, **params)
        return self.fn(x, **params), self.grad(x, **params)

    @property
    def kind(self) -> str:
        """``"elementwise"``, ``"vector"`` (softmax) or ``"gated"`` (2n inputs, n outputs)."""
        return "gated" if self.gated else ("vector" if self.vector else "elementwise")

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
        >>> f, df = get("glu").scalar_functions()
        >>> float(f(0.0)), float(df(0.0))
        (0.5, 0.25)
        """
        params = dict(self.params if params is None else params)
        if self.gated:
            return self._gate_view(params)
        if not self.vector:
            return (lambda t: self.fn(t, **params)), (lambda t: self.grad(t, **params))

        def embed(t):
            t = np.asarray(t, dtype=np.float64)
            rows = np.zeros(t.shape + (width,))
            rows[..., 0] = t
            return rows

        return (lambda t: self.fn(embed(t), **params)[..., 0],
                lambda t: self.grad(embed(t), **params)[..., 0])

    def _gate_view(self, params):
        def pairs(t):
            t = np.asarray(t, dtype=np.float64)
            return np.stack([np.ones_like(t), t], axis=-1)

        return (lambda t: self.fn(pairs(t), **params)[..., 0],
                lambda t: self.grad(pairs(t), **params)[..., 1])
