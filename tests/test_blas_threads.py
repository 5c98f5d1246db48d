"""Training loops run with one BLAS thread and give the thread count back (activations._blas)."""

from __future__ import annotations

import numpy as np
import pytest
from threadpoolctl import threadpool_info, threadpool_limits

from activations import nets, rnn
from activations._blas import single_blas_thread


def blas_threads() -> list[int]:
    return [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]


def test_the_decorated_call_sees_one_thread_and_the_caller_keeps_its_own():
    assert blas_threads(), "NumPy's BLAS is not visible to threadpoolctl"
    with threadpool_limits(2, user_api="blas"):
        before = blas_threads()
        inside = single_blas_thread(blas_threads)()
        assert inside == [1] * len(before)
        assert blas_threads() == before


def test_an_error_inside_still_restores_the_threads():
    def fails():
        raise RuntimeError("boom")

    with threadpool_limits(2, user_api="blas"):
        before = blas_threads()
        with pytest.raises(RuntimeError, match="boom"):
            single_blas_thread(fails)()
        assert blas_threads() == before


@pytest.mark.parametrize("loop", [
    nets.train, nets.layer_gradient_norms, nets.deep_probe, nets.numerical_gradients,
    rnn.train_memory_task, nets.MLP.forward, nets.MLP.hidden_layers, nets.MLP.backward,
    nets.MLP.dead_fraction, nets.MLP.loss_and_grads, rnn.RecurrentNet.forward,
    rnn.RecurrentNet.backward, rnn.RecurrentNet.loss_and_grads], ids=lambda f: f.__qualname__)
def test_the_training_loops_run_single_threaded(loop):
    assert getattr(loop, "__wrapped__", None) is not None, f"{loop.__name__} is not wrapped"


def test_training_under_one_thread_matches_training_under_two():
    """The thread count changes no bit of a small training run (results do not depend on it)."""
    rng = np.random.default_rng(7)
    X, y = rng.standard_normal((64, 5)), rng.integers(0, 3, 64)

    def trained_weights():
        net = nets.MLP([5, 8, 3], activation="tanh", seed=[1, 2])
        nets.train.__wrapped__(net, X, y, optimizer=nets.Adam(0.01), epochs=3, batch_size=16,
                                seed=[3, 4])
        return [p.copy() for p in net.params.values()]

    with threadpool_limits(1, user_api="blas"):
        one = trained_weights()
    with threadpool_limits(2, user_api="blas"):
        two = trained_weights()
    assert all(np.array_equal(a, b) for a, b in zip(one, two))
