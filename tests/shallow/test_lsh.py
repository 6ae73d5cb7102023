import numpy as np
import pytest

from ash_lightning.shallow import LSH


def test_differing_bit_fraction_approximates_angle_over_pi():
    rng = np.random.default_rng(0)
    dim, n_pairs = 64, 24
    angles = np.linspace(0.05, 0.95, n_pairs) * np.pi
    base = rng.normal(size=(n_pairs, dim))
    base /= np.linalg.norm(base, axis=1, keepdims=True)
    other = rng.normal(size=(n_pairs, dim))
    other -= (other * base).sum(axis=1, keepdims=True) * base
    other /= np.linalg.norm(other, axis=1, keepdims=True)
    rotated = np.cos(angles)[:, None] * base + np.sin(angles)[:, None] * other
    hasher = LSH(bits=4096, seed=1, center=False).fit(base, np.zeros(n_pairs, dtype=int))
    differing = ((hasher.encode(base) >= 0) != (hasher.encode(rotated) >= 0)).mean(axis=1)
    np.testing.assert_allclose(differing, angles / np.pi, atol=0.03)


def test_centring_makes_codes_invariant_to_a_shift_of_the_data():
    features = np.random.default_rng(2).normal(size=(50, 16))
    labels = np.zeros(50, dtype=int)
    plain = LSH(bits=32, seed=5).fit(features, labels).encode(features)
    shifted = LSH(bits=32, seed=5).fit(features + 10.0, labels).encode(features + 10.0)
    np.testing.assert_allclose(plain, shifted, atol=1e-4)


def test_without_centring_hyperplanes_pass_through_the_origin():
    features = np.random.default_rng(3).normal(size=(40, 16))
    hasher = LSH(bits=32, seed=0, center=False).fit(features + 10.0, np.zeros(40, dtype=int))
    np.testing.assert_array_equal(hasher.encode(features) >= 0, hasher.encode(3.0 * features) >= 0)
    np.testing.assert_allclose(hasher.mean_, 0.0)


def test_labels_are_ignored():
    features = np.random.default_rng(4).normal(size=(30, 8))
    codes = [
        LSH(bits=16).fit(features, labels).encode(features)
        for labels in (np.zeros(30, dtype=int), np.arange(30))
    ]
    np.testing.assert_array_equal(*codes)


def test_projection_is_gaussian():
    hasher = LSH(bits=512, seed=0).fit(np.zeros((2, 64)), np.zeros(2, dtype=int))
    assert hasher.projection_.shape == (64, 512)
    assert hasher.projection_.mean() == pytest.approx(0.0, abs=0.02)
    assert hasher.projection_.std() == pytest.approx(1.0, abs=0.02)
