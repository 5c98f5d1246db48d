"""SGD, momentum and Adam against their update rules, over many steps and several parameters.

Each optimizer is run for 25 steps on two parameters of different shapes
with seeded random gradients, and compared with the update rule written
out here independently (Kingma & Ba 2015, Algorithm 1, for Adam). Separate
properties pin down the parts a single-step test cannot: Adam's bias
correction (a constant gradient gives steps of size lr from the first
step on), one step counter per ``step`` call whatever the number of
parameters, and state kept per parameter.
"""

from __future__ import annotations

import numpy as np
import pytest

from activations import data, nets

STEPS = 25


def gradient_stream(seed=0):
    rng = np.random.default_rng(seed)
    return [{"w": rng.standard_normal((3, 2)), "b": rng.standard_normal(2) * 1e-3}
            for _ in range(STEPS)]


def start():
    return {"w": np.linspace(-1, 1, 6).reshape(3, 2), "b": np.array([0.5, -0.25])}


def run(optimizer, grads):
    params = start()
    for g in grads:
        optimizer.step(params, g)
    return params


def test_sgd_over_many_steps():
    grads = gradient_stream()
    params = run(nets.SGD(lr=0.3), grads)
    for key, p0 in start().items():
        np.testing.assert_allclose(params[key], p0 - 0.3 * sum(g[key] for g in grads), rtol=1e-13)


@pytest.mark.parametrize("mu", [0.0, 0.5, 0.9])
def test_momentum_over_many_steps(mu):
    grads = gradient_stream(1)
    params = run(nets.Momentum(lr=0.05, momentum=mu), grads)
    for key, p in start().items():
        v = np.zeros_like(p)
        for g in grads:
            v = mu * v + g[key]
            p = p - 0.05 * v
        np.testing.assert_allclose(params[key], p, rtol=1e-12, atol=1e-15, err_msg=key)


def test_momentum_zero_is_sgd_and_momentum_accumulates():
    grads = [{"w": np.ones(1)}] * 3
    sgd = run_single(nets.SGD(lr=0.1), grads)
    assert run_single(nets.Momentum(lr=0.1, momentum=0.0), grads) == pytest.approx(sgd, abs=1e-15)
    # A constant gradient: velocities 1, 1.5, 1.75 -> total step 0.1 * 4.25.
    assert run_single(nets.Momentum(lr=0.1, momentum=0.5), grads) == pytest.approx(-0.425, abs=1e-15)


def run_single(optimizer, grads):
    params = {"w": np.zeros(1)}
    for g in grads:
        optimizer.step(params, g)
    return float(params["w"][0])


def adam_by_hand(grads, lr, beta1, beta2, eps):
    """Kingma & Ba (2015), Algorithm 1, literally."""
    out = {}
    for key, p in start().items():
        m = np.zeros_like(p)
        v = np.zeros_like(p)
        for t, g in enumerate(grads, start=1):
            m = beta1 * m + (1 - beta1) * g[key]
            v = beta2 * v + (1 - beta2) * g[key] ** 2
            m_hat = m / (1 - beta1 ** t)
            v_hat = v / (1 - beta2 ** t)
            p = p - lr * m_hat / (np.sqrt(v_hat) + eps)
        out[key] = p
    return out


@pytest.mark.parametrize("beta1, beta2, eps", [(0.9, 0.999, 1e-8), (0.5, 0.9, 1e-3)])
def test_adam_over_many_steps(beta1, beta2, eps):
    grads = gradient_stream(2)
    params = run(nets.Adam(lr=0.01, beta1=beta1, beta2=beta2, eps=eps), grads)
    expected = adam_by_hand(grads, 0.01, beta1, beta2, eps)
    for key in params:
        np.testing.assert_allclose(params[key], expected[key], rtol=1e-12, err_msg=key)


def test_adam_defaults_are_the_papers():
    adam = nets.Adam()
    assert (adam.lr, adam.beta1, adam.beta2, adam.eps) == (1e-3, 0.9, 0.999, 1e-8)


def test_sgd_and_momentum_defaults_are_the_documented_ones():
    assert nets.SGD().lr == 0.1
    momentum = nets.Momentum()
    assert (momentum.lr, momentum.momentum) == (0.1, 0.9)
    # and they are what a step uses: one default SGD step on w = 0 with g = 1
    params = {"w": np.zeros(1)}
    nets.SGD().step(params, {"w": np.ones(1)})
    assert params["w"][0] == -0.1


def test_adam_bias_correction_makes_every_step_lr_for_a_constant_gradient():
    """With m and v corrected, m_hat = g and v_hat = g**2 exactly at every step."""
    g = np.array([2.0, -1e-3, 40.0])
    params = {"w": np.zeros(3)}
    adam = nets.Adam(lr=0.01, eps=0.0)
    for t in range(1, 6):
        before = params["w"].copy()
        adam.step(params, {"w": g})
        np.testing.assert_allclose(params["w"] - before, -0.01 * np.sign(g), rtol=1e-12,
                                   err_msg=f"step {t}")


def test_adam_counts_steps_not_parameters():
    """Two parameters updated in one call share one step counter."""
    grads = [{"w": np.ones((3, 2)), "b": np.ones(2)}] * 2
    adam = nets.Adam(lr=0.1)
    run(adam, grads)
    assert adam.t == 2


def test_each_parameter_has_its_own_state():
    """The same gradient stream on 'w' gives the same update whether or not 'b' is there."""
    grads = gradient_stream(3)
    for make in (lambda: nets.Momentum(0.05, 0.9), lambda: nets.Adam(0.01)):
        both = run(make(), grads)
        alone = {"w": start()["w"]}
        optimizer = make()
        for g in grads:
            optimizer.step(alone, {"w": g["w"]})
        np.testing.assert_array_equal(both["w"], alone["w"])


def test_training_records_the_accuracy_it_reaches():
    """History.val_accuracy is the network's accuracy on the validation set, recomputed here."""
    X, y = data.two_moons(64, seed=0)
    X_val, y_val = data.two_moons(32, seed=1)
    net = nets.MLP([2, 8, 2], activation="leaky_relu", seed=0)
    history = nets.train(net, X, y, optimizer=nets.Adam(0.05), epochs=5, batch_size=16, seed=3,
                         validation=(X_val, y_val))
    predicted = np.argmax(net.forward(X_val), axis=-1)
    assert history.val_accuracy[-1] == pytest.approx(np.mean(predicted == y_val), abs=1e-12)
    full = nets.MLP([2, 8, 2], activation="leaky_relu", seed=0)
    untrained = np.mean(np.argmax(full.forward(X_val), axis=-1) == y_val)
    assert history.val_accuracy[-1] > untrained   # five epochs of Adam on two moons learn
