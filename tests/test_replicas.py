"""Replicas: K seeds of one configuration trained side by side, each bitwise equal to its run alone.

The evidence protocol (book appendix 实验方法) runs every comparison over many
seeds; the engine makes that cheap by giving every parameter a leading replica
axis. These tests hold the replicas to what makes them trustworthy: replica k
is the very same computation as the single network built with seed k (bitwise,
after training), its backprop is right (finite differences per replica), and a
run that diverges is reported as diverged, never with an accuracy.
"""

from __future__ import annotations

import numpy as np
import pytest

from activations import data, nets, rnn, seeding

SEEDS = [3, 5, 11]
HIDDEN_ACTIVATIONS = ["relu", "prelu", "swish", "sigmoid", "softmax", "gelu", "identity"]


def _assert_replica_equals_single(replicated, single, k):
    for key, value in single.params.items():
        replica = replicated.params[key][k].reshape(value.shape)
        assert np.array_equal(replica, value), f"{key} of replica {k} differs from its single run"


@pytest.mark.parametrize("activation", HIDDEN_ACTIVATIONS)
def test_mlp_replica_is_bitwise_its_single_run(activation):
    X, y = data.spirals(200, seed=0)
    X_val, y_val = data.spirals(60, seed=1)
    settings = dict(optimizer_lr=0.01, epochs=3, batch_size=32)

    def run(seed):
        net = nets.MLP([2, 12, 12, 3], activation=activation, seed=seed)
        history = nets.train(net, X, y, optimizer=nets.Adam(settings["optimizer_lr"]),
                             epochs=settings["epochs"], batch_size=settings["batch_size"],
                             validation=(X_val, y_val))
        return net, history

    replicas, history = run(SEEDS)
    for k, seed in enumerate(SEEDS):
        single, single_history = run(seed)
        _assert_replica_equals_single(replicas, single, k)
        assert history.loss[-1][k] == single_history.loss[-1]
        assert history.val_accuracy[-1][k] == single_history.val_accuracy[-1]


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_recurrent_replica_is_bitwise_its_single_run(cell):
    model, history, test_accuracy = rnn.train_memory_task(cell, T=6, epochs=2, n_train=64,
                                                          n_test=32, seed=SEEDS)
    assert test_accuracy.shape == (len(SEEDS),)
    for k, seed in enumerate(SEEDS):
        single, single_history, single_accuracy = rnn.train_memory_task(
            cell, T=6, epochs=2, n_train=64, n_test=32, seed=seed)
        _assert_replica_equals_single(model, single, k)
        assert test_accuracy[k] == single_accuracy
        assert history.loss[-1][k] == single_history.loss[-1]


@pytest.mark.parametrize("activation", ["tanh", "prelu", "swish", "softmax"])
def test_mlp_replicas_pass_a_gradient_check_each(activation):
    rng = np.random.default_rng(0)
    net = nets.MLP([3, 4, 2], activation=activation, seed=SEEDS)
    X, labels = rng.standard_normal((5, 3)), rng.integers(0, 2, 5)
    errors = nets.gradient_check(net, X, labels)
    assert max(errors.values()) < 1e-6, errors
    # A wrong gradient in one replica only must be seen: corrupt replica 1's W0 gradient.
    grads = net.loss_and_grads(X, labels)[1]
    numeric = nets.numerical_gradients(net, X, labels)
    grads["W0"][1] += 1e-3
    assert nets.relative_error(grads["W0"][1], numeric["W0"][1]) > 1e-4


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_recurrent_replicas_pass_a_gradient_check_each(cell):
    rng = np.random.default_rng(1)
    model = rnn.RecurrentNet(cell, n_in=2, n_hidden=3, n_out=2, seed=SEEDS)
    X, labels = rng.standard_normal((4, 5, 2)), rng.integers(0, 2, 4)
    errors = nets.gradient_check(model, X, labels)
    assert max(errors.values()) < 1e-6, errors


def test_replica_losses_are_per_replica_not_pooled():
    X, y = data.xor(40, seed=0)
    net = nets.MLP([2, 6, 2], activation="tanh", seed=SEEDS)
    loss, _, _, logits = net.loss_and_grads(X, y)
    assert loss.shape == (len(SEEDS),)
    for k in range(len(SEEDS)):
        expected = nets.softmax_cross_entropy(logits[k], y)[0]
        assert loss[k] == pytest.approx(expected, rel=1e-14)


def test_a_diverged_replica_is_reported_as_diverged_and_has_no_accuracy():
    X, y = data.spirals(120, seed=0)
    net = nets.MLP([2, 16, 3], activation="relu", init="he", seed=SEEDS)
    # Replica 1 starts with enormous weights: its logits overflow to inf, then NaN.
    net.params["W0"][1] *= 1e200
    net.params["W1"][1] *= 1e200
    history = nets.train(net, X, y, optimizer=nets.SGD(0.1), epochs=3, batch_size=40,
                         validation=(X, y))
    assert history.diverged.tolist() == [False, True, False]
    assert history.diverged_epoch.tolist() == [-1, 0, -1]
    assert np.isnan(history.accuracy[-1][1]) and np.isnan(history.val_accuracy[-1][1])
    assert np.isfinite(history.val_accuracy[-1][[0, 2]]).all()


def test_a_diverged_single_run_is_flagged():
    X, y = data.xor(40, seed=0)
    net = nets.MLP([2, 6, 2], activation="relu", seed=0)
    net.params["W0"] *= 1e300
    net.params["W1"] *= 1e300
    history = nets.train(net, X, y, optimizer=nets.SGD(1.0), epochs=2, batch_size=40)
    assert history.diverged is True and history.diverged_epoch == 0
    assert np.isnan(history.accuracy[-1])


def test_accuracy_of_nan_logits_is_nan_not_a_number_of_argmax():
    logits = np.array([[[np.nan, 0.0], [np.nan, 0.0]], [[1.0, 0.0], [0.0, 1.0]]])
    result = nets.accuracy(logits, [0, 1])
    assert np.isnan(result[0]) and result[1] == 1.0


def test_per_replica_data_is_used_per_replica():
    X0, y0 = data.xor(40, seed=0)
    X1, y1 = data.circles(40, seed=1)
    X, y = np.stack([X0, X1]), np.stack([y0, y1])
    replicas = nets.MLP([2, 8, 2], activation="tanh", seed=[4, 5])
    nets.train(replicas, X, y, optimizer=nets.Adam(0.02), epochs=3, batch_size=10)
    single = nets.MLP([2, 8, 2], activation="tanh", seed=5)
    nets.train(single, X1, y1, optimizer=nets.Adam(0.02), epochs=3, batch_size=10)
    _assert_replica_equals_single(replicas, single, 1)


def test_layer_gradient_norms_replicas_match_single_probes():
    report = nets.layer_gradient_norms("tanh", depth=6, width=16, batch=32, seed=SEEDS)
    assert report.delta_quantiles.shape == (len(SEEDS), 6, 3)
    for k, seed in enumerate(SEEDS):
        single = nets.layer_gradient_norms("tanh", depth=6, width=16, batch=32, seed=seed)
        np.testing.assert_array_equal(report.delta_norms[k], single.delta_norms)
        np.testing.assert_array_equal(report.delta_quantiles[k], single.delta_quantiles)


def test_delta_quantiles_are_quantiles_of_the_entries():
    net, X, labels = nets.deep_probe("relu", depth=4, width=8, batch=16, seed=2)
    report = net.loss_and_grads(X, labels, detailed=True)[2]
    # Recompute the first layer's delta independently: dL/dz_0 from the chain rule by hand.
    hidden = net.hidden_layers(X)
    logits = net.forward(X)
    delta = nets.softmax_cross_entropy(logits, labels)[1]
    for k in range(len(net.linears) - 1, 0, -1):
        g = delta @ net.params[f"W{k}"].T
        delta = g * (hidden[k - 1].pre_activation > 0)
    np.testing.assert_allclose(report.delta_quantiles[0],
                               np.quantile(np.abs(delta), nets.QUANTILES), rtol=1e-12)


def test_seed_none_follows_the_base_seed(monkeypatch):
    monkeypatch.setenv(seeding.ENV_VAR, "7")
    assert np.array_equal(nets.MLP([2, 3, 2]).params["W0"], nets.MLP([2, 3, 2], seed=7).params["W0"])
    monkeypatch.setenv(seeding.ENV_VAR, "")
    assert np.array_equal(nets.MLP([2, 3, 2]).params["W0"], nets.MLP([2, 3, 2], seed=0).params["W0"])


def test_identity_activation_makes_a_linear_network():
    net = nets.MLP([2, 5, 5, 3], activation="identity", seed=0)
    X = np.random.default_rng(0).standard_normal((7, 2))
    W = net.params["W0"] @ net.params["W1"] @ net.params["W2"]
    np.testing.assert_allclose(net.forward(X), X @ W, rtol=1e-12, atol=1e-14)


def test_replicas_train_with_a_regression_loss():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((32, 2))
    y = np.tanh(X[:, :1])
    net = nets.MLP([2, 6, 1], activation="tanh", seed=SEEDS)
    history = nets.train(net, X, y, loss="mse", optimizer=nets.Adam(0.01), epochs=2, batch_size=8)
    assert history.loss[-1].shape == (len(SEEDS),) and np.all(np.isnan(history.accuracy[-1]))
    single = nets.MLP([2, 6, 1], activation="tanh", seed=SEEDS[1])
    nets.train(single, X, y, loss="mse", optimizer=nets.Adam(0.01), epochs=2, batch_size=8)
    _assert_replica_equals_single(net, single, 1)
