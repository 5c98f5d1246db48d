"""evidence.tuned_mlp: a rate grid trained as replicas equals separate runs; the rate is chosen on validation."""

import numpy as np
import pytest

from activations import data, evidence, nets


@pytest.fixture(scope="module")
def split():
    return data.digits(seed=3)


def separate_run(split, rate, seeds, epochs):
    net = nets.MLP([64, 8, 10], activation="swish", seed=seeds, learnable=True)
    history = nets.train(net, *split.train, optimizer=nets.Adam(rate), epochs=epochs,
                         batch_size=128, validation=split.val)
    return net, history


def test_each_rate_matches_its_own_run_and_the_best_validation_rate_is_chosen(split):
    rates, seeds = [0.001, 0.05], [11, 12, 13]
    tuned = evidence.tuned_mlp([64, 8, 10], split, rates, seeds, activation="swish",
                               learnable=True, epochs=3)
    means = {}
    for rate in rates:
        net, history = separate_run(split, rate, seeds, 3)
        np.testing.assert_allclose(tuned.sweep[rate].values, history.val_accuracy[-1], rtol=0, atol=0)
        means[rate] = float(np.mean(history.val_accuracy[-1]))
        if rate == tuned.rate:
            test = nets.accuracy(net.forward(split.test[0]), split.test[1])
            np.testing.assert_array_equal(tuned.test.values, test)
            np.testing.assert_array_equal(tuned.params["beta0"], net.params["beta0"])
    assert tuned.rate == max(means, key=means.get)
    assert means[0.001] != means[0.05]


@pytest.mark.parametrize("rates, seeds", [([], [1]), ([0.1, 0.1], [1]), ([0.0], [1]), ([0.1], [])])
def test_bad_grids_are_rejected(split, rates, seeds):
    with pytest.raises(ValueError, match="tuned_mlp"):
        evidence.tuned_mlp([64, 4, 10], split, rates, seeds, epochs=1)
