r"""The feed-forward sublayer of a Transformer, plain or gated, with explicit backpropagation.

A Transformer layer is attention followed by a position-wise **feed-forward
network** (FFN) with a residual connection. The classic FFN has two weight
matrices and an elementwise activation :math:`f`; the gated FFN of Shazeer
(2020, shazeer2020glu) has three, and a gated unit from
:mod:`activations.glu` in place of :math:`f`:

.. math::

    \text{plain:}\quad \mathbf x + f(\mathbf x W_1)\,W_2, \qquad
    W_1 \in \mathbb R^{d\times h},\ W_2 \in \mathbb R^{h\times d}

    \text{gated:}\quad \mathbf x + \bigl(\mathbf a \odot g(\mathbf b)\bigr)\,W_2, \qquad
    [\mathbf a, \mathbf b] = \mathbf x W_1,\ W_1 \in \mathbb R^{d\times 2h_g},\
    W_2 \in \mathbb R^{h_g\times d}

(:math:`W_1` of the gated block holds the value and gate projections side by
side, the two matrices :math:`V, W` of the paper, split by the gated
function as ``torch.nn.functional.glu`` splits). Without biases, the plain
block has :math:`2dh` weights and the gated one :math:`3dh_g`: equal when
:math:`h_g = \tfrac23 h` (:func:`hidden_width`).

:class:`FFNNet` is the smallest network that puts such blocks to work: an
input projection to width :math:`d`, ``n_blocks`` residual FFN blocks and a
linear classifier. It follows the conventions of :class:`activations.nets.MLP`
(replicas on a leading axis, ``params``/``forward``/``loss_and_grads``), so
:func:`activations.nets.train` and :func:`activations.evidence.tuned_net`
train it. There is no attention and no normalisation layer: the experiment
changes the activation of the FFN and nothing else.
"""

from __future__ import annotations

import math

import numpy as np

from . import get
from .nets import Report, _norm, _transpose, get_loss, init_weights, resolve_seeds

__all__ = ["hidden_width", "parameter_count", "matmul_flops", "activation_flops", "FLOPS_PER_UNIT",
           "FFNNet"]


def hidden_width(d_model: int, gated: bool = False, multiplier: int = 4, multiple_of: int = 1) -> int:
    r"""Hidden width of an FFN: :math:`4d` plain, :math:`\tfrac23\cdot 4d` gated.

    For a gated block the width is ``int(2 * multiplier * d_model / 3)``
    rounded up to a multiple of ``multiple_of``, the rule of LLaMA's
    reference code (``multiple_of=256`` there), so that it keeps the plain
    block's parameter count up to the rounding.

    Parameters
    ----------
    d_model : int
        Width :math:`d` of the residual stream.
    gated : bool
        A gated block (three matrices) or a plain one (two).
    multiplier : int
        The plain block's :math:`h/d` (4 in the original Transformer).
    multiple_of : int
        Round a gated width up to a multiple of this.

    Examples
    --------
    >>> hidden_width(4096), hidden_width(4096, gated=True, multiple_of=256)
    (16384, 11008)
    >>> hidden_width(12, gated=True)
    32
    """
    if d_model < 1 or multiplier < 1 or multiple_of < 1:
        raise ValueError("hidden_width(): d_model, multiplier and multiple_of must be positive")
    if not gated:
        return multiplier * d_model
    width = int(2 * multiplier * d_model / 3)
    return multiple_of * ((width + multiple_of - 1) // multiple_of)


def parameter_count(d_model: int, hidden: int, gated: bool) -> int:
    """Weights of one bias-free FFN block: ``2*d*h`` plain, ``3*d*h`` gated.

    Examples
    --------
    >>> parameter_count(12, 48, gated=False) == parameter_count(12, 32, gated=True)
    True
    """
    return (3 if gated else 2) * d_model * hidden


def matmul_flops(d_model: int, hidden: int, gated: bool, tokens: int = 1) -> int:
    """Floating-point operations of the block's matrix products (a multiply-add counts 2).

    Examples
    --------
    >>> matmul_flops(4096, 16384, gated=False)
    268435456
    """
    return 2 * parameter_count(d_model, hidden, gated) * tokens


#: Operations per hidden unit, counting every arithmetic operation and every
#: call of exp, tanh or erf as one (a lower bound: a library exp costs more).
#: relu: ``max``. gelu (erf): ``x/sqrt2, erf, +1, *x, *0.5``. gelu (tanh):
#: ``x*x, *x, *c, +x, *k, tanh, +1, *x, *0.5``. silu: ``-x, exp, +1, /``. A
#: gated unit adds the product with the value half.
FLOPS_PER_UNIT = {
    "relu": 1, "gelu": 5, "gelu_tanh": 9, "silu": 4,
    "reglu": 2, "geglu": 6, "geglu_tanh": 10, "swiglu": 5,
}


def activation_flops(name: str, hidden: int, tokens: int = 1) -> int:
    """Operations of the activation of one block: ``FLOPS_PER_UNIT[name] * hidden`` per token.

    Examples
    --------
    >>> activation_flops("swiglu", 11008)
    55040
    """
    if name not in FLOPS_PER_UNIT:
        raise ValueError(f"activation_flops(): unknown {name!r}; valid: {', '.join(FLOPS_PER_UNIT)}")
    return FLOPS_PER_UNIT[name] * hidden * tokens


def _norms(matrices):
    """Frobenius norm of each replica's matrix, layers on the last axis: ``(K, L)``."""
    return np.stack([_norm(m) for m in matrices], axis=-1)


class FFNNet:
    r"""Input projection, residual FFN blocks (plain or gated), linear classifier.

    .. math::

        \mathbf h_0 = X W_{\text{in}}, \qquad
        \mathbf h_{l+1} = \mathbf h_l + \phi(\mathbf h_l W_1^{(l)})\,W_2^{(l)}, \qquad
        \text{logits} = \mathbf h_L W_{\text{out}} + \mathbf b_{\text{out}}

    where :math:`\phi` is an elementwise activation (``"relu"``, ``"gelu"``,
    ...) or a gated unit (``"swiglu"``, ``"geglu"``, ...; then :math:`W_1`
    has :math:`2h` columns and :math:`\phi` halves them). Only the
    classifier has a bias, so a block's weights are exactly
    :func:`parameter_count`.

    Backward, with :math:`\delta = \partial\mathcal L/\partial\mathbf h_{l+1}`
    and :math:`\mathbf z = \mathbf h_l W_1`, :math:`\mathbf u = \phi(\mathbf z)`:
    :math:`\partial\mathcal L/\partial W_2 = \mathbf u^\top\delta`,
    :math:`\partial\mathcal L/\partial\mathbf z` is
    :math:`f'(\mathbf z)\odot\delta W_2^\top` for an elementwise :math:`f`
    and the gated function's ``vjp`` otherwise,
    :math:`\partial\mathcal L/\partial W_1 = \mathbf h_l^\top\,\partial\mathcal L/\partial\mathbf z`
    and :math:`\partial\mathcal L/\partial\mathbf h_l = \delta +
    (\partial\mathcal L/\partial\mathbf z)\,W_1^\top` (the residual path).

    Parameters
    ----------
    n_in, d_model, hidden, n_out : int
        Input features, residual width :math:`d`, hidden width :math:`h`
        (the gated unit's output width for a gated block) and classes.
    activation : str
        A registry name; elementwise or gated (not softmax).
    n_blocks : int
        Number of residual FFN blocks.
    activation_params : dict, optional
        Keyword parameters of the activation (``{"approximate": "tanh"}``).
    seed : int or sequence of int
        One replica per seed (an int gives one replica); the weights of
        replica ``k`` are drawn from ``np.random.default_rng(seed[k])``.
        None uses the base seed.
    dtype : dtype
        float64 (default) or float32.

    Examples
    --------
    >>> net = FFNNet(4, 6, 8, 3, activation="swiglu", seed=[1, 2])
    >>> sorted(net.params), net.params["W1_0"].shape
    (['W1_0', 'W2_0', 'W_in', 'W_out', 'b_out'], (2, 6, 16))
    >>> net.forward(np.zeros((5, 4))).shape
    (2, 5, 3)
    """

    #: Axes of one sample (a feature vector), as :class:`activations.nets.MLP`.
    sample_ndim = 1
    #: Always a stack of replicas (one for an int seed): arrays have a leading axis.
    replicated = True

    def __init__(self, n_in: int, d_model: int, hidden: int, n_out: int, activation="relu", *,
                 n_blocks: int = 1, activation_params=None, seed=None, dtype=np.float64):
        sizes = (n_in, d_model, hidden, n_out, n_blocks)
        if min(int(s) for s in sizes) < 1:
            raise ValueError(f"FFNNet(): widths and n_blocks must be positive; got {sizes}")
        self.record = get(activation)
        if self.record.vector:
            raise ValueError(f"FFNNet(): {self.record.name} is a vector activation; "
                             "use an elementwise or a gated one")
        self.gated = bool(self.record.gated)
        self.kwargs = {**self.record.params, **(activation_params or {})}
        self.dtype = np.dtype(dtype)
        self.seeds = resolve_seeds(seed)[0]
        self.n_blocks = int(n_blocks)
        first = 2 * hidden if self.gated else hidden
        shapes = [("W_in", n_in, d_model, "lecun_normal")]
        for l in range(self.n_blocks):
            shapes += [(f"W1_{l}", d_model, first, "lecun_normal"),
                       (f"W2_{l}", hidden, d_model, "lecun_normal")]
        shapes.append(("W_out", d_model, n_out, "xavier_uniform"))
        draws = {name: [] for name, *_ in shapes}
        for s in self.seeds:
            rng = np.random.default_rng(s)
            for name, fan_in, fan_out, init in shapes:
                draws[name].append(init_weights(init, fan_in, fan_out, rng, self.dtype))
        self.params = {name: np.stack(arrays) for name, arrays in draws.items()}
        self.params["b_out"] = np.zeros((len(self.seeds), 1, n_out), dtype=self.dtype)
        self._cache = None

    @property
    def n_replicas(self) -> int:
        """Number of replicas (the length of the leading axis)."""
        return len(self.seeds)

    def block_parameter_count(self) -> int:
        """Weights of one FFN block (:func:`parameter_count`)."""
        return int(self.params["W1_0"][0].size + self.params["W2_0"][0].size)

    def _phi(self, z):
        return self.record.fn(z, **self.kwargs)

    def _phi_backward(self, z, upstream):
        if self.gated:
            return self.record.vjp(z, upstream, axis=-1, **self.kwargs)
        return self.record.grad(z, **self.kwargs) * upstream

    def forward(self, X):
        """Logits ``(K, B, n_out)`` for a batch ``(B, n_in)`` or ``(K, B, n_in)``; caches for backward."""
        X = np.asarray(X, dtype=self.dtype)
        h = X @ self.params["W_in"]
        cache = [X]
        for l in range(self.n_blocks):
            z = h @ self.params[f"W1_{l}"]
            u = self._phi(z)
            cache.append((h, z, u))
            h = h + u @ self.params[f"W2_{l}"]
        cache.append(h)
        self._cache = cache
        return h @ self.params["W_out"] + self.params["b_out"]

    def residual_stream(self, X, *, layer_norm: bool = False, activation_params=None):
        r"""The residual stream after every block, forward only: ``(n_blocks + 1, K, B, d)``.

        Entry ``l`` is :math:`\mathbf h_l` (entry 0 the input projection,
        entry ``n_blocks`` what the classifier reads). Nothing is cached, so
        this is the inference pass a study of the stream needs, e.g. how far
        two networks with the same weights and slightly different
        activations drift apart with depth.

        Parameters
        ----------
        X : array_like, shape (B, n_in) or (K, B, n_in)
            A batch, shared by every replica or one per replica.
        layer_norm : bool
            Normalise each block's input as a pre-LN Transformer does,
            :math:`\mathbf h_{l+1} = \mathbf h_l + \phi(\operatorname{LN}(\mathbf h_l) W_1) W_2`
            with :math:`\operatorname{LN}(\mathbf h) = (\mathbf h - \bar h)/\sqrt{s^2 + 10^{-5}}`
            over the :math:`d` features (mean :math:`\bar h`, variance
            :math:`s^2`, no learned gain or bias). :meth:`forward` and
            training never normalise; this switch exists for inference
            studies only.
        activation_params : dict, optional
            Override the activation's parameters for this pass only (the
            same weights with ``{"approximate": "tanh"}``).

        Examples
        --------
        >>> net = FFNNet(4, 6, 8, 3, activation="gelu", n_blocks=2, seed=[1, 2])
        >>> X = np.ones((5, 4))
        >>> stream = net.residual_stream(X)
        >>> stream.shape
        (3, 2, 5, 6)
        >>> bool(np.allclose(stream[-1] @ net.params["W_out"] + net.params["b_out"], net.forward(X)))
        True
        """
        kwargs = {**self.kwargs, **(activation_params or {})}
        h = np.asarray(X, dtype=self.dtype) @ self.params["W_in"]
        stream = [h]
        for l in range(self.n_blocks):
            inp = h
            if layer_norm:
                centred = h - h.mean(axis=-1, keepdims=True)
                inp = centred / np.sqrt((centred * centred).mean(axis=-1, keepdims=True) + 1e-5)
            u = self.record.fn(inp @ self.params[f"W1_{l}"], **kwargs)
            h = h + u @ self.params[f"W2_{l}"]
            stream.append(h)
        return np.stack(stream)

    def backward(self, dlogits):
        """Gradients of every parameter for ``dL/dlogits`` (after :meth:`forward`), and a report.

        Returns
        -------
        grads : dict
            Same keys and shapes as :attr:`params`.
        report : activations.nets.Report
            ``grad_norms`` holds each weight matrix's norm per replica
            (input projection, the blocks' ``W1, W2``, classifier); the
            other fields are empty.
        """
        X, *blocks, h_last = self._cache
        delta = np.asarray(dlogits, dtype=self.dtype)
        grads = {"W_out": _transpose(h_last) @ delta, "b_out": delta.sum(axis=-2, keepdims=True)}
        dh = delta @ _transpose(self.params["W_out"])
        for l in reversed(range(self.n_blocks)):
            h, z, u = blocks[l]
            grads[f"W2_{l}"] = _transpose(u) @ dh
            dz = self._phi_backward(z, dh @ _transpose(self.params[f"W2_{l}"]))
            grads[f"W1_{l}"] = _transpose(h) @ dz
            dh = dh + dz @ _transpose(self.params[f"W1_{l}"])
        if X.ndim == 2:                     # one batch shared by every replica
            X = np.broadcast_to(X, (self.n_replicas,) + X.shape)
        grads["W_in"] = _transpose(X) @ dh
        grads = {key: grads[key] for key in self.params}
        names = ["W_in", *[f"W{i}_{l}" for l in range(self.n_blocks) for i in (1, 2)], "W_out"]
        empty = np.zeros(0)
        report = Report(grad_norms=_norms([grads[n] for n in names]), delta_norms=empty,
                        act_mean=empty, act_std=empty, dead_fraction=empty)
        return grads, report

    def loss_and_grads(self, X, y, loss="softmax_cross_entropy"):
        """Forward, loss and backward in one call: ``(loss, grads, report, logits)``."""
        logits = self.forward(X)
        value, dlogits = get_loss(loss)(logits, y)
        grads, report = self.backward(dlogits)
        return value, grads, report, logits
