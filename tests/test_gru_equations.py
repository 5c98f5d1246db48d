"""The GRU and LSTM cells compute the published equations, step by step.

Gradient checks cannot tell two consistent conventions apart: the GRU of
Cho et al. (2014) applies the reset gate to :math:`h_{t-1}` *before* the
recurrent product, :math:`n = \\tanh(x W_x^n + b^n + (r \\odot h_{t-1}) W_h^n)`,
while PyTorch's ``nn.GRU`` applies it after, :math:`r \\odot (h_{t-1} W_h^n +
b_{hn})`; both have exact gradients. These tests recompute each step from
the equations with plain NumPy, over several steps so that :math:`h_{t-1}
\\neq 0`, and show that the other convention would fail them.
"""

from __future__ import annotations

import numpy as np
import pytest

from activations import rnn


def sigma(a):
    return 1 / (1 + np.exp(-a))


def blocks(a, n):
    return [a[..., i * n:(i + 1) * n] for i in range(a.shape[-1] // n)]


def gru_by_hand(model, X, reset_after_product=False):
    """Hidden states and gates of Cho et al.'s GRU (or PyTorch's form), step by step."""
    Wx, Wh, b = model.params["Wx"], model.params["Wh"], model.params["b"]
    H = Wh.shape[0]
    Wh_z, Wh_r, Wh_n = blocks(Wh, H)
    h = np.zeros((X.shape[0], H))
    out = {"update": [], "reset": [], "candidate": [], "hidden": []}
    for t in range(X.shape[1]):
        ax_z, ax_r, ax_n = blocks(X[:, t] @ Wx + b, H)
        z = sigma(ax_z + h @ Wh_z)
        r = sigma(ax_r + h @ Wh_r)
        if reset_after_product:
            n = np.tanh(ax_n + r * (h @ Wh_n))
        else:
            n = np.tanh(ax_n + (r * h) @ Wh_n)
        h = z * h + (1 - z) * n          # z is the share of the old state kept
        for name, value in zip(out, (z, r, n, h)):
            out[name].append(value)
    return {name: np.stack(values, axis=1) for name, values in out.items()}


def lstm_by_hand(model, X):
    """Hidden and cell states of the LSTM (gate blocks i, f, o, g), step by step."""
    Wx, Wh, b = model.params["Wx"], model.params["Wh"], model.params["b"]
    H = Wh.shape[0]
    h = c = np.zeros((X.shape[0], H))
    hidden, cell = [], []
    for t in range(X.shape[1]):
        a_i, a_f, a_o, a_g = blocks(X[:, t] @ Wx + h @ Wh + b, H)
        c = sigma(a_f) * c + sigma(a_i) * np.tanh(a_g)
        h = sigma(a_o) * np.tanh(c)
        hidden.append(h)
        cell.append(c)
    return np.stack(hidden, axis=1), np.stack(cell, axis=1)


def random_model(cell, seed, **options):
    model = rnn.RecurrentNet(cell, n_in=3, n_hidden=4, n_out=2, seed=seed, **options)
    rng = np.random.default_rng(seed + 100)
    # Nonzero biases and larger recurrent weights, so that every term matters.
    model.params["b"][...] = rng.uniform(-1, 1, model.params["b"].shape)
    model.params["Wh"][...] = rng.uniform(-1.5, 1.5, model.params["Wh"].shape)
    return model


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gru_steps_follow_cho_et_al(seed):
    model = random_model("gru", seed)
    X = np.random.default_rng(seed).standard_normal((5, 4, 3))
    logits = model.forward(X)
    expected = gru_by_hand(model, X)
    for name, values in expected.items():
        np.testing.assert_allclose(model.gates[name], values, rtol=1e-12, atol=1e-15,
                                   err_msg=name)
    np.testing.assert_allclose(
        logits, expected["hidden"][:, -1] @ model.params["Wy"] + model.params["by"], rtol=1e-12)


def test_the_reset_after_the_product_form_is_told_apart():
    """PyTorch's form gives other states from step 1 on, by far more than the tolerance."""
    model = random_model("gru", 0)
    X = np.random.default_rng(0).standard_normal((5, 4, 3))
    model.forward(X)
    cho = gru_by_hand(model, X)["hidden"]
    pytorch = gru_by_hand(model, X, reset_after_product=True)["hidden"]
    np.testing.assert_allclose(cho[:, 0], pytorch[:, 0], rtol=1e-14)   # h_{-1} = 0: equal
    assert np.max(np.abs(model.gates["hidden"][:, 1:] - pytorch[:, 1:])) > 1e-3


@pytest.mark.parametrize("bias, kept", [(50.0, "old state"), (-50.0, "candidate")])
def test_gru_update_gate_convention(bias, kept):
    """z near 1 keeps h_{t-1}; z near 0 replaces it by the candidate n_t."""
    model = random_model("gru", 3)
    H = model.params["Wh"].shape[0]
    model.params["b"][:H] = bias
    model.params["Wh"][:, :H] = 0.0
    model.params["Wx"][:, :H] = 0.0
    X = np.random.default_rng(3).standard_normal((4, 6, 3))
    model.forward(X)
    hidden, candidate = model.gates["hidden"], model.gates["candidate"]
    if kept == "old state":
        np.testing.assert_allclose(hidden, 0.0, atol=1e-19)   # h stays at h_{-1} = 0
    else:
        np.testing.assert_allclose(hidden, candidate, rtol=1e-15, atol=1e-20)
        assert np.max(np.abs(hidden)) > 0.1


@pytest.mark.parametrize("seed", [0, 1])
def test_lstm_steps_follow_the_equations(seed):
    model = random_model("lstm", seed)
    X = np.random.default_rng(seed).standard_normal((5, 4, 3))
    model.forward(X)
    hidden, cell = lstm_by_hand(model, X)
    np.testing.assert_allclose(model.gates["cell"], cell, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(model.gates["hidden"], hidden, rtol=1e-12, atol=1e-15)
