r"""A small multilayer perceptron with explicit backpropagation.

This is the experiment engine of Part I. It is written for reading: every
layer owns its forward map and its local derivative, and backpropagation
is the chain rule applied layer by layer, from the loss back to the input.

For an MLP with hidden layers :math:`k = 0, \dots, L-2` and a batch
:math:`X` of :math:`B` rows,

.. math::

    h_{-1} = X, \qquad z_k = h_{k-1} W_k + b_k, \qquad h_k = f_k(z_k),
    \qquad \text{logits} = z_{L-1} = h_{L-2} W_{L-1} + b_{L-1},

and, writing :math:`\delta_k = \partial \mathcal L / \partial z_k`,

.. math::

    \frac{\partial \mathcal L}{\partial W_k} = h_{k-1}^{\top} \delta_k, \qquad
    \frac{\partial \mathcal L}{\partial b_k} = \mathbf 1^{\top} \delta_k, \qquad
    \frac{\partial \mathcal L}{\partial h_{k-1}} = \delta_k W_k^{\top}, \qquad
    \delta_{k-1} = \frac{\partial \mathcal L}{\partial h_{k-1}} \odot f_{k-1}'(z_{k-1}).

The activations :math:`f_k` come from :data:`activations.REGISTRY`. PReLU's
slope and Swish's :math:`\beta` are learned (one value per unit) unless
frozen; softmax as a hidden activation is backpropagated with its
vector-Jacobian product, never with the diagonal of its Jacobian.

Everything runs in float64 by default (finite-difference gradient checks
need it); ``dtype=np.float32`` is available for speed experiments.

**Replicas.** A conclusion drawn from one seed can flip with the next, so
the book compares configurations over many seeds (the evidence protocol of
the 实验方法 appendix). ``MLP(..., seed=[s0, s1, ...])`` builds :math:`K`
independently initialised copies side by side: every parameter gets a
leading replica axis (``W0`` has shape ``(K, n_in, n_out)``, a bias
``(K, 1, n_out)``), a batch is ``(K, B, features)`` (or one shared
``(B, features)`` array), and every product is a batched ``matmul``. One
Python loop then drives all :math:`K` runs, so eight seeds cost little more
than one (``make bench``). Replica :math:`k` is computed by the same
floating-point operations, in the same order, as the single network built
with ``seed=s_k``, so it is bitwise equal to it (``tests/test_replicas.py``).
Losses and accuracies come back per replica, shape ``(K,)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import math

import numpy as np
from tqdm.auto import tqdm

from . import get, seeding
from ._blas import single_blas_thread
from ._spec import Activation, Properties
from .prelu import prelu_grad_a
from .sigmoid import sigmoid
from .softmax import log_softmax, softmax, softmax_vjp
from .swish import swish_grad_beta

__all__ = [
    "INITIALIZERS", "LOSSES", "init_weights", "Linear", "ActivationLayer", "MLP", "Report",
    "mse", "binary_cross_entropy", "softmax_cross_entropy", "get_loss", "accuracy",
    "SGD", "Momentum", "Adam", "History", "train", "deep_probe", "layer_gradient_norms",
    "numerical_gradients", "relative_error", "gradient_check", "linear_sgd_path",
    "IDENTITY", "HiddenLayer", "resolve_seeds",
]

# ---------------------------------------------------------------------------
# Initializers
# ---------------------------------------------------------------------------


def _xavier_uniform(rng, fan_in, fan_out):
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, (fan_in, fan_out))


def _xavier_normal(rng, fan_in, fan_out):
    return rng.normal(0.0, np.sqrt(2.0 / (fan_in + fan_out)), (fan_in, fan_out))


def _he_normal(rng, fan_in, fan_out):
    return rng.normal(0.0, np.sqrt(2.0 / fan_in), (fan_in, fan_out))


def _lecun_normal(rng, fan_in, fan_out):
    return rng.normal(0.0, np.sqrt(1.0 / fan_in), (fan_in, fan_out))


#: Weight initializers by name. Xavier/Glorot keeps the variance of both the
#: forward signal and the backward gradient near 1 for a linear (or tanh near
#: 0) network: Var W = 2/(fan_in + fan_out), as uniform on
#: :math:`\pm\sqrt{6/(\mathrm{fan_{in}}+\mathrm{fan_{out}})}` (glorot2010understanding)
#: or as a normal. He/Kaiming doubles the forward variance, Var W = 2/fan_in,
#: to make up for ReLU zeroing half its inputs (he2015delving). LeCun normal,
#: Var W = 1/fan_in, is the initialisation SELU's fixed point assumes
#: (lecun1998efficient, klambauer2017self). Normals are plain, not truncated.
#: "xavier" and "glorot" mean the uniform variant, "he"/"kaiming" and "lecun"
#: the normal one.
INITIALIZERS = {
    "xavier_uniform": _xavier_uniform,
    "xavier_normal": _xavier_normal,
    "he_normal": _he_normal,
    "lecun_normal": _lecun_normal,
}
_INIT_ALIASES = {
    "xavier": "xavier_uniform", "glorot": "xavier_uniform", "glorot_uniform": "xavier_uniform",
    "glorot_normal": "xavier_normal", "he": "he_normal", "kaiming": "he_normal",
    "kaiming_normal": "he_normal", "lecun": "lecun_normal",
}


def init_weights(init: str, fan_in: int, fan_out: int, rng: np.random.Generator,
                 dtype=np.float64) -> np.ndarray:
    """Draw a ``(fan_in, fan_out)`` weight matrix with a named initializer.

    Parameters
    ----------
    init : str
        A key of :data:`INITIALIZERS` or an alias (``"xavier"``, ``"glorot"``,
        ``"glorot_normal"``, ``"he"``, ``"kaiming"``, ``"lecun"``).
    fan_in, fan_out : int
        Number of inputs and outputs of the layer.
    rng : numpy.random.Generator
    dtype : dtype
        Dtype of the result; the draw itself is in float64.

    Examples
    --------
    >>> W = init_weights("he", 1000, 500, np.random.default_rng(0))
    >>> round(float(W.std() * np.sqrt(1000 / 2)), 2)
    1.0
    """
    key = _INIT_ALIASES.get(init, init)
    if key not in INITIALIZERS:
        valid = ", ".join(sorted([*INITIALIZERS, *_INIT_ALIASES]))
        raise ValueError(f"unknown initializer {init!r}; valid names: {valid}")
    return INITIALIZERS[key](rng, fan_in, fan_out).astype(dtype)


# ---------------------------------------------------------------------------
# Layers: each owns its forward map and its local derivative
# ---------------------------------------------------------------------------


def resolve_seeds(seed):
    """Normalise a ``seed`` argument: ``(seeds, replicated)``.

    ``None`` means the base seed (:func:`activations.seeding.base_seed`), an
    integer one network, a sequence of integers one replica per entry.

    Examples
    --------
    >>> resolve_seeds(3), resolve_seeds([1, 2])
    (([3], False), ([1, 2], True))
    """
    if seed is None:
        return [seeding.base_seed()], False
    if isinstance(seed, (int, np.integer)):
        return [int(seed)], False
    seeds = [int(s) for s in seed]
    if not seeds:
        raise ValueError("seed: a sequence of replica seeds must not be empty")
    return seeds, True


def _stack(arrays: list, replicated: bool, keep_row_axis: bool = False):
    """One array per replica -> a stacked array (or the single array itself).

    ``keep_row_axis`` gives vectors (a bias, a per-unit slope) a size-1 batch
    axis, ``(K, 1, n)``, so they broadcast against ``(K, B, n)``.
    """
    if not replicated:
        return arrays[0]
    stacked = np.stack(arrays)
    return stacked[:, None, :] if keep_row_axis else stacked


def _transpose(a):
    """Swap the last two axes (``a.T`` for a matrix, per replica for a stack)."""
    return np.swapaxes(a, -1, -2)


class Linear:
    r"""Affine layer :math:`z = x W + b`.

    Backward, for upstream :math:`\delta = \partial\mathcal L/\partial z`:
    :math:`\partial\mathcal L/\partial W = x^\top \delta`,
    :math:`\partial\mathcal L/\partial b = \sum_{\text{rows}} \delta`,
    :math:`\partial\mathcal L/\partial x = \delta W^\top`.
    The bias starts at zero. With replicas, ``W`` is ``(K, n_in, n_out)``,
    ``b`` is ``(K, 1, n_out)`` and each product is taken per replica.

    Parameters
    ----------
    weights : numpy.ndarray
        The initial ``W``, shape ``(n_in, n_out)`` or ``(K, n_in, n_out)``.
    """

    def __init__(self, weights: np.ndarray):
        self.replicated = weights.ndim == 3
        bias_shape = (weights.shape[0], 1, weights.shape[-1]) if self.replicated \
            else (weights.shape[-1],)
        self.params = {"W": weights, "b": np.zeros(bias_shape, dtype=weights.dtype)}
        self.grads = {}
        self._x = None

    def forward(self, x):
        self._x = x
        return x @ self.params["W"] + self.params["b"]

    def backward(self, delta):
        x = self._x
        if self.replicated and x.ndim == 2:     # one batch shared by every replica
            x = np.broadcast_to(x, (delta.shape[0],) + x.shape)
        self.grads = {"W": _transpose(x) @ delta,
                      "b": delta.sum(axis=-2, keepdims=self.replicated)}
        return delta @ _transpose(self.params["W"])


#: Gradients of learnable activation parameters, by activation name and
#: parameter: ``fn(z, value, upstream=g)`` returns
#: :math:`\sum g \odot \partial f/\partial \theta`, reduced to the parameter's shape.
_PARAM_GRADS = {"prelu": {"a": prelu_grad_a}, "swish": {"beta": swish_grad_beta}}

#: Vector-Jacobian products of vector-valued activations, ``vjp(z, g)``.
_VJPS = {"softmax": softmax_vjp}


def _identity(x):
    return np.asarray(x)


def _identity_grad(x):
    return np.ones_like(np.asarray(x))


#: The identity "activation" :math:`f(x) = x`, for the linear-collapse
#: experiment: ``MLP(..., activation="identity")``. It is not in
#: :data:`activations.REGISTRY` (it is not an activation function); the MLP
#: accepts the names ``"identity"`` and ``"linear"``.
IDENTITY = Activation(
    name="identity", zh_name="恒等", fn=_identity, grad=_identity_grad, expr=lambda x: x,
    properties=Properties(output_range=(-math.inf, math.inf), monotonic=True,
                          zero_centered=True, smoothness=math.inf, saturates="none"),
    latex="x",
)


def _activation_record(activation) -> Activation:
    if isinstance(activation, str) and activation.strip().lower() in ("identity", "linear"):
        return IDENTITY
    return get(activation)


class ActivationLayer:
    r"""Elementwise (or softmax) activation :math:`h = f(z)` from the registry.

    Backward: :math:`\partial\mathcal L/\partial z = g \odot f'(z)` for an
    elementwise :math:`f`, and the vector-Jacobian product
    :math:`J_f(z)^\top g` for softmax. A learnable parameter :math:`\theta`
    (PReLU's ``a``, Swish's ``beta``) gets
    :math:`\partial\mathcal L/\partial\theta_j = \sum_{\text{rows}} g_{\cdot j}\,
    \partial f/\partial\theta(z_{\cdot j})`.

    Parameters
    ----------
    activation : str or Activation
        Registry name, alias or record, or ``"identity"``.
    width : int
        Number of units; a learnable parameter gets one value per unit
        (He et al.'s channel-wise PReLU).
    params : dict, optional
        Parameter values overriding the record's defaults.
    learnable : bool
        Whether PReLU's slope and Swish's beta are trained (default) or
        kept fixed at their value.
    dtype : dtype
    replicas : int or None
        Number of replicas (a learnable parameter is then ``(K, 1, width)``);
        None for a single network.
    """

    def __init__(self, activation, width: int, params=None, learnable: bool = True,
                 dtype=np.float64, replicas=None):
        self.record = _activation_record(activation)
        if self.record.vector and self.record.name not in _VJPS:
            raise ValueError(f"no vector-Jacobian product known for {self.record.name!r}")
        values = {**self.record.params, **(params or {})}
        trainable = _PARAM_GRADS.get(self.record.name, {}) if learnable else {}
        shape = (width,) if replicas is None else (replicas, 1, width)
        self.replicated = replicas is not None
        self.params = {k: np.full(shape, values.pop(k), dtype=dtype) for k in trainable}
        self.fixed = values
        self.grads = {}
        self._z = self._h = self._slope = None
        self._dead = float("nan")  # set by backward

    def _kwargs(self):
        return {**self.fixed, **self.params}

    def forward(self, z, with_slope: bool = False):
        """:math:`h = f(z)`; with ``with_slope``, :math:`f'(z)` too, kept for the backward pass.

        A forward pass that a backward pass follows asks for the slope: the
        record's :meth:`~activations.Activation.fn_and_grad` then shares the
        work of value and derivative (GELU's normal CDF), with results
        bitwise equal to separate calls.
        """
        self._z = z
        if with_slope:
            self._h, self._slope = self.record.fn_and_grad(z, **self._kwargs())
        else:
            self._h, self._slope = self.record.fn(z, **self._kwargs()), None
        return self._h

    def _current_slope(self):
        """:math:`f'(z)` of the last forward pass (computed there or now)."""
        if self._slope is None:
            self._slope = self.record.grad(self._z, **self._kwargs())
        return self._slope

    def dead_fraction(self, slope=None):
        """Fraction of units with :math:`f'(z) = 0` on every row of the last batch.

        No gradient reaches the incoming weights of such a dead unit. A float,
        or one per replica, shape ``(K,)``.
        """
        if slope is None:
            slope = self._current_slope()
        dead = np.mean(np.all(slope == 0, axis=-2), axis=-1)
        return dead if self.replicated else float(dead)

    def _param_grad(self, fn, value, g):
        if not self.replicated:
            return fn(self._z, value, upstream=g)
        # Per replica, so each is reduced in exactly the order of a single network.
        return np.stack([fn(self._z[k], value[k, 0], upstream=g[k])
                         for k in range(len(value))])[:, None, :]

    def backward(self, g, statistics: bool = True):
        slope = self._current_slope()
        if statistics:
            self._dead = self.dead_fraction(slope)
        param_grads = _PARAM_GRADS.get(self.record.name, {})
        self.grads = {k: self._param_grad(param_grads[k], v, g) for k, v in self.params.items()}
        if self.record.vector:
            return _VJPS[self.record.name](self._z, g)
        return g * slope

    def statistics(self):
        """Mean and standard deviation of the last output, and the dead fraction.

        Floats, or arrays of shape ``(K,)`` with replicas.
        """
        axes = (-2, -1)
        mean, std = self._h.mean(axis=axes), self._h.std(axis=axes)
        if not self.replicated:
            return float(mean), float(std), self._dead
        return mean, std, self._dead


# ---------------------------------------------------------------------------
# The network
# ---------------------------------------------------------------------------


@dataclass
class Report:
    """What one backward pass measured, one entry per layer (input side first).

    With replicas every array gains a leading axis of length :math:`K`.

    Attributes
    ----------
    grad_norms : numpy.ndarray, shape (L,)
        Frobenius norm :math:`\\lVert\\partial\\mathcal L/\\partial W_k\\rVert` of
        every weight matrix.
    delta_norms : numpy.ndarray, shape (L,)
        Norm of :math:`\\delta_k = \\partial\\mathcal L/\\partial z_k`, the
        gradient reaching each layer's pre-activation.
    act_mean, act_std : numpy.ndarray, shape (L-1,)
        Mean and standard deviation of each hidden layer's output.
    dead_fraction : numpy.ndarray, shape (L-1,)
        Fraction of each hidden layer's units with zero derivative on the
        whole batch.
    delta_quantiles : numpy.ndarray, shape (L, 3), optional
        The 10 %, 50 % and 90 % quantiles of the entries
        :math:`|\\delta_k|` of each layer. A norm (or a mean of
        :math:`|\\delta|`) can be carried by a few large entries while the
        typical unit gets almost nothing; the median shows the typical unit.
        Filled by ``backward(..., detailed=True)`` (as
        :func:`layer_gradient_norms` does), else None.
    """

    grad_norms: np.ndarray
    delta_norms: np.ndarray
    act_mean: np.ndarray
    act_std: np.ndarray
    dead_fraction: np.ndarray
    delta_quantiles: np.ndarray | None = None


#: Quantiles reported by ``Report.delta_quantiles``.
QUANTILES = (0.1, 0.5, 0.9)


def _per_layer(value, n: int, what: str) -> list:
    """Repeat a single setting for ``n`` layers, or check a list has length ``n``."""
    if isinstance(value, (list, tuple)):
        if len(value) != n:
            raise ValueError(f"MLP(): {what} has {len(value)} entries for {n} hidden layers")
        return list(value)
    return [value] * n


def _entry_quantiles(delta: np.ndarray) -> np.ndarray:
    """Quantiles of ``|delta|`` over the batch and the units (per replica)."""
    flat = np.abs(delta).reshape(delta.shape[:-2] + (-1,))
    return np.moveaxis(np.quantile(flat, QUANTILES, axis=-1), 0, -1)


class HiddenLayer(tuple):
    """``(pre_activation, output)`` of one hidden layer, from :meth:`MLP.hidden_layers`."""

    __slots__ = ()

    def __new__(cls, pre_activation, output):
        return super().__new__(cls, (pre_activation, output))

    @property
    def pre_activation(self):
        """:math:`z_k = h_{k-1} W_k + b_k`."""
        return self[0]

    @property
    def output(self):
        """:math:`h_k = f_k(z_k)`."""
        return self[1]


class MLP:
    """Multilayer perceptron with one registry activation per hidden layer.

    Parameters
    ----------
    sizes : sequence of int
        Layer widths from input to output: ``[2, 64, 64, 3]`` has two hidden
        layers of 64 units and 3 logits.
    activation : str, Activation or list
        Activation of every hidden layer, or a list with one per layer;
        ``"identity"`` gives a linear layer.
    activation_params : dict or list of dict, optional
        Parameter values (``{"negative_slope": 0.1}``) for every hidden
        layer, or one dict per layer.
    learnable : bool
        Train PReLU's slope and Swish's beta (default) or freeze them.
    init : str
        Weight initializer (:func:`init_weights`); biases start at zero.
    seed : int, sequence of int or None
        Seed of ``np.random.default_rng`` for the initial weights; a sequence
        builds one replica per seed (see the module docstring); None uses
        the base seed (:func:`activations.seeding.base_seed`).
    dtype : dtype
        float64 (default) or float32.
    gain : float
        Multiplies every initial weight matrix (1: the initializer as is).

    Examples
    --------
    >>> net = MLP([2, 8, 3], activation="sigmoid", seed=0)
    >>> sorted(net.params)
    ['W0', 'W1', 'b0', 'b1']
    >>> net.forward(np.zeros((5, 2))).shape
    (5, 3)
    >>> MLP([2, 8, 3], seed=[0, 1, 2, 3]).forward(np.zeros((5, 2))).shape
    (4, 5, 3)
    """

    def __init__(self, sizes, activation="relu", activation_params=None, learnable=True,
                 init="xavier_uniform", seed=None, dtype=np.float64, gain=1.0):
        sizes = [int(s) for s in sizes]
        if len(sizes) < 2 or min(sizes) < 1:
            raise ValueError(f"MLP(): sizes needs at least two positive widths; got {sizes}")
        self.seeds, self.replicated = resolve_seeds(seed)
        n_hidden = len(sizes) - 2
        acts = _per_layer(activation, n_hidden, "activation")
        act_params = _per_layer(activation_params, n_hidden, "activation_params")
        self.dtype = np.dtype(dtype)
        # Each replica draws its weights in the order a single network would.
        draws = []
        for s in self.seeds:
            rng = np.random.default_rng(s)
            draws.append([init_weights(init, a, b, rng, dtype) for a, b in zip(sizes, sizes[1:])])
        self.linears = []
        for k in range(len(sizes) - 1):
            weights = _stack([d[k] for d in draws], self.replicated)
            if gain != 1.0:
                weights *= self.dtype.type(gain)
            self.linears.append(Linear(weights))
        replicas = len(self.seeds) if self.replicated else None
        self.activations = [ActivationLayer(f, w, p, learnable, dtype, replicas)
                            for f, w, p in zip(acts, sizes[1:-1], act_params)]

    #: Axes of one sample (a feature vector).
    sample_ndim = 1

    @property
    def n_replicas(self):
        """Number of replicas, or None for a single network."""
        return len(self.seeds) if self.replicated else None

    @property
    def params(self) -> dict:
        """Every parameter array by name: ``W0, b0, a0, W1, ...`` (live, not copies).

        ``W{k}``/``b{k}`` belong to linear layer ``k`` and a learnable
        activation parameter of the activation that follows it is named
        ``{param}{k}`` (``a0`` for PReLU, ``beta0`` for Swish).
        """
        return self._collect("params")

    def _collect(self, attribute: str) -> dict:
        out = {}
        for k, linear in enumerate(self.linears):
            out.update({f"{name}{k}": v for name, v in getattr(linear, attribute).items()})
            if k < len(self.activations):
                act = getattr(self.activations[k], attribute)
                out.update({f"{name}{k}": v for name, v in act.items()})
        return out

    @single_blas_thread
    def forward(self, X, with_slopes: bool = False):
        """Logits for a batch ``X``; caches what backward needs.

        ``X`` is ``(B, sizes[0])``, or with replicas either that (one batch
        shared by all) or ``(K, B, sizes[0])``. Logits are ``(B, sizes[-1])``
        or ``(K, B, sizes[-1])``. ``with_slopes`` also evaluates every
        activation's derivative, for a backward pass or the dead units.
        """
        h = np.asarray(X, dtype=self.dtype)
        for linear, act in zip(self.linears, self.activations):
            h = act.forward(linear.forward(h), with_slope=with_slopes)
        return self.linears[-1].forward(h)

    @single_blas_thread
    def hidden_layers(self, X) -> list:
        """Pre-activation and output of every hidden layer for inputs ``X``.

        A forward pass with the current parameters.

        Returns
        -------
        list of HiddenLayer
            ``(pre_activation, output)`` per hidden layer, input side first.

        Examples
        --------
        >>> net = MLP([2, 4, 3, 1], activation="relu", seed=0)
        >>> [layer.output.shape for layer in net.hidden_layers(np.ones((5, 2)))]
        [(5, 4), (5, 3)]
        """
        self.forward(X)
        return [HiddenLayer(act._z, act._h) for act in self.activations]

    @single_blas_thread
    def backward(self, dlogits, detailed: bool = False, statistics: bool = True):
        """Backpropagate ``dL/dlogits`` through the cached forward pass.

        Parameters
        ----------
        dlogits : array_like
            Gradient of the loss with respect to the logits.
        detailed : bool
            Also fill ``Report.delta_quantiles`` (costs a sort per layer).
        statistics : bool
            Measure the activations and dead units for the report. Training
            (:func:`train`) needs only ``grad_norms`` and switches this off;
            the other fields are then empty.

        Returns
        -------
        grads : dict
            ``dL/dθ`` for every entry of :attr:`params`, same keys and shapes.
        report : Report
            Per-layer gradient norms and activation statistics.
        """
        delta = np.asarray(dlogits, dtype=self.dtype)
        deltas = [delta]
        g = self.linears[-1].backward(delta)
        for linear, act in zip(self.linears[-2::-1], self.activations[::-1]):
            delta = act.backward(g, statistics)
            deltas.append(delta)
            g = linear.backward(delta)
        deltas.reverse()
        stats = [act.statistics() for act in self.activations] if statistics else []

        def per_layer(values):
            # Layers on the last axis: (L,) for one network, (K, L) for replicas.
            return np.stack(values, axis=-1) if values else np.zeros(0)

        report = Report(
            grad_norms=per_layer([_norm(lin.grads["W"]) for lin in self.linears]),
            delta_norms=per_layer([_norm(d) for d in deltas] if statistics else []),
            act_mean=per_layer([m for m, _, _ in stats]),
            act_std=per_layer([sd for _, sd, _ in stats]),
            dead_fraction=per_layer([dead for _, _, dead in stats]),
            delta_quantiles=(np.stack([_entry_quantiles(d) for d in deltas], axis=-2)
                             if detailed else None),
        )
        return self._collect("grads"), report

    @single_blas_thread
    def dead_fraction(self, X) -> list:
        """Fraction of dead units of every hidden layer on ``X`` (a forward pass only).

        One float per layer, or one ``(K,)`` array per layer with replicas.
        """
        self.forward(X, with_slopes=True)
        return [act.dead_fraction() for act in self.activations]

    @single_blas_thread
    def loss_and_grads(self, X, y, loss="softmax_cross_entropy", detailed: bool = False,
                       statistics: bool = True):
        """Forward, loss and backward in one call: ``(loss, grads, report, logits)``."""
        logits = self.forward(X, with_slopes=True)
        value, dlogits = get_loss(loss)(logits, y)
        grads, report = self.backward(dlogits, detailed=detailed, statistics=statistics)
        return value, grads, report, logits


def _norm(a):
    """Frobenius norm of a matrix, per replica for a stack of matrices.

    One formula for both, so a replica's norm is bitwise its single run's.
    """
    return np.linalg.norm(a, axis=(-2, -1))


# ---------------------------------------------------------------------------
# Losses: each returns (mean loss, gradient with respect to the logits)
# ---------------------------------------------------------------------------


def mse(outputs, targets):
    r"""Mean squared error over all :math:`N` elements.

    .. math::

        \mathcal L = \frac1N \sum_i (z_i - y_i)^2, \qquad
        \frac{\partial\mathcal L}{\partial z_i} = \frac{2 (z_i - y_i)}{N}

    ``targets`` is reshaped to the shape of ``outputs``.

    Examples
    --------
    >>> loss, grad = mse(np.array([[1.0], [3.0]]), [1, 1])
    >>> float(loss), grad.ravel().tolist()
    (2.0, [0.0, 2.0])
    """
    z = np.asarray(outputs)
    diff = z - np.asarray(targets, dtype=z.dtype).reshape(z.shape)
    axes, count = _sample_axes(z)
    return np.mean(diff * diff, axis=axes), diff * (2 / count)


def binary_cross_entropy(logits, targets):
    r"""Binary cross-entropy of sigmoid outputs, computed from the logits.

    .. math::

        \mathcal L &= \frac1N \sum_i \bigl[\operatorname{softplus}(z_i) - y_i z_i\bigr] \\
                   &= -\frac1N \sum_i \bigl[y_i \log\sigma(z_i) + (1-y_i)\log(1-\sigma(z_i))\bigr],

        \frac{\partial\mathcal L}{\partial z_i} = \frac{\sigma(z_i) - y_i}{N}

    Notes
    -----
    With :math:`\operatorname{softplus}(z) = \max(z, 0) + \log(1 + e^{-|z|})`
    the exponent is never positive, so nothing overflows for any logit,
    and :math:`\max(z,0) - y z` is exact for 0/1 labels. The per-sample loss
    therefore keeps full relative accuracy even when it is tiny (a
    confident right answer, :math:`z = 40, y = 1` gives
    :math:`\approx 4.2\cdot10^{-18}`), where
    :math:`-\log\sigma(z)` computed from a rounded :math:`\sigma` gives 0.
    The gradient is computed as :math:`(1-y)\sigma(z) - y\,\sigma(-z)`, which
    equals :math:`\sigma(z) - y` for :math:`y \in [0, 1]` but, unlike it, keeps
    full relative accuracy when :math:`\sigma(z)` rounds to :math:`y`.

    Parameters
    ----------
    logits : array_like
        Any shape, e.g. ``(B, 1)``.
    targets : array_like
        Labels in :math:`[0, 1]`, reshaped to the logits' shape.

    Examples
    --------
    >>> loss, grad = binary_cross_entropy(np.array([0.0, 1e4, -1e4]), [1, 1, 0])
    >>> round(float(loss), 6), grad.tolist()
    (0.231049, [-0.16666666666666666, -0.0, 0.0])
    """
    z = np.asarray(logits)
    y = np.asarray(targets, dtype=z.dtype).reshape(z.shape)
    per_sample = np.maximum(z, 0) - y * z + np.log1p(np.exp(-np.abs(z)))
    # sigma(z) - y rewritten as (1-y) sigma(z) - y sigma(-z): no subtraction of
    # nearly equal numbers, so a confident right answer keeps its tiny gradient.
    grad = (1 - y) * sigmoid(z) - y * sigmoid(-z)
    axes, count = _sample_axes(z)
    return np.mean(per_sample, axis=axes), grad / count


def softmax_cross_entropy(logits, targets):
    r"""Softmax cross-entropy computed from the logits, averaged over rows.

    .. math::

        \mathcal L = -\frac1B \sum_{b} \sum_k y_{bk} \log\operatorname{softmax}(z_b)_k,
        \qquad
        \frac{\partial\mathcal L}{\partial z_{bk}}
        = \frac{\operatorname{softmax}(z_b)_k - y_{bk}}{B}

    Notes
    -----
    :math:`\log\operatorname{softmax}` comes from
    :func:`activations.log_softmax`, which subtracts the row maximum before
    exponentiating, so no logit overflows (``±1e4`` is fine). For integer
    labels the gradient entry of the true class,
    :math:`\operatorname{softmax}(z)_k - 1`, is computed as minus the sum of
    the other probabilities: a sum of positive terms, so a confident right
    answer keeps its tiny gradient instead of rounding to 0.

    Parameters
    ----------
    logits : array_like, shape (B, K)
    targets : array_like
        Integer class labels of shape ``(B,)`` or probabilities of shape
        ``(B, K)`` whose rows sum to 1.

    Examples
    --------
    >>> loss, grad = softmax_cross_entropy(np.array([[1e4, 0.0, -1e4]]), [1])
    >>> float(loss), grad.tolist()
    (10000.0, [[1.0, -1.0, 0.0]])
    """
    z = np.asarray(logits)
    targets = np.asarray(targets)
    batch = z.shape[-2] if z.ndim > 1 else 1
    axes = (-2, -1) if z.ndim == 3 else None     # per replica, or over everything
    log_p, p = log_softmax(z, axis=-1), softmax(z, axis=-1)
    if targets.ndim == z.ndim:  # probabilities
        y = targets.astype(z.dtype, copy=False)
        return -np.sum(y * log_p, axis=axes) / batch, (p - y) / batch
    labels = np.broadcast_to(targets.astype(np.intp), z.shape[:-1])[..., None]
    loss = -np.sum(np.take_along_axis(log_p, labels, axis=-1), axis=axes) / batch
    # p_k - 1 = -(sum of the other probabilities): summed directly it keeps the
    # tiny gradient of a confident right answer, which 1 - p_k rounds to 0.
    onehot = np.arange(z.shape[-1]) == labels
    grad = np.where(onehot, -np.sum(np.where(onehot, 0, p), axis=-1, keepdims=True), p)
    return loss, grad / batch


#: Losses by name; each maps ``(logits, targets)`` to ``(loss, dL/dlogits)``.
LOSSES = {
    "mse": mse,
    "binary_cross_entropy": binary_cross_entropy,
    "softmax_cross_entropy": softmax_cross_entropy,
}
_LOSS_ALIASES = {"bce": "binary_cross_entropy", "cross_entropy": "softmax_cross_entropy",
                 "ce": "softmax_cross_entropy"}


def _sample_axes(z):
    """Axes a loss averages over, and how many entries that is per replica.

    A 3-d array is a stack of replicas ``(K, B, n)``: each replica is averaged
    on its own. Anything else is one network: every entry counts.
    """
    if z.ndim == 3:
        return (-2, -1), z.shape[-2] * z.shape[-1]
    return None, z.size


def get_loss(loss):
    """Look up a loss by name or alias (``"bce"``, ``"ce"``); a callable is returned as is."""
    if callable(loss):
        return loss
    key = _LOSS_ALIASES.get(loss, loss)
    if key not in LOSSES:
        valid = ", ".join(sorted([*LOSSES, *_LOSS_ALIASES]))
        raise ValueError(f"unknown loss {loss!r}; valid names: {valid}")
    return LOSSES[key]


def accuracy(logits, y, loss="softmax_cross_entropy"):
    """Fraction of correct predictions: argmax for softmax, ``z > 0`` for BCE.

    A float for one network; for replica logits ``(K, B, C)`` an array of
    ``K`` accuracies (labels ``(B,)`` shared, or ``(K, B)``). NaN logits give
    NaN, never an accuracy: a diverged run has none. Returns NaN for MSE, a
    regression loss.

    Examples
    --------
    >>> accuracy(np.array([[2.0, 1.0], [0.0, 3.0]]), [0, 0])
    0.5
    >>> accuracy(np.array([[np.nan, 1.0]]), [1])
    nan
    """
    fn = get_loss(loss)
    z = np.asarray(logits)
    if fn is softmax_cross_entropy:
        right = np.argmax(z, axis=-1) == np.asarray(y)
    elif fn is binary_cross_entropy:
        z = z.reshape(z.shape[:-1]) if z.ndim >= 2 and z.shape[-1] == 1 else z
        right = (z > 0) == (np.asarray(y).reshape(np.shape(y)[:z.ndim]) > 0.5)
    else:
        return float("nan")
    broken = ~np.all(np.isfinite(z), axis=tuple(range(right.ndim - 1, z.ndim)))
    result = np.where(broken, np.nan, np.mean(right, axis=-1))
    return float(result) if result.ndim == 0 else result


# ---------------------------------------------------------------------------
# Optimizers: step(params, grads) updates the arrays in params in place
# ---------------------------------------------------------------------------


class SGD:
    r"""Plain gradient descent, :math:`\theta \leftarrow \theta - \eta\, g`."""

    def __init__(self, lr: float = 0.1):
        self.lr = lr

    def step(self, params: dict, grads: dict) -> None:
        for key, p in params.items():
            p -= self.lr * grads[key]


class Momentum:
    r"""Gradient descent with (heavy-ball) momentum.

    .. math:: v \leftarrow \mu v + g, \qquad \theta \leftarrow \theta - \eta\, v

    The velocity :math:`v` averages recent gradients, so steps grow along
    directions that agree from step to step and cancel along oscillating ones.
    """

    def __init__(self, lr: float = 0.1, momentum: float = 0.9):
        self.lr, self.momentum = lr, momentum
        self.velocity = {}

    def step(self, params: dict, grads: dict) -> None:
        for key, p in params.items():
            v = self.velocity.setdefault(key, np.zeros_like(p))
            v *= self.momentum
            v += grads[key]
            p -= self.lr * v


class Adam:
    r"""Adam (kingma2015adam), with the paper's default hyper-parameters.

    .. math::

        m \leftarrow \beta_1 m + (1-\beta_1) g, \quad
        v \leftarrow \beta_2 v + (1-\beta_2) g^2, \quad
        \theta \leftarrow \theta - \eta\,
        \frac{m / (1-\beta_1^t)}{\sqrt{v / (1-\beta_2^t)} + \epsilon}

    The bias corrections undo the zero initialisation of :math:`m` and
    :math:`v` in the first steps.
    """

    def __init__(self, lr: float = 1e-3, beta1: float = 0.9, beta2: float = 0.999,
                 eps: float = 1e-8):
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.m, self.v, self.t = {}, {}, 0

    def step(self, params: dict, grads: dict) -> None:
        self.t += 1
        correction1 = 1 - self.beta1 ** self.t
        correction2 = 1 - self.beta2 ** self.t
        for key, p in params.items():
            g = grads[key]
            m = self.m.setdefault(key, np.zeros_like(p))
            v = self.v.setdefault(key, np.zeros_like(p))
            # The formulas above, evaluated in the same order with the same
            # roundings, but in place: one scratch array instead of a new
            # temporary per operation (the step is a fifth of a small
            # network's training time).
            work = np.subtract(g, m)
            work *= 1 - self.beta1
            m += work
            np.multiply(g, g, out=work)
            work -= v
            work *= 1 - self.beta2
            v += work
            denominator = np.divide(v, correction2)
            np.sqrt(denominator, out=denominator)
            denominator += self.eps
            update = self.lr * np.divide(m, correction1)
            update /= denominator
            p -= update


# ---------------------------------------------------------------------------
# Training
# ---------------------------------------------------------------------------


@dataclass
class History:
    """Per-epoch record of a training run.

    ``loss`` and ``accuracy`` average the epoch's mini-batches (weighted by
    their size), as seen while training; ``grad_norms`` averages the
    backward report's ``grad_norms`` over them: each layer's
    :math:`\\lVert\\partial\\mathcal L/\\partial W_k\\rVert` for an :class:`MLP`,
    each time step's :math:`\\lVert\\partial\\mathcal L/\\partial h_t\\rVert` for a
    recurrent net. ``dead_fraction`` (MLP only) is measured on the whole
    training set after the epoch.
    ``val_loss``/``val_accuracy`` are filled when validation data is given.

    With replicas each entry is an array with one value per replica.

    Divergence: a run whose loss, parameters or logits stop being finite has
    **diverged**. From that epoch on its loss and accuracies are recorded as
    NaN (a diverged run has no accuracy), ``diverged`` is True (per replica)
    and ``diverged_epoch`` holds the first such epoch (-1 while finite).
    """

    loss: list = field(default_factory=list)
    accuracy: list = field(default_factory=list)
    grad_norms: list = field(default_factory=list)
    dead_fraction: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    val_accuracy: list = field(default_factory=list)
    diverged: object = False
    diverged_epoch: object = -1

    def final(self, metric: str = "val_accuracy"):
        """The last epoch's value of ``metric`` (NaN for a diverged run)."""
        values = getattr(self, metric)
        if not values:
            raise ValueError(f"History.final(): no {metric!r} was recorded")
        return values[-1]


def _minibatches(n: int, batch_size: int, rng):
    order = rng.permutation(n)
    return [order[i:i + batch_size] for i in range(0, n, batch_size)]


def _replica_batches(n: int, batch_size: int, rngs):
    """Mini-batch indices per replica: one ``(K, b)`` array per step."""
    orders = [_minibatches(n, batch_size, rng) for rng in rngs]
    return [np.stack(step) for step in zip(*orders)]


def _finite_per_replica(arrays, replicated):
    """True where every array is finite (per replica when replicated)."""
    ok = True
    for a in arrays:
        a = np.asarray(a)
        ok = ok & (np.all(np.isfinite(a.reshape(a.shape[0], -1)), axis=1)
                   if replicated and a.ndim >= 1 else bool(np.all(np.isfinite(a))))
    return ok


@single_blas_thread
def train(net, X, y, loss="softmax_cross_entropy", optimizer=None, epochs: int = 100,
          batch_size: int = 32, seed=None, validation=None, progress: bool = False,
          dead_units: bool = True):
    """Train ``net`` with seeded mini-batches and return its :class:`History`.

    Parameters
    ----------
    net : MLP or activations.rnn.RecurrentNet
        Trained in place. Any model with ``params``, ``dtype``, ``forward``
        and ``loss_and_grads`` works; ``dead_fraction`` is recorded when the
        model has that method. A model with replicas trains every replica.
    X, y : array_like
        Inputs ``(n, ...)`` and targets (labels for the cross-entropies),
        shared by all replicas; or, for a model with replicas, one data set
        per replica with a leading axis: ``(K, n, ...)`` and ``(K, n)``.
    loss : str or callable
        A :data:`LOSSES` name or ``fn(logits, y) -> (loss, dlogits)``.
    optimizer : SGD, Momentum or Adam, optional
        Defaults to ``Adam()``.
    epochs, batch_size : int
        ``batch_size >= n`` gives full-batch training.
    seed : int, sequence of int or None
        Seed(s) of ``np.random.default_rng`` for the order of the
        mini-batches, one per replica; None uses the network's own seed(s).
    validation : tuple (X_val, y_val), optional
        Evaluated after every epoch.
    progress : bool
        Show a tqdm progress bar over the epochs.
    dead_units : bool
        Record ``History.dead_fraction`` after every epoch (default). It
        costs one more forward pass over the whole training set per epoch;
        a caller that does not read it (:func:`activations.evidence.tuned_mlp`)
        switches it off. The training itself is the same either way.

    Examples
    --------
    >>> from activations.data import xor
    >>> X, y = xor(64, noise=0.05)
    >>> net = MLP([2, 8, 2], activation="tanh", seed=1)
    >>> history = train(net, X, y, optimizer=Adam(0.05), epochs=60, batch_size=16)
    >>> history.accuracy[-1]
    1.0
    >>> replicas = MLP([2, 8, 2], activation="tanh", seed=[1, 2, 3])
    >>> train(replicas, X, y, optimizer=Adam(0.05), epochs=60, batch_size=16).accuracy[-1]
    array([1., 1., 1.])
    """
    X = np.asarray(X, dtype=net.dtype)
    y = np.asarray(y)
    optimizer = optimizer or Adam()
    replicated = bool(getattr(net, "replicated", False))
    batch_seeds = net.seeds if seed is None else resolve_seeds(seed)[0]
    if replicated and len(batch_seeds) != net.n_replicas:
        raise ValueError(f"train(): {len(batch_seeds)} batch seeds for {net.n_replicas} replicas")
    rngs = [np.random.default_rng(s) for s in batch_seeds]
    loss_fn = get_loss(loss)
    history = History()
    if replicated:
        history.diverged = np.zeros(net.n_replicas, dtype=bool)
        history.diverged_epoch = np.full(net.n_replicas, -1)
    per_replica = replicated and X.ndim == net.sample_ndim + 2
    # Per-step activation statistics are for reports, not for training: skip them.
    step_options = {"statistics": False} if isinstance(net, MLP) else {}
    n = X.shape[1] if per_replica else len(X)
    rows = np.arange(net.n_replicas)[:, None] if per_replica else slice(None)

    def take(data, batch):
        return data[rows, batch] if per_replica else data[batch]

    # A diverging run overflows on purpose; it is detected below and reported as diverged.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for epoch in tqdm(range(epochs), disable=not progress, desc="epochs"):
            steps = _replica_batches(n, batch_size, rngs) if replicated \
                else _minibatches(n, batch_size, rngs[0])
            totals = np.zeros((2,) + ((net.n_replicas,) if replicated else ()))
            norms, finite = 0.0, True
            for batch in steps:
                y_batch = take(y, batch)
                value, grads, report, logits = net.loss_and_grads(take(X, batch), y_batch, loss,
                                                                  **step_options)
                optimizer.step(net.params, grads)
                size = batch.shape[-1]
                # A regression loss has no accuracy (one NaN for all replicas): broadcast it.
                totals += size * np.stack(np.broadcast_arrays(value, accuracy(logits, y_batch, loss)))
                norms = norms + size * report.grad_norms
                finite = finite & _finite_per_replica([value, logits], replicated)
            finite = finite & _finite_per_replica(net.params.values(), replicated)
            _record_divergence(history, finite, epoch, replicated)
            bad = history.diverged
            history.loss.append(_masked(totals[0] / n, bad))
            history.accuracy.append(_masked(totals[1] / n, bad))
            history.grad_norms.append(norms / n)
            if dead_units and hasattr(net, "dead_fraction"):
                history.dead_fraction.append(net.dead_fraction(X))
            if validation is not None:
                logits = net.forward(np.asarray(validation[0], dtype=net.dtype))
                history.val_loss.append(_masked(loss_fn(logits, validation[1])[0], bad))
                history.val_accuracy.append(_masked(accuracy(logits, validation[1], loss), bad))
    return history


def _record_divergence(history: History, finite, epoch: int, replicated: bool) -> None:
    newly = ~np.asarray(finite) & ~np.asarray(history.diverged)
    if replicated:
        history.diverged_epoch[newly] = epoch
        history.diverged |= newly
    elif newly:
        history.diverged, history.diverged_epoch = True, epoch


def _masked(value, diverged):
    """``value`` with NaN where the run has diverged (a float for one network)."""
    value = np.where(diverged, np.nan, value)
    return float(value) if value.ndim == 0 else value


@single_blas_thread
def deep_probe(activation, depth: int = 20, width: int = 64, batch: int = 256,
               init: str = "xavier_uniform", activation_params=None, seed=None,
               gain: float = 1.0, input_scale: float = 1.0):
    r"""A deep, freshly initialised MLP of constant width and a random batch for it.

    The network of the vanishing/exploding-gradient experiment: ``depth``
    linear layers of ``width`` units (``depth - 1`` hidden layers with
    ``activation``), every weight matrix multiplied by ``gain``; the batch
    is ``input_scale`` times standard-normal inputs with random labels of
    ``width`` classes, drawn from a generator of its own seeded with the
    same seed (so the data do not depend on the depth or the initializer).

    Returns
    -------
    net : MLP
    X : numpy.ndarray, shape (batch, width), or (K, batch, width) for replicas
    labels : numpy.ndarray, shape (batch,), or (K, batch)
    """
    seeds, replicated = resolve_seeds(seed)
    net = MLP([width] * (depth + 1), activation=activation, activation_params=activation_params,
              init=init, seed=seeds if replicated else seeds[0], gain=gain)
    inputs, labels = [], []
    for s in seeds:
        rng = np.random.default_rng(s)
        inputs.append(input_scale * rng.standard_normal((batch, width)))
        labels.append(rng.integers(0, width, batch))
    return net, _stack(inputs, replicated), _stack(labels, replicated)


@single_blas_thread
def layer_gradient_norms(activation, depth: int = 20, width: int = 64, batch: int = 256,
                         init: str = "xavier_uniform", activation_params=None, seed=None,
                         gain: float = 1.0, input_scale: float = 1.0):
    r"""Gradient statistics of every layer of a deep, freshly initialised MLP.

    The standard vanishing/exploding-gradient experiment on
    :func:`deep_probe`'s network and batch: one backward pass of the softmax
    cross-entropy gives :math:`\lVert\partial\mathcal L/\partial W_k\rVert` for
    :math:`k = 0, \dots, \mathrm{depth}-1`, the norms of the
    backpropagated signal :math:`\delta_k`, and the quantiles of the entries
    :math:`|\delta_k|` (``delta_quantiles``; the median is the typical unit,
    which a norm or a mean can hide). A ratio far from 1 between the first
    and the last layer is the vanishing (or exploding) gradient. (For
    ReLU-like activations the weight gradients
    :math:`h_{k-1}^\top\delta_k` can stay level while both the forward
    signal and :math:`\delta_k` shrink, so look at ``delta_norms`` and
    ``act_std`` too.) Parameters as for :func:`deep_probe`; a sequence of
    seeds gives one report with a leading replica axis.

    Returns
    -------
    Report
        From :meth:`MLP.backward`; ``grad_norms`` has ``depth`` entries.

    Examples
    --------
    >>> report = layer_gradient_norms("sigmoid", depth=10, seed=0)
    >>> bool(report.grad_norms[0] < 1e-3 * report.grad_norms[-1])
    True
    >>> layer_gradient_norms("relu", depth=4, seed=[0, 1]).delta_quantiles.shape
    (2, 4, 3)
    """
    net, X, labels = deep_probe(activation, depth, width, batch, init, activation_params, seed,
                                gain, input_scale)
    return net.loss_and_grads(X, labels, detailed=True)[2]


# ---------------------------------------------------------------------------
# Gradient checking
# ---------------------------------------------------------------------------


@single_blas_thread
def numerical_gradients(model, X, y, loss="softmax_cross_entropy", h: float = 1e-6) -> dict:
    r"""Central finite differences of the loss for every parameter entry.

    .. math::

        \frac{\partial\mathcal L}{\partial\theta_i} \approx
        \frac{\mathcal L(\theta + h e_i) - \mathcal L(\theta - h e_i)}{2h}

    The truncation error is :math:`O(h^2)` and the rounding error about
    :math:`\epsilon\,|\mathcal L| / h`; in float64 :math:`h = 10^{-6}`
    keeps both near :math:`10^{-10}`. Each entry costs two forward passes,
    so use tiny models. Parameters are restored exactly afterwards.

    Parameters
    ----------
    model : MLP or activations.rnn.RecurrentNet
    X, y : array_like
        A batch and its targets.
    loss : str or callable
    h : float
        Step.

    Returns
    -------
    dict
        Same keys and shapes as ``model.params``.
    """
    loss_fn = get_loss(loss)
    numeric = {}
    for key, p in model.params.items():
        grad = np.zeros_like(p)
        for index in np.ndindex(p.shape):
            saved = p[index]
            p[index] = saved + h
            upper = loss_fn(model.forward(X), y)[0]
            p[index] = saved - h
            lower = loss_fn(model.forward(X), y)[0]
            p[index] = saved
            difference = upper - lower
            if np.ndim(difference):     # replicas: entry `index` moves only its own replica's loss
                difference = difference[index[0]]
            grad[index] = difference / (2 * h)
        numeric[key] = grad
    return numeric


def relative_error(analytic, numeric) -> float:
    r"""Relative error of a gradient array in the max norm.

    .. math::
        \frac{\max_i |g_i - \hat g_i|}{\max\bigl(\max_i |g_i|, \max_i |\hat g_i|\bigr)}

    Measured against the largest entry of the array rather than entry by
    entry, because finite differences have an absolute error floor (about
    :math:`10^{-10}` in float64) that would swamp tiny entries; every array
    (each ``W``, ``b``, ``a``, ``beta``) is judged separately, so a small
    array is not hidden behind a large one. 0 when both are exactly zero.

    Examples
    --------
    >>> print(f"{relative_error(np.array([1.0, 2.0]), np.array([1.0, 2.000002])):.3g}")
    1e-06
    """
    analytic, numeric = np.asarray(analytic), np.asarray(numeric)
    scale = max(np.max(np.abs(analytic)), np.max(np.abs(numeric)))
    return 0.0 if scale == 0 else float(np.max(np.abs(analytic - numeric)) / scale)


def gradient_check(model, X, y, loss="softmax_cross_entropy", h: float = 1e-6) -> dict:
    """Relative error (:func:`relative_error`) of every backprop gradient array.

    Compares ``model.loss_and_grads`` with :func:`numerical_gradients`; a
    correct backward pass in float64 gives about 1e-8 or less per array.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> net = MLP([3, 4, 2], activation="tanh")
    >>> errors = gradient_check(net, rng.standard_normal((5, 3)), [0, 1, 1, 0, 1])
    >>> sorted(errors), max(errors.values()) < 1e-6
    (['W0', 'W1', 'b0', 'b1'], True)
    """
    grads = model.loss_and_grads(X, y, loss)[1]
    numeric = numerical_gradients(model, X, y, loss, h)
    return {key: relative_error(grads[key], numeric[key]) for key in numeric}


def linear_sgd_path(inputs, lr, w_target=(1.0, -1.0)):
    r"""Weights of one linear neuron trained by per-sample SGD toward ``w_target``.

    The neuron is :math:`u = \mathbf w^\top \mathbf h` with loss
    :math:`L = \tfrac12 (u - \mathbf w_*^\top \mathbf h)^2`, so for each
    sample :math:`\partial L/\partial \mathbf w = \delta\,\mathbf h` with
    :math:`\delta = \mathbf h^\top(\mathbf w - \mathbf w_*)`: one scalar
    times the input. When every input component is positive (sigmoid
    outputs) all components of a step share the sign of :math:`\delta`,
    which is the zig-zag the Sigmoid and tanh chapters show.

    Parameters
    ----------
    inputs : array_like, shape (n_samples, n_features)
        The inputs :math:`\mathbf h`, used once each, in order.
    lr : float
        Learning rate.
    w_target : array_like, shape (n_features,)
        The weights the targets are generated with; training starts at 0.

    Returns
    -------
    numpy.ndarray, shape (n_samples + 1, n_features)
        The weights before training and after each step.

    Examples
    --------
    >>> path = linear_sgd_path([[1.0, 0.0], [0.0, 1.0]], lr=1.0)
    >>> path.tolist()
    [[0.0, 0.0], [1.0, 0.0], [1.0, -1.0]]
    """
    h = np.asarray(inputs, dtype=np.float64)
    target = np.asarray(w_target, dtype=np.float64)
    w = np.zeros(h.shape[1])
    path = [w]
    for h_i in h:
        delta = h_i @ (w - target)      # dL/du
        w = w - lr * delta * h_i        # dL/dw = delta * h
        path.append(w)
    return np.array(path)
