"""The MLP engine: gradients vs finite differences, losses vs mpmath, optimizers, training."""

import mpmath as mp
import numpy as np
import pytest

import activations
from activations import data, nets

from .gradcheck import assert_gradients_match

EPS64 = np.finfo(np.float64).eps

#: Every registry activation once, plus the GELU approximations and a non-default
#: leaky slope, so each code path of each activation is gradient-checked.
GRADCHECK_CASES = [(record.name, None) for record in activations.ACTIVATIONS] + [
    ("gelu", {"approximate": "tanh"}),
    ("gelu", {"approximate": "sigmoid"}),
    ("leaky_relu", {"negative_slope": 0.2}),
]


def _case_id(case):
    name, params = case
    return name if params is None else f"{name}-{'-'.join(map(str, params.values()))}"


def _assert_away_from_kinks(net, X):
    """Finite differences must not straddle a kink (a precondition, not a skip)."""
    net.forward(X)
    for act in net.activations:
        for kink in act.record.kinks:
            assert np.min(np.abs(act._z - kink)) > 1e-4, act.record.name


@pytest.mark.parametrize("case", GRADCHECK_CASES, ids=_case_id)
def test_mlp_gradients_match_finite_differences(case):
    name, params = case
    rng = np.random.default_rng(0)
    X = rng.standard_normal((6, 3))
    y = rng.integers(0, 3, 6)
    net = nets.MLP([3, 5, 4, 3], activation=name, activation_params=params, seed=1)
    # Move learnable parameters off their defaults so their gradients are generic.
    for key, value in net.params.items():
        if key.startswith(("a", "beta")):
            value += rng.uniform(-0.1, 0.1, value.shape)
    _assert_away_from_kinks(net, X)
    assert_gradients_match(net, X, y, "softmax_cross_entropy")
    learnable = {"prelu": {"a0", "a1"}, "swish": {"beta0", "beta1"}}.get(name, set())
    assert set(net.params) == {"W0", "b0", "W1", "b1", "W2", "b2"} | learnable


@pytest.mark.parametrize("loss, targets", [
    ("mse", lambda rng: rng.standard_normal((6, 2))),
    ("binary_cross_entropy", lambda rng: rng.integers(0, 2, (6, 2))),
    ("softmax_cross_entropy", lambda rng: rng.dirichlet(np.ones(2), 6)),
])
def test_gradients_through_each_loss(loss, targets):
    rng = np.random.default_rng(2)
    X = rng.standard_normal((6, 3))
    net = nets.MLP([3, 4, 2], activation="tanh", seed=3)
    assert_gradients_match(net, X, targets(rng), loss)


def test_mixed_activations_per_layer():
    rng = np.random.default_rng(4)
    X, y = rng.standard_normal((5, 2)), rng.integers(0, 2, 5)
    net = nets.MLP([2, 4, 4, 4, 2], activation=["selu", "prelu", "swish"],
                   activation_params=[None, {"a": 0.1}, {"beta": 1.5}], seed=5)
    assert [act.record.name for act in net.activations] == ["selu", "prelu", "swish"]
    np.testing.assert_array_equal(net.params["a1"], 0.1)
    np.testing.assert_array_equal(net.params["beta2"], 1.5)
    assert_gradients_match(net, X, y, "softmax_cross_entropy")
    with pytest.raises(ValueError, match="3 entries for 2 hidden layers"):
        nets.MLP([2, 4, 4, 2], activation=["relu", "tanh", "selu"])


def test_frozen_parameters_are_not_trained():
    net = nets.MLP([2, 3, 1], activation="prelu", activation_params={"a": 0.3},
                   learnable=False)
    assert "a0" not in net.params
    z = np.array([[-1.0, 2.0, -3.0]])
    np.testing.assert_allclose(net.activations[0].forward(z), [[-0.3, 2.0, -0.9]])


def test_float32_network_stays_float32():
    net = nets.MLP([2, 8, 3], activation="swish", seed=0, dtype=np.float32)
    X, y = data.spirals(30, seed=0)
    _, grads, _, logits = net.loss_and_grads(X, y)
    assert logits.dtype == np.float32
    assert {g.dtype for g in grads.values()} == {np.dtype(np.float32)}


# --- initializers --------------------------------------------------------------

@pytest.mark.parametrize("init, variance", [
    ("xavier_uniform", lambda i, o: 2 / (i + o)),
    ("glorot_normal", lambda i, o: 2 / (i + o)),
    ("he", lambda i, o: 2 / i),
    ("lecun_normal", lambda i, o: 1 / i),
])
def test_initializer_variances(init, variance):
    W = nets.init_weights(init, 400, 600, np.random.default_rng(0))
    assert W.shape == (400, 600)
    assert W.var() == pytest.approx(variance(400, 600), rel=0.02)
    assert abs(W.mean()) < 1e-3


def test_xavier_uniform_is_bounded_and_unknown_names_are_listed():
    W = nets.init_weights("xavier", 30, 70, np.random.default_rng(1))
    assert np.max(np.abs(W)) <= np.sqrt(6 / 100)
    with pytest.raises(ValueError, match="valid names: .*he_normal"):
        nets.init_weights("orthogonal", 3, 3, np.random.default_rng(0))


# --- the backward report ---------------------------------------------------------

def test_report_statistics_and_dead_units():
    rng = np.random.default_rng(6)
    X, y = rng.standard_normal((50, 4)), rng.integers(0, 2, 50)
    net = nets.MLP([4, 6, 5, 2], activation="relu", init="he", seed=7)
    net.params["b0"][:3] = -100.0  # three units of layer 0 can never fire
    _, grads, report, _ = net.loss_and_grads(X, y)
    assert report.dead_fraction[0] == pytest.approx(0.5)
    np.testing.assert_array_equal(grads["W0"][:, :3], 0.0)
    hidden = np.maximum(X @ net.params["W0"] + net.params["b0"], 0)
    assert report.act_mean[0] == pytest.approx(hidden.mean())
    assert report.act_std[0] == pytest.approx(hidden.std())
    expected = [np.linalg.norm(grads[f"W{k}"]) for k in range(3)]
    np.testing.assert_allclose(report.grad_norms, expected)
    assert report.delta_norms.shape == (3,)
    assert net.dead_fraction(X)[0] == pytest.approx(0.5)


def test_softmax_hidden_layer_uses_the_vector_jacobian_product():
    # Softmax rows sum to 1, so the gradient reaching its input sums to 0 on
    # every row; the diagonal of the Jacobian alone would not.
    rng = np.random.default_rng(8)
    net = nets.MLP([3, 4, 2], activation="softmax", seed=0)
    net.forward(rng.standard_normal((5, 3)))
    delta = net.activations[0].backward(rng.standard_normal((5, 4)))
    np.testing.assert_allclose(delta.sum(axis=1), 0.0, atol=1e-15)


def test_vector_activation_without_a_vjp_is_rejected():
    with pytest.raises(ValueError, match="vector-Jacobian"):
        nets.ActivationLayer(activations.Activation(
            name="vec", zh_name="", fn=None, grad=None, expr=None, latex="",
            properties=activations.SIGMOID.properties, vector=True), 3)


# --- losses against mpmath at 50 digits -------------------------------------------

mp.mp.dps = 50
EXTREME_LOGITS = [-1e4, -745.0, -710.0, -40.0, -1.0, -1e-300, 0.0, 1e-8, 1.0, 40.0, 710.0, 1e4]


def _bce_reference(z, y):
    z = mp.mpf(z)
    loss = mp.log1p(mp.exp(z)) - y * z if z < 0 else z - y * z + mp.log1p(mp.exp(-z))
    # sigma(z) - y = (1 - y) sigma(z) - y sigma(-z): exact at 50 digits even when
    # the result is below 1e-300 (a difference with 1 would lose it).
    y = mp.mpf(y)
    return float(loss), float((1 - y) / (1 + mp.exp(-z)) - y / (1 + mp.exp(z)))


@pytest.mark.parametrize("y", [0, 1, 0.25])
@pytest.mark.parametrize("z", EXTREME_LOGITS)
def test_binary_cross_entropy_matches_mpmath(z, y):
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        loss, grad = nets.binary_cross_entropy(np.array([z]), [y])
    ref_loss, ref_grad = _bce_reference(z, y)
    # Binary labels: full relative accuracy even for tiny losses and gradients.
    # Soft labels: max(z, 0) - y*z and sigma(z) - y cancel where sigma(z) is
    # near y (an ill-conditioned difference), so they are held to a few eps
    # absolute as well (loss and gradient are O(1) there).
    atol = 0 if y in (0, 1) else 4 * EPS64
    np.testing.assert_allclose(loss, ref_loss, rtol=4 * EPS64, atol=atol)
    np.testing.assert_allclose(grad[0], ref_grad, rtol=4 * EPS64, atol=atol)


SOFTMAX_ROWS = [
    [1e4, 0.0, -1e4],
    [-1e4, -1e4, -1e4],
    [40.0, 0.0, -40.0],
    [1.0, 2.0, 3.0],
    [710.0, 709.0, -745.0],
    [0.0, 1e-10, -1e-10],
]


def _ce_reference(row, label):
    row = [mp.mpf(v) for v in row]
    log_total = mp.log(mp.fsum(mp.exp(v) for v in row))
    probabilities = [mp.exp(v - log_total) for v in row]
    # p_label - 1 as minus the other probabilities, for the same reason.
    others = mp.fsum(p for k, p in enumerate(probabilities) if k != label)
    grad = [-others if k == label else p for k, p in enumerate(probabilities)]
    return float(log_total - row[label]), np.array([float(g) for g in grad])


@pytest.mark.parametrize("label", [0, 1, 2])
@pytest.mark.parametrize("row", SOFTMAX_ROWS, ids=str)
def test_softmax_cross_entropy_matches_mpmath(row, label):
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        loss, grad = nets.softmax_cross_entropy(np.array([row]), [label])
    ref_loss, ref_grad = _ce_reference(row, label)
    # log-sum-exp is accurate to a few eps relative to max(|loss|, 1): its
    # result is a difference of logits of that size.
    assert abs(loss - ref_loss) <= 4 * EPS64 * max(abs(ref_loss), 1.0)
    np.testing.assert_allclose(grad[0], ref_grad, rtol=4 * EPS64, atol=0)


def test_softmax_cross_entropy_with_probability_targets_and_batches():
    rng = np.random.default_rng(9)
    logits = rng.standard_normal((4, 3)) * 5
    labels = np.array([2, 0, 1, 1])
    loss_int, grad_int = nets.softmax_cross_entropy(logits, labels)
    loss_prob, grad_prob = nets.softmax_cross_entropy(logits, np.eye(3)[labels])
    refs = [_ce_reference(row, k) for row, k in zip(logits, labels)]
    assert loss_int == pytest.approx(np.mean([r[0] for r in refs]), rel=1e-14)
    assert loss_prob == pytest.approx(loss_int, rel=1e-14)
    np.testing.assert_allclose(grad_int, np.array([r[1] for r in refs]) / 4, rtol=1e-14, atol=1e-17)
    np.testing.assert_allclose(grad_prob, grad_int, rtol=1e-12, atol=1e-17)


def test_mse_and_loss_gradients_against_finite_differences():
    rng = np.random.default_rng(10)
    z = rng.standard_normal((5, 3))
    targets = {"mse": rng.standard_normal((5, 3)), "bce": rng.integers(0, 2, (5, 3)),
               "ce": rng.integers(0, 3, 5)}
    for name, y in targets.items():
        loss_fn = nets.get_loss(name)
        _, grad = loss_fn(z, y)
        numeric = np.zeros_like(z)
        for i in np.ndindex(z.shape):
            step = np.zeros_like(z)
            step[i] = 1e-6
            numeric[i] = (loss_fn(z + step, y)[0] - loss_fn(z - step, y)[0]) / 2e-6
        assert nets.relative_error(grad, numeric) <= 1e-8, name
    loss, _ = nets.mse(z, targets["mse"])
    assert loss == pytest.approx(np.mean((z - targets["mse"]) ** 2), rel=1e-15)
    with pytest.raises(ValueError, match="valid names"):
        nets.get_loss("hinge")


def test_accuracy_rules():
    logits = np.array([[2.0, 1.0], [0.0, 3.0], [1.0, -1.0]])
    assert nets.accuracy(logits, [0, 1, 1], "ce") == pytest.approx(2 / 3)
    assert nets.accuracy(np.array([[0.5], [-2.0]]), [1, 1], "bce") == 0.5
    assert np.isnan(nets.accuracy(logits, logits, "mse"))


# --- optimizers -----------------------------------------------------------------------

def test_sgd_and_momentum_steps():
    p = {"w": np.array([1.0, -2.0])}
    nets.SGD(lr=0.5).step(p, {"w": np.array([2.0, 2.0])})
    np.testing.assert_array_equal(p["w"], [0.0, -3.0])
    p = {"w": np.array([0.0])}
    opt = nets.Momentum(lr=0.1, momentum=0.9)
    for _ in range(2):
        opt.step(p, {"w": np.array([1.0])})
    # v1 = 1, v2 = 0.9 + 1 = 1.9; w = -0.1 * (1 + 1.9)
    np.testing.assert_allclose(p["w"], [-0.29], rtol=1e-15)


def test_adam_matches_the_paper_update():
    p = {"w": np.array([1.0, 1.0])}
    opt = nets.Adam(lr=0.01)
    g1, g2 = np.array([3.0, -1e-3]), np.array([1.0, 2e-3])
    opt.step(p, {"w": g1})
    # The first step has size lr in every coordinate, whatever the gradient's scale.
    np.testing.assert_allclose(p["w"], 1 - 0.01 * g1 / (np.abs(g1) + 1e-8), rtol=1e-12)
    opt.step(p, {"w": g2})
    m = (0.9 * 0.1 * g1 + 0.1 * g2) / (1 - 0.9 ** 2)
    v = (0.999 * 0.001 * g1 ** 2 + 0.001 * g2 ** 2) / (1 - 0.999 ** 2)
    expected = 1 - 0.01 * g1 / (np.abs(g1) + 1e-8) - 0.01 * m / (np.sqrt(v) + 1e-8)
    np.testing.assert_allclose(p["w"], expected, rtol=1e-12)


def test_optimizer_updates_the_network_in_place():
    net = nets.MLP([2, 3, 2], activation="prelu", seed=0)
    before = {k: v.copy() for k, v in net.params.items()}
    X, y = data.xor(8)
    _, grads, _, _ = net.loss_and_grads(X, y)
    nets.SGD(lr=1.0).step(net.params, grads)
    for key in before:
        np.testing.assert_allclose(net.params[key], before[key] - grads[key])


# --- training ------------------------------------------------------------------------

def test_training_is_deterministic_and_records_history():
    X, y = data.two_moons(64, seed=0)
    runs = []
    for seed in (3, 3, 4):
        net = nets.MLP([2, 8, 2], activation="leaky_relu", seed=0)
        history = nets.train(net, X, y, optimizer=nets.Momentum(0.05), epochs=5, batch_size=16,
                             seed=seed, validation=data.two_moons(32, seed=1))
        runs.append((history, net.params["W0"].copy()))
    (h1, w1), (h2, w2), (h3, w3) = runs
    assert h1.loss == h2.loss and np.array_equal(w1, w2)
    assert h1.loss != h3.loss and not np.array_equal(w1, w3)
    assert len(h1.loss) == len(h1.accuracy) == len(h1.val_loss) == len(h1.dead_fraction) == 5
    assert np.asarray(h1.grad_norms).shape == (5, 2)
    # The recorded validation accuracy is the accuracy of the trained net on that data.
    X_val, y_val = data.two_moons(32, seed=1)
    net = nets.MLP([2, 8, 2], activation="leaky_relu", seed=0)
    nets.train(net, X, y, optimizer=nets.Momentum(0.05), epochs=5, batch_size=16, seed=3)
    assert h1.val_accuracy[-1] == nets.accuracy(net.forward(X_val), y_val)


@pytest.mark.parametrize("activation", ["relu", "gelu", "prelu"])
def test_skipping_the_dead_unit_record_changes_no_bit_of_the_training(activation):
    """``dead_units=False`` drops one forward pass per epoch and nothing else."""
    X, y = data.spirals(90, seed=2)
    outcomes = []
    for dead_units in (True, False):
        net = nets.MLP([2, 8, 8, 3], activation=activation, seed=[5, 6])
        history = nets.train(net, X, y, optimizer=nets.Adam(0.02), epochs=4, batch_size=16,
                             validation=data.spirals(30, seed=3), dead_units=dead_units)
        outcomes.append((history, {k: v.copy() for k, v in net.params.items()}))
    (recorded, params_recorded), (skipped, params_skipped) = outcomes
    assert len(recorded.dead_fraction) == 4 and skipped.dead_fraction == []
    assert all(np.array_equal(params_recorded[k], params_skipped[k]) for k in params_recorded)
    for field in ("loss", "accuracy", "val_loss", "val_accuracy"):
        assert np.array_equal(getattr(recorded, field), getattr(skipped, field)), field


def test_training_shows_a_progress_bar(capsys):
    net = nets.MLP([2, 4, 2], activation="tanh", seed=0)
    nets.train(net, *data.xor(16), epochs=3, batch_size=8, progress=True)
    assert "3/3" in capsys.readouterr().err


SPIRAL_ACCURACY = 0.95


def test_seeded_relu_mlp_learns_spirals():
    # 3 arms, 1 turn, angular noise 0.2; accuracy on 600 fresh points.
    X, y = data.spirals(600, seed=0)
    X_test, y_test = data.spirals(600, seed=1)
    net = nets.MLP([2, 64, 64, 3], activation="relu", init="he", seed=0)
    nets.train(net, X, y, optimizer=nets.Adam(0.01), epochs=60, batch_size=64, seed=0)
    test_accuracy = nets.accuracy(net.forward(X_test), y_test)
    assert test_accuracy >= SPIRAL_ACCURACY, test_accuracy
    # A linear model (no hidden layer) cannot: the point of the experiment.
    linear = nets.MLP([2, 3], seed=0)
    nets.train(linear, X, y, optimizer=nets.Adam(0.01), epochs=60, batch_size=64, seed=0)
    assert nets.accuracy(linear.forward(X_test), y_test) < 0.6


# --- the depth sweep ---------------------------------------------------------------------

def test_gradient_norms_vanish_through_sigmoid_but_not_through_tanh():
    sigmoid = nets.layer_gradient_norms("sigmoid", depth=20)
    tanh = nets.layer_gradient_norms("tanh", depth=20)
    assert sigmoid.grad_norms.shape == (20,)
    assert sigmoid.grad_norms[0] / sigmoid.grad_norms[-1] < 1e-6
    assert 0.1 < tanh.grad_norms[0] / tanh.grad_norms[-1] < 10


def test_he_init_keeps_relu_gradients_alive_where_xavier_shrinks_them():
    # The backpropagated signal dL/dz_k (and the forward signal) shrinks by
    # about sqrt(2) per ReLU layer under Xavier init; He init doubles the
    # weight variance to cancel that. (The weight gradients h_{k-1}^T delta_k
    # stay similar across layers either way: one factor shrinks forwards,
    # the other backwards.)
    he = nets.layer_gradient_norms("relu", depth=20, init="he")
    xavier = nets.layer_gradient_norms("relu", depth=20, init="xavier_normal")
    assert 0.1 < he.delta_norms[0] / he.delta_norms[-1] < 10
    assert 0.1 < he.act_std[-1] / he.act_std[0] < 10
    assert xavier.delta_norms[0] / xavier.delta_norms[-1] < 1e-2
    assert xavier.act_std[-1] / xavier.act_std[0] < 1e-2
