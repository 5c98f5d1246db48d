r"""Vanilla RNN, LSTM and GRU cells with backpropagation through time (BPTT).

The Part I chapter on gating compares how the gradient
:math:`\partial\mathcal L/\partial h_t` survives the way back through time
in three recurrent cells. Each cell owns one time step forward and the
local derivative of that step; :class:`RecurrentNet` unrolls a cell over a
sequence, reads the last hidden state out through a linear layer
(many-to-one), and runs BPTT: the chain rule applied step by step from
:math:`t = T-1` back to :math:`t = 0`, summing every step's contribution to
the shared weights.

Shapes: a batch of sequences is ``(B, T, D)`` (batch, time, features); the
hidden state is ``(B, H)``. With replicas (``seed=[s0, s1, ...]``, as for
:class:`activations.nets.MLP`) every parameter, state and batch gains a
leading axis of length :math:`K`, and replica :math:`k` is bitwise equal to
the network built with ``seed=s_k``. The input projection :math:`x_t W_x + b` of all
steps is one matrix product before the loop, and so are its gradients
after it, because only the recurrent part must be sequential.

The gate and candidate nonlinearities come from :data:`activations.REGISTRY`
(defaults: sigmoid gates, tanh candidates), so the chapter can try others.
Weights start uniform on :math:`\pm 1/\sqrt H`, the default of PyTorch's
recurrent layers; biases at zero, except the LSTM forget gate's (1 by
default) so the cell starts out remembering.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import get
from ._blas import single_blas_thread
from .data import memory_task
from .nets import Adam, _stack, _transpose, accuracy, get_loss, resolve_seeds, train

__all__ = ["RNNCell", "LSTMCell", "GRUCell", "CELLS", "RecurrentNet", "BPTTReport",
           "train_memory_task"]


def _elementwise(activation):
    """Registry record of an elementwise activation (a gate cannot be softmax)."""
    record = get(activation)
    if record.vector:
        raise ValueError(f"{record.name!r} is not elementwise; a recurrent cell needs one")
    return record


def _uniform(rng, shape, hidden, dtype):
    limit = 1.0 / np.sqrt(hidden)
    return rng.uniform(-limit, limit, shape).astype(dtype)


class _Cell:
    """Shared set-up: ``Wx (D, G·H)``, ``Wh (H, G·H)``, ``b (G·H,)`` for G blocks."""

    blocks = 1
    state_names = ("h",)

    def __init__(self, n_in, n_hidden, rng, dtype):
        width = self.blocks * n_hidden
        self.n_hidden = n_hidden
        self.params = {"Wx": _uniform(rng, (n_in, width), n_hidden, dtype),
                       "Wh": _uniform(rng, (n_hidden, width), n_hidden, dtype),
                       "b": np.zeros(width, dtype=dtype)}

    def recurrent_inputs(self, cache):
        """What multiplies ``W_h`` at one step (:math:`h_{t-1}`), from the step's cache."""
        return cache[0]

    def recurrent_grad(self, caches, das):
        r""":math:`\partial\mathcal L/\partial W_h = \sum_t h_{t-1}^\top \bar a_t`.

        One product over all steps after the backward loop (the loop itself
        only carries :math:`\bar h_{t-1} = \bar a_t W_h^\top`): the same sum,
        in one large matrix product instead of :math:`T` small ones.
        """
        return _time_product([self.recurrent_inputs(c) for c in caches], das)

    def initial_state(self, batch_shape, dtype):
        """Zero states of shape ``batch_shape + (H,)`` (``(B, H)`` or ``(K, B, H)``)."""
        return tuple(np.zeros(tuple(batch_shape) + (self.n_hidden,), dtype=dtype)
                     for _ in self.state_names)


def _time_product(inputs, das):
    r""":math:`\sum_t x_t^\top d_t` as one product of the time-stacked ``(B·T, ·)`` matrices."""
    x, d = np.stack(inputs, axis=-2), np.stack(das, axis=-2)
    x = x.reshape(x.shape[:-3] + (-1, x.shape[-1]))
    d = d.reshape(d.shape[:-3] + (-1, d.shape[-1]))
    return _transpose(x) @ d


class RNNCell(_Cell):
    r"""Vanilla (Elman) cell, :math:`h_t = \phi(a_t)`, :math:`a_t = x_t W_x + h_{t-1} W_h + b`.

    Backward step, with :math:`\bar h_t = \partial\mathcal L/\partial h_t`:

    .. math::

        \bar a_t = \bar h_t \odot \phi'(a_t), \qquad
        \bar W_h \mathrel{+}= h_{t-1}^\top \bar a_t, \qquad
        \bar h_{t-1} = \bar a_t W_h^\top .

    So :math:`\bar h_{t-k}` is :math:`\bar h_t` multiplied by :math:`k`
    factors :math:`\operatorname{diag}(\phi'(a))W_h^\top`: it shrinks or grows
    geometrically, the vanishing/exploding gradient through time.

    Parameters
    ----------
    activation : str or Activation
        :math:`\phi`, tanh by default.
    """

    gate_names = ()

    def __init__(self, n_in, n_hidden, rng, dtype=np.float64, activation="tanh"):
        super().__init__(n_in, n_hidden, rng, dtype)
        self.phi = _elementwise(activation)

    def step(self, ax, state):
        (h_prev,) = state
        a = ax + h_prev @ self.params["Wh"]
        h = self.phi.fn(a)
        return (h,), (h_prev, a), {}

    def step_back(self, dstate, cache):
        (dh,), (h_prev, a) = dstate, cache
        da = dh * self.phi.grad(a)
        return (da @ _transpose(self.params["Wh"]),), da


class LSTMCell(_Cell):
    r"""Long short-term memory cell (hochreiter1997long), with a forget gate.

    With :math:`a_t = x_t W_x + h_{t-1} W_h + b` split into four blocks,

    .. math::

        i, f, o = \sigma(a^i), \sigma(a^f), \sigma(a^o), \quad g = \phi(a^g), \quad
        c_t = f \odot c_{t-1} + i \odot g, \quad h_t = o \odot \psi(c_t),

    with :math:`\psi = \phi` unless ``cell_activation`` says otherwise.

    Backward step, given :math:`\bar h_t` and :math:`\bar c_t` from step
    :math:`t+1`:

    .. math::

        \tilde c = \bar c_t + \bar h_t \odot o \odot \psi'(c_t), \quad
        \bar a^o = \bar h_t \odot \psi(c_t) \odot \sigma'(a^o), \quad
        \bar a^i = \tilde c \odot g \odot \sigma'(a^i),

        \bar a^f = \tilde c \odot c_{t-1} \odot \sigma'(a^f), \quad
        \bar a^g = \tilde c \odot i \odot \phi'(a^g), \quad
        \bar c_{t-1} = \tilde c \odot f, \quad
        \bar h_{t-1} = \bar a_t W_h^\top .

    The cell path :math:`\bar c_{t-1} = \tilde c \odot f` has no weight
    matrix and no squashing derivative: with the forget gate near 1 the
    gradient passes many steps almost unchanged (the "constant error
    carousel"). The forget gate is the later addition of Gers, Schmidhuber
    and Cummins (2000); its bias starts at ``forget_bias``.

    Parameters
    ----------
    gate, activation : str or Activation
        :math:`\sigma` (sigmoid) and :math:`\phi` (tanh) by default.
    forget_bias : float
        Initial bias of the forget gate.
    cell_activation : str, Activation or None
        :math:`\psi`, the squashing of the cell state in :math:`h_t = o \odot
        \psi(c_t)`. None (default) uses ``activation``, as every standard LSTM
        does; giving it separately lets an experiment change the candidate
        :math:`\phi` and the cell output :math:`\psi` one at a time.
    """

    blocks = 4
    state_names = ("h", "c")
    gate_names = ("input", "forget", "output", "candidate", "cell")

    def __init__(self, n_in, n_hidden, rng, dtype=np.float64, activation="tanh",
                 gate="sigmoid", forget_bias=1.0, cell_activation=None):
        super().__init__(n_in, n_hidden, rng, dtype)
        self.phi, self.sigma = _elementwise(activation), _elementwise(gate)
        self.psi = self.phi if cell_activation is None else _elementwise(cell_activation)
        self.params["b"][n_hidden:2 * n_hidden] = forget_bias

    def step(self, ax, state):
        h_prev, c_prev = state
        H = self.n_hidden
        a = ax + h_prev @ self.params["Wh"]
        i, f, o = np.split(self.sigma.fn(a[..., :3 * H]), 3, axis=-1)
        g = self.phi.fn(a[..., 3 * H:])
        c = f * c_prev + i * g
        tanh_c = self.psi.fn(c)
        h = o * tanh_c
        gates = {"input": i, "forget": f, "output": o, "candidate": g, "cell": c}
        return (h, c), (h_prev, c_prev, a, i, f, o, g, c, tanh_c), gates

    def step_back(self, dstate, cache):
        dh, dc = dstate
        h_prev, c_prev, a, i, f, o, g, c, tanh_c = cache
        H = self.n_hidden
        dc = dc + dh * o * self.psi.grad(c)
        dgates = np.concatenate([dc * g, dc * c_prev, dh * tanh_c], axis=-1)
        da = np.concatenate([dgates * self.sigma.grad(a[..., :3 * H]),
                             dc * i * self.phi.grad(a[..., 3 * H:])], axis=-1)
        return (da @ _transpose(self.params["Wh"]), dc * f), da


class GRUCell(_Cell):
    r"""Gated recurrent unit (cho2014learning).

    With blocks :math:`a^z, a^r` of :math:`x_t W_x + h_{t-1} W_h + b` and a
    candidate that sees the reset state,

    .. math::

        z = \sigma(a^z), \quad r = \sigma(a^r), \quad
        n = \phi\bigl(x_t W_x^n + b^n + (r \odot h_{t-1}) W_h^n\bigr), \quad
        h_t = z \odot h_{t-1} + (1 - z) \odot n,

    as in Cho et al., where :math:`z` is the share of the old state kept.
    Backward step, given :math:`\bar h_t`:

    .. math::

        \bar a^n = \bar h_t \odot (1 - z) \odot \phi'(a^n), \quad
        \bar a^z = \bar h_t \odot (h_{t-1} - n) \odot \sigma'(a^z), \quad
        \bar a^r = \bigl(\bar a^n W_h^{n\top}\bigr) \odot h_{t-1} \odot \sigma'(a^r),

        \bar h_{t-1} = \bar h_t \odot z + \bigl(\bar a^n W_h^{n\top}\bigr) \odot r
                       + [\bar a^z, \bar a^r]\, W_h^{zr\top}.

    The direct term :math:`\bar h_t \odot z` is the GRU's carousel: an update
    gate near 1 passes the gradient back unchanged.

    Parameters
    ----------
    gate, activation : str or Activation
        :math:`\sigma` (sigmoid) and :math:`\phi` (tanh) by default.
    update_bias : float
        Initial bias of the update gate :math:`z` (0 by default, as in
        PyTorch). A positive value keeps most of :math:`h_{t-1}` at
        initialisation, the GRU's counterpart of a large LSTM forget bias.
    """

    blocks = 3
    gate_names = ("update", "reset", "candidate")

    def recurrent_grad(self, caches, das):
        r"""The update/reset blocks of :math:`W_h` see :math:`h_{t-1}`, the candidate block :math:`r \odot h_{t-1}`."""
        H = self.n_hidden
        gates = _time_product([c[0] for c in caches], [d[..., :2 * H] for d in das])
        candidate = _time_product([c[4] for c in caches], [d[..., 2 * H:] for d in das])
        return np.concatenate([gates, candidate], axis=-1)

    def __init__(self, n_in, n_hidden, rng, dtype=np.float64, activation="tanh",
                 gate="sigmoid", update_bias=0.0):
        super().__init__(n_in, n_hidden, rng, dtype)
        self.phi, self.sigma = _elementwise(activation), _elementwise(gate)
        self.params["b"][:n_hidden] = update_bias

    def step(self, ax, state):
        (h_prev,) = state
        H = self.n_hidden
        Wh = self.params["Wh"]
        a_zr = ax[..., :2 * H] + h_prev @ Wh[..., :2 * H]
        z, r = np.split(self.sigma.fn(a_zr), 2, axis=-1)
        rh = r * h_prev
        a_n = ax[..., 2 * H:] + rh @ Wh[..., 2 * H:]
        n = self.phi.fn(a_n)
        h = z * h_prev + (1 - z) * n
        gates = {"update": z, "reset": r, "candidate": n}
        return (h,), (h_prev, a_zr, z, r, rh, a_n, n), gates

    def step_back(self, dstate, cache):
        (dh,) = dstate
        h_prev, a_zr, z, r, rh, a_n, n = cache
        H = self.n_hidden
        Wh = self.params["Wh"]
        da_n = dh * (1 - z) * self.phi.grad(a_n)
        drh = da_n @ _transpose(Wh[..., 2 * H:])
        dzr = np.concatenate([dh * (h_prev - n), drh * h_prev], axis=-1)
        da_zr = dzr * self.sigma.grad(a_zr)
        dh_prev = dh * z + drh * r + da_zr @ _transpose(Wh[..., :2 * H])
        return (dh_prev,), np.concatenate([da_zr, da_n], axis=-1)


#: Cell classes by name.
CELLS = {"rnn": RNNCell, "lstm": LSTMCell, "gru": GRUCell}


@dataclass
class BPTTReport:
    """What one BPTT pass measured.

    Attributes
    ----------
    grad_norms : numpy.ndarray, shape (T,)
        :math:`\\lVert\\partial\\mathcal L/\\partial h_t\\rVert` (Frobenius norm
        over the batch) at every time step :math:`t = 0, \\dots, T-1`: how much
        of the loss's gradient reaches each step.
    """

    grad_norms: np.ndarray


class RecurrentNet:
    r"""A recurrent cell unrolled over a sequence with a linear readout of :math:`h_{T-1}`.

    .. math:: \text{logits} = h_{T-1} W_y + b_y

    Parameters
    ----------
    cell : {"rnn", "lstm", "gru"}
    n_in, n_hidden, n_out : int
        Input features, hidden units, outputs.
    seed : int
        Seed of ``np.random.default_rng`` for the initial weights.
    dtype : dtype
        float64 (default) or float32.
    **cell_options
        Passed to the cell: ``activation``, ``gate``, ``forget_bias`` and
        ``cell_activation`` (LSTM), ``update_bias`` (GRU).

    Examples
    --------
    >>> net = RecurrentNet("gru", n_in=3, n_hidden=4, n_out=2, seed=0)
    >>> sorted(net.params)
    ['Wh', 'Wx', 'Wy', 'b', 'by']
    >>> net.forward(np.zeros((5, 7, 3))).shape
    (5, 2)
    >>> net.gates["update"].shape   # (batch, time, hidden)
    (5, 7, 4)
    """

    #: Axes of one sample (a sequence of feature vectors).
    sample_ndim = 2

    def __init__(self, cell="lstm", n_in=1, n_hidden=16, n_out=1, seed=None, dtype=np.float64,
                 **cell_options):
        if cell not in CELLS:
            raise ValueError(f"unknown cell {cell!r}; valid names: {', '.join(CELLS)}")
        self.seeds, self.replicated = resolve_seeds(seed)
        self.dtype = np.dtype(dtype)
        cells, readouts = [], []
        for s in self.seeds:    # each replica draws in the order of a single network
            rng = np.random.default_rng(s)
            cells.append(CELLS[cell](n_in, n_hidden, rng, self.dtype, **cell_options))
            readouts.append({"Wy": _uniform(rng, (n_hidden, n_out), n_hidden, self.dtype),
                             "by": np.zeros(n_out, dtype=self.dtype)})
        self.cell = cells[0]
        self.cell.params = {k: _stack([c.params[k] for c in cells], self.replicated,
                                      keep_row_axis=(k == "b"))
                            for k in self.cell.params}
        self.readout = {k: _stack([r[k] for r in readouts], self.replicated,
                                  keep_row_axis=(k == "by"))
                        for k in readouts[0]}
        self._cache = None

    @property
    def n_replicas(self):
        """Number of replicas, or None for a single network."""
        return len(self.seeds) if self.replicated else None

    @property
    def params(self) -> dict:
        """Every parameter array by name (live arrays, updated in place by optimizers)."""
        return {**self.cell.params, **self.readout}

    @single_blas_thread
    def forward(self, X):
        """Logits ``(B, n_out)`` for sequences ``X`` of shape ``(B, T, n_in)``.

        With replicas ``X`` is ``(K, B, T, n_in)`` or one batch ``(B, T, n_in)``
        shared by all, and the logits are ``(K, B, n_out)``.
        """
        X = np.asarray(X, dtype=self.dtype)
        batch, steps = X.shape[-3], X.shape[-2]
        # One product for every step's input projection; only h_{t-1} W_h is sequential.
        flat = X.reshape(X.shape[:-3] + (batch * steps, X.shape[-1]))
        ax = flat @ self.cell.params["Wx"] + self.cell.params["b"]
        ax = ax.reshape(ax.shape[:-2] + (batch, steps, ax.shape[-1]))
        state = self.cell.initial_state(ax.shape[:-2], self.dtype)
        caches, gates = [], []
        for t in range(steps):
            state, cache, gate_values = self.cell.step(ax[..., t, :], state)
            caches.append(cache)
            gates.append(gate_values)
        self._cache = (X, caches, gates, state[0])
        return state[0] @ self.readout["Wy"] + self.readout["by"]

    @property
    def gates(self) -> dict:
        """Gate values of the last forward pass, each ``(B, T, H)`` (``(K, B, T, H)``).

        ``hidden`` holds every :math:`h_t`; the other keys are the cell's
        ``gate_names`` (none for the vanilla RNN).
        """
        _, caches, gates, _ = self._cache
        out = {name: np.stack([g[name] for g in gates], axis=-2)
               for name in self.cell.gate_names}
        hidden = [c[0] for c in caches[1:]] + [self._cache[3]]
        out["hidden"] = np.stack(hidden, axis=-2)
        return out

    @single_blas_thread
    def backward(self, dlogits):
        r"""BPTT from ``dL/dlogits``.

        Returns
        -------
        grads : dict
            Gradient of every entry of :attr:`params`.
        report : BPTTReport
            :math:`\lVert\partial\mathcal L/\partial h_t\rVert` for every step
            (``(K, T)`` with replicas).
        """
        X, caches, _, h_last = self._cache
        dlogits = np.asarray(dlogits, dtype=self.dtype)
        grads = {"Wy": _transpose(h_last) @ dlogits,
                 "by": dlogits.sum(axis=-2, keepdims=self.replicated)}
        dstate = (dlogits @ _transpose(self.readout["Wy"]),) + tuple(
            np.zeros_like(h_last) for _ in self.cell.state_names[1:])
        steps = len(caches)
        das = [None] * steps
        norms = np.empty(h_last.shape[:-2] + (steps,))
        for t in range(steps - 1, -1, -1):
            norms[..., t] = np.linalg.norm(dstate[0], axis=(-2, -1))
            dstate, das[t] = self.cell.step_back(dstate, caches[t])
        grads["Wh"] = self.cell.recurrent_grad(caches, das)
        # The input projection's gradients, for all steps in one product.
        da = np.stack(das, axis=-2)
        da = da.reshape(da.shape[:-3] + (-1, da.shape[-1]))
        flat_x = X.reshape(X.shape[:-3] + (-1, X.shape[-1]))
        if flat_x.ndim < da.ndim:   # one batch shared by every replica
            flat_x = np.broadcast_to(flat_x, da.shape[:1] + flat_x.shape)
        grads["Wx"] = _transpose(flat_x) @ da
        grads["b"] = da.sum(axis=-2, keepdims=self.replicated)
        return grads, BPTTReport(grad_norms=norms)

    @single_blas_thread
    def loss_and_grads(self, X, y, loss="softmax_cross_entropy"):
        """Forward, loss and BPTT in one call: ``(loss, grads, report, logits)``."""
        logits = self.forward(X)
        value, dlogits = get_loss(loss)(logits, y)
        grads, report = self.backward(dlogits)
        return value, grads, report, logits


@single_blas_thread
def train_memory_task(cell="lstm", T: int = 30, n_hidden: int = 16, epochs: int = 16,
                      lr: float = 0.01, batch_size: int = 32, n_train: int = 512,
                      n_test: int = 512, noise: float = 1.0, seed=None,
                      progress: bool = False, dtype=np.float64, **cell_options):
    r"""Train a cell on :func:`activations.data.memory_task` and test it on fresh sequences.

    The standard gating experiment of Part I. With the defaults (16 hidden
    units, Adam at ``lr``, 16 epochs of 16 mini-batches of 32 sequences, an
    alphabet of 4 symbols, so chance is 25%, and distractor noise as strong
    as the symbol) an LSTM carries the symbol through ``T = 30`` steps on
    most seeds and a tanh RNN of the same size does not; ``tests/test_rnn.py``
    states the thresholds over seeds. An LSTM starts with forget-gate bias 3
    unless ``forget_bias`` is given: :math:`\sigma(3)^{29} \approx 0.23` of the
    cell survives the sequence at initialisation, against
    :math:`\sigma(1)^{29} \approx 10^{-4}` with the usual bias of 1, so the
    gradient reaches step 0 from the first update on.

    Parameters
    ----------
    seed : int, sequence of int or None
        Seed of the training data, the weights and the mini-batch order
        (test data: ``seed + 1``). A sequence trains one replica per seed,
        each on its own data, in one call; None uses the base seed.
    dtype : dtype
        float64 (default) or float32 (about twice as fast for many replicas).

    Returns
    -------
    model : RecurrentNet
    history : activations.nets.History
    test_accuracy : float, or numpy.ndarray of shape (K,) for replicas
        On ``n_test`` sequences drawn with seed ``seed + 1``; NaN for a run
        that diverged.
    """
    if cell == "lstm":
        cell_options.setdefault("forget_bias", 3.0)
    seeds, replicated = resolve_seeds(seed)
    train_sets = [memory_task(n_train, T=T, noise=noise, seed=s) for s in seeds]
    test_sets = [memory_task(n_test, T=T, noise=noise, seed=s + 1) for s in seeds]
    X, y = (_stack([d[i] for d in train_sets], replicated) for i in (0, 1))
    X_test, y_test = (_stack([d[i] for d in test_sets], replicated) for i in (0, 1))
    model = RecurrentNet(cell, n_in=X.shape[-1], n_hidden=n_hidden, n_out=int(y.max()) + 1,
                         seed=seeds if replicated else seeds[0], dtype=dtype, **cell_options)
    history = train(model, X, y, optimizer=Adam(lr), epochs=epochs, batch_size=batch_size,
                    progress=progress)
    with np.errstate(over="ignore", invalid="ignore"):   # a diverged run's logits are NaN
        test_accuracy = accuracy(model.forward(X_test), y_test)
    return model, history, test_accuracy
