"""The gradient-check assertion shared by the MLP and RNN tests."""

import numpy as np

from activations import nets

#: Largest relative error (max norm, per parameter array) accepted against
#: central finite differences in float64 (issue 4).
GRADIENT_RTOL = 1e-6


def assert_gradients_match(model, X, y, loss):
    """Every parameter array's backprop gradient matches finite differences.

    Returns the relative error of each parameter array. Also asserts that
    every array has a non-zero gradient, so the check compared something.
    """
    _, grads, _, _ = model.loss_and_grads(X, y, loss)
    errors = nets.gradient_check(model, X, y, loss)
    assert grads.keys() == errors.keys() == model.params.keys()
    assert max(errors.values()) <= GRADIENT_RTOL, errors
    assert all(np.any(g != 0) for g in grads.values())
    return errors
