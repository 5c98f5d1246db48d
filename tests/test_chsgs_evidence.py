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


def _sweep(means):
    """A sweep whose rate r has two seeds around ``means[r]``."""
    return {rate: evidence.summarize([mean - 0.01, mean + 0.01]) for rate, mean in means.items()}


@pytest.mark.parametrize("means, at_edge", [
    ({0.01: 0.5, 0.1: 0.9}, True),                  # best is the largest rate
    ({0.01: 0.9, 0.1: 0.5}, True),                  # best is the smallest rate
    ({0.01: 0.5, 0.03: 0.9, 0.1: 0.6}, False),      # best inside the grid
    ({0.1: 0.6, 0.01: 0.5, 0.03: 0.9}, False),      # the grid's order does not matter
    ({0.03: 0.9}, False),                           # one rate is not a choice
])
def test_rate_at_edge_flags_a_choice_on_the_grids_edge(means, at_edge):
    sweep = _sweep(means)
    assert evidence.rate_at_edge(sweep) is at_edge
    tuned = evidence.Tuned(rate=evidence.best_learning_rate(sweep), sweep=sweep,
                           test=evidence.summarize([0.5]), params={})
    assert tuned.at_edge is at_edge


def test_rate_at_edge_of_a_rate_outside_the_grid_is_an_error():
    with pytest.raises(ValueError, match="not a rate of the sweep"):
        evidence.rate_at_edge(_sweep({0.01: 0.5, 0.1: 0.9}), 0.03)
