"""Small labelled feature sets shared by the shallow-hashing tests."""

import numpy as np
import pytest


def drowned_labels(n: int, seed: int, centers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Labels carried by 3 low-variance dimensions among 97 noise dimensions of std 3."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, centers.shape[0], n)
    features = rng.normal(scale=3.0, size=(n, 100))
    features[:, :3] = centers[labels] + rng.normal(scale=0.3, size=(n, 3))
    return features, labels


@pytest.fixture(scope="session")
def drowned():
    """(database features, database labels, query features, query labels)."""
    centers = np.random.default_rng(1).normal(size=(5, 3))
    return (*drowned_labels(1000, 2, centers), *drowned_labels(200, 3, centers))


@pytest.fixture(scope="session")
def small_problem():
    """300 x 24 features with 3 classes, for contract tests."""
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 3, 300)
    features = rng.normal(size=(300, 24)) + labels[:, None] * 0.5
    return features, labels
