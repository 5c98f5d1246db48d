"""Behaviours of the MLP engine that mutation testing found unpinned (bench-results/mutants.md).

Each test pins one behaviour with a small hand-computable case: loss and
accuracy shapes, dtypes and edge values, per-replica reductions, error
messages, and the helpers the book's figures use (``linear_sgd_path``).
"""

import math
import re

import numpy as np
import pytest

from activations import nets, rnn


# --- linear_sgd_path: the zig-zag figure of the Sigmoid and tanh chapters -----------

def test_linear_sgd_path_hand_computed_steps():
    # w0 = 0; h = (1, 2): delta = h.(w - w*) = (1, 2).(-1, 1) = 1, w1 = -0.5 * (1, 2);
    # h = (2, 0): delta = (2, 0).(-1.5, 0) = -3, w2 = w1 + 0.5 * 3 * (2, 0) = (2.5, -1).
    path = nets.linear_sgd_path([[1, 2], [2, 0]], lr=0.5)
    np.testing.assert_allclose(path, [[0, 0], [-0.5, -1], [2.5, -1]], rtol=0, atol=1e-15)
    assert path.dtype == np.float64


def test_linear_sgd_path_uses_given_target():
    # One step of lr 1 on a unit input copies that component of the target.
    path = nets.linear_sgd_path([[1, 0, 0], [0, 0, 1]], lr=1.0, w_target=(2, 3, 4))
    np.testing.assert_array_equal(path, [[0, 0, 0], [2, 0, 0], [2, 0, 4]])


# --- History.final ----------------------------------------------------------------

def test_history_final_is_last_value_of_metric():
    # Three epochs, so the second value (index 1) is not the last.
    history = nets.History(loss=[3.0, 2.0, 1.0], val_accuracy=[0.25, 0.5, 0.75])
    assert history.final() == 0.75            # val_accuracy by default
    assert history.final("loss") == 1.0


def test_history_final_without_records_names_the_metric():
    with pytest.raises(ValueError, match=r"^History\.final\(\): no 'val_loss' was recorded$"):
        nets.History().final("val_loss")


# --- MLP construction ---------------------------------------------------------------

def test_mlp_default_gain_keeps_initializer_weights():
    """gain=1 leaves the initializer's draw untouched; gain=g scales it exactly."""
    rng = np.random.default_rng(7)
    expected = [nets.init_weights("xavier_uniform", a, b, rng) for a, b in [(3, 4), (4, 2)]]
    plain = nets.MLP([3, 4, 2], seed=7)
    doubled = nets.MLP([3, 4, 2], seed=7, gain=2.0)
    halved = nets.MLP([3, 4, 2], seed=7, gain=0.5)
    for k, w in enumerate(expected):
        np.testing.assert_array_equal(plain.params[f"W{k}"], w)
        np.testing.assert_array_equal(doubled.params[f"W{k}"], 2 * w)   # powers of 2: exact
        np.testing.assert_array_equal(halved.params[f"W{k}"], 0.5 * w)


@pytest.mark.parametrize("sizes", [[3], [3, 0, 2]])
def test_mlp_rejects_bad_sizes_with_message(sizes):
    with pytest.raises(ValueError, match=r"^MLP\(\): sizes needs at least two positive widths; got "):
        nets.MLP(sizes)


@pytest.mark.parametrize("what", ["activation", "activation_params"])
def test_mlp_per_layer_length_error_names_the_argument(what):
    value = ["relu", "tanh"] if what == "activation" else [None, None]
    with pytest.raises(ValueError, match=rf"^MLP\(\): {what} has 2 entries for 1 hidden layers$"):
        nets.MLP([2, 3, 2], **{what: value})


def test_mlp_learnable_parameters_follow_dtype():
    net = nets.MLP([2, 3, 2], activation="prelu", dtype=np.float32, seed=0)
    assert net.activations[0].params["a"].dtype == np.float32


# --- ActivationLayer ----------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_activation_layer_parameter_dtype(dtype):
    layer = nets.ActivationLayer("swish", 3, dtype=dtype)
    assert layer.params["beta"].dtype == dtype


def test_activation_layer_is_learnable_by_default():
    assert set(nets.ActivationLayer("prelu", 2).params) == {"a"}


@pytest.mark.parametrize("name", ["linear", " Linear ", "identity"])
def test_linear_is_an_identity_alias(name):
    assert nets.ActivationLayer(name, 2).record is nets.IDENTITY


def test_fresh_layers_report_no_gradients():
    """Collecting gradients before any backward pass gives empty dicts, not None."""
    assert nets.ActivationLayer("relu", 2).grads == {}
    assert nets.Linear(np.ones((2, 3))).grads == {}


def test_statistics_before_backward_have_nan_dead_fraction():
    layer = nets.ActivationLayer("relu", 2)
    layer.forward(np.array([[1.0, -1.0]]))
    assert math.isnan(layer.statistics()[2])


def test_backward_records_dead_fraction_by_default():
    # Unit 2 is negative on both rows: dead; unit 1 is not. Dead fraction 1/2.
    layer = nets.ActivationLayer("relu", 2)
    layer.forward(np.array([[1.0, -1.0], [-1.0, -2.0]]))
    layer.backward(np.ones((2, 2)))
    assert layer.statistics()[2] == 0.5


def test_slope_computed_late_uses_layer_parameters():
    """A forward pass without slope, then backward: f'(z) still uses the fixed parameters."""
    layer = nets.ActivationLayer("leaky_relu", 2, {"negative_slope": 0.25})
    z = np.array([[1.0, -1.0]])
    layer.forward(z)
    np.testing.assert_array_equal(layer.backward(np.ones_like(z)), [[1.0, 0.25]])


def test_dead_fraction_single_network_is_float():
    layer = nets.ActivationLayer("relu", 2)
    layer.forward(np.array([[1.0, -1.0]]))
    assert type(layer.dead_fraction()) is float


def test_replica_dead_fraction_and_statistics_are_per_replica():
    # Replica 0: both units alive; replica 1: both dead (all inputs negative).
    z = np.array([[[1.0, 2.0], [3.0, 5.0]], [[-1.0, -2.0], [-3.0, -4.0]]])
    layer = nets.ActivationLayer("relu", 2, replicas=2)
    layer.forward(z, with_slope=True)
    layer.backward(np.ones_like(z))
    mean, std, dead = layer.statistics()
    np.testing.assert_array_equal(dead, [0.0, 1.0])
    np.testing.assert_allclose(mean, [11 / 4, 0.0])
    np.testing.assert_allclose(std, [np.std([1, 2, 3, 5]), 0.0])


# --- losses -----------------------------------------------------------------------

def test_softmax_cross_entropy_of_one_sample_vector():
    # Two equal logits: p = (1/2, 1/2), loss log 2, gradient p - onehot; batch of 1.
    loss, grad = nets.softmax_cross_entropy(np.zeros(2), 0)
    assert loss == pytest.approx(math.log(2), rel=1e-15)
    np.testing.assert_array_equal(grad, [-0.5, 0.5])


def test_softmax_cross_entropy_probability_targets_keep_logit_dtype():
    z = np.zeros((2, 2), dtype=np.float32)
    loss, grad = nets.softmax_cross_entropy(z, np.full((2, 2), 0.5))
    assert grad.dtype == np.float32 and np.asarray(loss).dtype == np.float32


@pytest.mark.parametrize("targets", [np.array([0, 2]), np.array([[0.2, 0.3, 0.5], [1.0, 0, 0]])])
def test_softmax_cross_entropy_replicas_average_each_replica(targets):
    z = np.arange(12.0).reshape(2, 2, 3) / 3
    stacked = targets if targets.ndim == 1 else np.broadcast_to(targets, z.shape)
    loss = nets.softmax_cross_entropy(z, stacked)[0]
    assert loss.shape == (2,)
    np.testing.assert_allclose(loss, [nets.softmax_cross_entropy(z[k], targets)[0] for k in range(2)])


@pytest.mark.parametrize("loss_fn", [nets.mse, nets.binary_cross_entropy])
def test_elementwise_losses_keep_float32(loss_fn):
    z = np.array([[0.5], [-1.0]], dtype=np.float32)
    loss, grad = loss_fn(z, np.array([1.0, 0.0]))          # float64 targets
    assert grad.dtype == np.float32 and np.asarray(loss).dtype == np.float32


@pytest.mark.parametrize("loss_fn", [nets.mse, nets.binary_cross_entropy])
def test_elementwise_losses_reshape_flat_targets(loss_fn):
    """Targets (B,) for outputs (B, 1) pair up row by row, not by broadcasting to (B, B)."""
    z = np.array([[0.5], [-1.0], [2.0]])
    y = np.array([1.0, 0.0, 1.0])
    loss, grad = loss_fn(z, y)
    ref_loss, ref_grad = loss_fn(z, y[:, None])
    assert grad.shape == (3, 1)
    assert loss == ref_loss
    np.testing.assert_array_equal(grad, ref_grad)


@pytest.mark.parametrize("loss_fn", [nets.mse, nets.binary_cross_entropy])
def test_elementwise_losses_replicas_average_each_replica(loss_fn):
    z = np.array([[[0.5, 1.0], [-1.0, 0.0], [2.0, 1.0]], [[1.5, -1.0], [0.0, 3.0], [-2.0, 1.0]]])
    y = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    loss, grad = loss_fn(z, np.broadcast_to(y, z.shape))
    for k in range(2):
        single_loss, single_grad = loss_fn(z[k], y)
        assert loss[k] == pytest.approx(single_loss, rel=1e-14)
        np.testing.assert_allclose(grad[k], single_grad, rtol=1e-14)


def test_get_loss_returns_callables_as_is():
    def custom(z, y):
        return 0.0, z
    assert nets.get_loss(custom) is custom


def test_unknown_loss_lists_valid_names():
    valid = ", ".join(sorted([*nets.LOSSES, *nets._LOSS_ALIASES]))
    with pytest.raises(ValueError, match=re.escape(f"valid names: {valid}") + "$"):
        nets.get_loss("hinge")


def test_unknown_initializer_lists_valid_names():
    valid = ", ".join(sorted([*nets.INITIALIZERS, *nets._INIT_ALIASES]))
    with pytest.raises(ValueError, match=re.escape(f"valid names: {valid}") + "$"):
        nets.init_weights("orthogonal", 2, 2, np.random.default_rng(0))


def test_empty_seed_sequence_message():
    with pytest.raises(ValueError, match="^seed: a sequence of replica seeds must not be empty$"):
        nets.resolve_seeds([])


# --- accuracy ---------------------------------------------------------------------

@pytest.mark.parametrize("logits, y, expected", [
    ([0.0, 1.0, -1.0], [1, 1, 0], 2 / 3),       # z = 0 predicts class 0
    ([2.0], [1], 1.0),                          # one sample, 1-d logits
    ([-1.0], [0.5], 1.0),                       # y = 0.5 counts as class 0
    ([[1.0], [-1.0], [1.0], [1.0]], [1.0, 0.0, 0.0, 1.0], 0.75),
    ([[1.0], [-1.0], [1.0], [1.0]], [[1.0], [0.0], [0.0], [1.0]], 0.75),
])
def test_binary_accuracy_hand_counted(logits, y, expected):
    result = nets.accuracy(np.array(logits), np.array(y), loss="bce")
    assert type(result) is float and result == pytest.approx(expected, rel=1e-15)


def test_binary_accuracy_per_replica():
    z = np.array([[[1.0], [-1.0], [1.0]], [[-1.0], [-1.0], [-1.0]]])   # (K=2, B=3, 1)
    np.testing.assert_allclose(nets.accuracy(z, np.array([1, 0, 0]), loss="bce"), [2 / 3, 2 / 3])
    np.testing.assert_allclose(nets.accuracy(z, np.array([1, 1, 1]), loss="bce"), [2 / 3, 0.0])


# --- helpers ----------------------------------------------------------------------

def test_relative_error_edge_values():
    assert nets.relative_error(np.zeros(2), np.zeros(2)) == 0.0
    assert nets.relative_error(np.array([1.0]), np.array([0.5])) == 0.5


def test_gradient_check_uses_given_step():
    net = nets.MLP([2, 3, 2], activation="tanh", seed=0)
    X, y = np.array([[0.3, -0.2], [0.1, 0.4]]), np.array([0, 1])
    h = 1e-2
    grads = net.loss_and_grads(X, y)[1]
    numeric = nets.numerical_gradients(net, X, y, h=h)
    expected = {k: nets.relative_error(grads[k], numeric[k]) for k in numeric}
    assert nets.gradient_check(net, X, y, h=h) == expected


def test_masked_replaces_diverged_values():
    assert math.isnan(nets._masked(1.0, True))
    assert type(nets._masked(np.float64(1.0), False)) is float
    np.testing.assert_array_equal(nets._masked(np.array([1.0, 2.0]), np.array([False, True])),
                                  [1.0, np.nan])


def test_minibatches_cover_every_sample_once():
    batches = nets._minibatches(7, 3, np.random.default_rng(0))
    assert [len(b) for b in batches] == [3, 3, 1]
    assert sorted(np.concatenate(batches)) == list(range(7))


# --- rnn: cell defaults and dtypes ----------------------------------------------------

def test_recurrent_net_defaults_are_one_lstm_input_16_units_one_output():
    net = rnn.RecurrentNet(seed=0)
    assert isinstance(net.cell, rnn.LSTMCell)
    assert net.params["Wx"].shape == (1, 4 * 16)
    assert net.params["Wy"].shape == (16, 1)


def test_lstm_forget_bias_defaults_to_one():
    """The forget gate starts mostly open (Gers et al.): its bias block is 1, the others 0."""
    b = rnn.LSTMCell(2, 3, np.random.default_rng(0)).params["b"]
    np.testing.assert_array_equal(b, [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0])


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_cell_parameters_follow_dtype(cell):
    params = rnn.CELLS[cell](2, 3, np.random.default_rng(0), np.float32).params
    assert {p.dtype for p in params.values()} == {np.dtype(np.float32)}
