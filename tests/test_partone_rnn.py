"""The LSTM's cell-output squashing as its own keyword (rnn-gating's 2 x 2 grid).

The chapter changes the candidate activation and the cell-output activation
of an LSTM one at a time; these tests hold ``cell_activation`` to its
meaning: the default is the candidate's activation, a separate one changes
only h_t = o * psi(c_t), and BPTT stays exact.
"""

import numpy as np
import pytest

from activations import rnn

from .gradcheck import assert_gradients_match


def _inputs():
    rng = np.random.default_rng(11)
    return rng.standard_normal((3, 5, 2)), rng.integers(0, 3, 3)


def test_default_cell_activation_is_the_candidate_activation():
    X, _ = _inputs()
    for activation in ("tanh", "sigmoid"):
        default = rnn.RecurrentNet("lstm", n_in=2, n_hidden=3, n_out=3, seed=4,
                                   activation=activation)
        explicit = rnn.RecurrentNet("lstm", n_in=2, n_hidden=3, n_out=3, seed=4,
                                    activation=activation, cell_activation=activation)
        np.testing.assert_array_equal(default.forward(X), explicit.forward(X))


def test_cell_activation_changes_only_the_cell_output():
    X, _ = _inputs()
    model = rnn.RecurrentNet("lstm", n_in=2, n_hidden=3, n_out=3, seed=4,
                             activation="tanh", cell_activation="sigmoid")
    model.forward(X)
    gates = model.gates
    a = X[:, 0] @ model.params["Wx"] + model.params["b"]     # first step: h_{-1} = c_{-1} = 0
    sigma = 1 / (1 + np.exp(-a))
    candidate = np.tanh(a[:, 9:])                               # g stays tanh
    np.testing.assert_allclose(gates["candidate"][:, 0], candidate, rtol=1e-13)
    np.testing.assert_allclose(gates["cell"][:, 0], sigma[:, :3] * candidate, rtol=1e-13)
    # h_t = o * sigma(c_t), not o * tanh(c_t): every h is then positive
    c = gates["cell"]
    np.testing.assert_allclose(gates["hidden"], gates["output"] / (1 + np.exp(-c)), rtol=1e-13)
    assert np.all(gates["hidden"] > 0)


@pytest.mark.parametrize("candidate, cell_output", [("tanh", "sigmoid"), ("sigmoid", "tanh")])
def test_bptt_with_a_separate_cell_activation_matches_finite_differences(candidate, cell_output):
    X, y = _inputs()
    model = rnn.RecurrentNet("lstm", n_in=2, n_hidden=3, n_out=3, seed=5, activation=candidate,
                             cell_activation=cell_output)
    model.params["b"] += np.random.default_rng(12).uniform(-0.5, 0.5, model.params["b"].shape)
    assert_gradients_match(model, X, y, "softmax_cross_entropy")


def test_cell_activation_must_be_elementwise():
    with pytest.raises(ValueError, match="elementwise"):
        rnn.RecurrentNet("lstm", n_in=2, n_hidden=3, n_out=3, seed=0, cell_activation="softmax")


def test_gru_update_bias_sets_only_the_update_block_and_keeps_the_state():
    default = rnn.RecurrentNet("gru", n_in=2, n_hidden=3, n_out=3, seed=4)
    biased = rnn.RecurrentNet("gru", n_in=2, n_hidden=3, n_out=3, seed=4, update_bias=3.0)
    np.testing.assert_array_equal(biased.params["b"], [3, 3, 3, 0, 0, 0, 0, 0, 0])
    for name in ("Wx", "Wh", "Wy"):
        np.testing.assert_array_equal(biased.params[name], default.params[name])
    X, _ = _inputs()
    biased.forward(X)
    z = biased.gates["update"]
    assert z.min() > 0.5     # sigma(3) ~ 0.95 at initialisation: most of h_{t-1} is kept


def test_gru_update_bias_reaches_train_memory_task():
    model, _, _ = rnn.train_memory_task("gru", T=4, n_hidden=3, epochs=1, n_train=32, n_test=8,
                                        seed=[1, 2], update_bias=2.0)
    assert model.params["b"].shape == (2, 1, 9)
    # one Adam step of size <= lr = 0.01 from the initial 2.0 (0.0 if the keyword were lost)
    np.testing.assert_allclose(model.params["b"][..., :3], 2.0, atol=0.05)
