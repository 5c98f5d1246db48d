"""Toy data sets: shapes, seeding, balance and the geometry each one promises."""

import numpy as np
import pytest

from activations import data

CLASSIFICATION = {
    "xor": (data.xor, 2),
    "two_moons": (data.two_moons, 2),
    "circles": (data.circles, 2),
    "spirals": (data.spirals, 3),
}


@pytest.mark.parametrize("name", sorted(CLASSIFICATION))
def test_shapes_dtypes_and_balanced_labels(name):
    make, n_classes = CLASSIFICATION[name]
    X, y = make(n=300, seed=3)
    assert X.shape == (300, 2) and X.dtype == np.float64
    assert y.shape == (300,) and y.dtype.kind == "i"
    np.testing.assert_array_equal(np.bincount(y), [300 // n_classes] * n_classes)
    assert np.all(np.isfinite(X))


@pytest.mark.parametrize("name", sorted(CLASSIFICATION))
def test_same_seed_same_data_other_seed_other_data(name):
    make, _ = CLASSIFICATION[name]
    X1, y1 = make(n=50, seed=7)
    X2, y2 = make(n=50, seed=7)
    X3, _ = make(n=50, seed=8)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(X1, X3)


@pytest.mark.parametrize("name", sorted(CLASSIFICATION))
def test_rejects_a_bad_size(name):
    make, _ = CLASSIFICATION[name]
    with pytest.raises(ValueError, match="positive integer"):
        make(n=0)


def test_xor_labels_are_the_exclusive_or_of_the_nearest_corner():
    X, y = data.xor(400, noise=0.1, seed=0)
    corner = (X > 0.5).astype(int)
    assert np.mean((corner[:, 0] ^ corner[:, 1]) == y) > 0.99


def test_xor_is_not_linearly_separable():
    # No line classifies all four corners: 20000 random lines get at most 3 of 4.
    X, y = data.xor(4, noise=0.0)
    lines = np.random.default_rng(0).standard_normal((20000, 3))
    predictions = (X @ lines[:, :2].T + lines[:, 2]) > 0
    assert np.max(np.mean(predictions == y[:, None], axis=0)) == 0.75


def test_circles_radii():
    X, y = data.circles(200, noise=0.0, factor=0.3, seed=1)
    radius = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(radius, np.where(y == 1, 0.3, 1.0), rtol=1e-12)
    with pytest.raises(ValueError, match="factor"):
        data.circles(10, factor=1.5)


def test_moons_without_noise_lie_on_their_half_circles():
    X, y = data.two_moons(200, noise=0.0, seed=2)
    centre = np.where(y[:, None] == 0, [0.0, 0.0], [1.0, 0.5])
    np.testing.assert_allclose(np.hypot(*(X - centre).T), 1.0, rtol=1e-12)
    upper = X[:, 1] >= centre[:, 1]
    assert np.all(upper[y == 0]) and not np.any(upper[y == 1] & (X[y == 1, 1] > 0.5 + 1e-12))


def test_spiral_arms_follow_their_angle_without_noise():
    X, y = data.spirals(300, n_classes=3, turns=1.0, noise=0.0, seed=0)
    radius = np.hypot(X[:, 0], X[:, 1])
    expected = 2 * np.pi * (radius + y / 3)
    # Compare angles on the circle (mod 2 pi).
    np.testing.assert_allclose(np.cos(np.arctan2(X[:, 1], X[:, 0]) - expected), 1.0, atol=1e-9)


def test_memory_task_layout():
    X, y = data.memory_task(2000, T=30, n_symbols=4, noise=0.5, seed=0)
    assert X.shape == (2000, 30, 5) and y.shape == (2000,)
    first = X[:, 0]
    np.testing.assert_array_equal(first[:, :4], np.eye(4)[y])  # the symbol ...
    np.testing.assert_array_equal(X[:, :, 4], np.eye(30)[[0] * 2000])  # ... and its marker
    later = X[:, 1:, :4]
    assert later.std() == pytest.approx(0.5, rel=0.01)
    assert abs(later.mean()) < 0.01
    # The distractors carry no information about the label.
    for k in range(4):
        assert abs(later[y == k].mean()) < 0.02
    np.testing.assert_array_equal(np.bincount(y, minlength=4) > 400, True)
    quiet, _ = data.memory_task(3, T=4, noise=0.0)
    np.testing.assert_array_equal(quiet[:, 1:], 0.0)


def test_adding_problem_targets_and_markers():
    X, y = data.adding_problem(300, T=30, seed=4)
    assert X.shape == (300, 30, 2) and y.shape == (300, 1)
    markers = X[:, :, 1]
    np.testing.assert_array_equal(markers.sum(axis=1), 2.0)
    first, second = np.argsort(-markers, axis=1, kind="stable")[:, :2].T
    assert np.all(np.minimum(first, second) < 15) and np.all(np.maximum(first, second) >= 15)
    np.testing.assert_allclose(y[:, 0], (X[:, :, 0] * markers).sum(axis=1))
    # The baseline the docstring quotes: predicting 1 gives an MSE near 1/6.
    assert np.mean((y - 1) ** 2) == pytest.approx(1 / 6, abs=0.03)
    with pytest.raises(ValueError, match="at least 2"):
        data.adding_problem(5, T=1)


def test_digits_table_is_load_digits():
    # digits() reads the wheel's file directly (fast); it must be the very table load_digits gives.
    from sklearn.datasets import load_digits
    bunch = load_digits()
    pixels, labels = data._digits_table()
    np.testing.assert_array_equal(pixels, bunch.data)
    np.testing.assert_array_equal(labels, bunch.target)
    assert pixels.dtype == np.float64 and labels.dtype == np.int64


def test_digits_falls_back_to_load_digits_when_the_file_moves(monkeypatch):
    monkeypatch.setattr(data, "_DIGITS_FILE", data.Path("no", "such", "file.csv.gz"))
    pixels, labels = data._digits_table()
    assert pixels.shape == (1797, 64) and np.bincount(labels).tolist()[:2] == [178, 182]


def test_digits_split_is_standardised_on_training_rows_only():
    split = data.digits(seed=5)
    assert [len(part[0]) for part in split] == [1079, 359, 359]
    train = split.train[0]
    np.testing.assert_allclose(train.mean(axis=0), 0.0, atol=1e-12)
    varying = train.std(axis=0) > 0
    np.testing.assert_allclose(train.std(axis=0)[varying], 1.0, rtol=1e-12)
    assert not np.allclose(split.val[0].mean(axis=0)[varying], 0.0, atol=1e-3)
