from __future__ import annotations

import numpy as np
import pytest

from ash_lightning.data.synthetic import (
    DISEASE_PROBABILITIES,
    FUNDUS_CLASSES,
    draw_fundus_label_sets,
)
from ash_lightning.data.synthetic.sizes import MIN_PER_CLASS


def diseases(labels: np.ndarray) -> np.ndarray:
    """Number of diseases of each image."""
    return labels[:, 1:].sum(axis=1)


@pytest.fixture(scope="module")
def large_draw() -> np.ndarray:
    return draw_fundus_label_sets(np.random.default_rng(0), 20_000)


def test_probabilities_cover_the_diseases_in_order() -> None:
    assert tuple(DISEASE_PROBABILITIES) == FUNDUS_CLASSES[1:]


def test_labels_are_multi_hot_with_normal_exactly_without_disease(large_draw: np.ndarray) -> None:
    assert large_draw.dtype == np.uint8 and large_draw.shape == (20_000, 5)
    assert set(np.unique(large_draw)) == {0, 1}
    assert np.array_equal(large_draw[:, 0] == 1, diseases(large_draw) == 0)
    assert large_draw.sum(axis=1).min() >= 1


def test_diseases_follow_their_probabilities_and_co_occur(large_draw: np.ndarray) -> None:
    shares = large_draw[:, 1:].mean(axis=0)
    np.testing.assert_allclose(shares, list(DISEASE_PROBABILITIES.values()), atol=0.015)
    count = diseases(large_draw)
    assert 0.25 <= (count == 0).mean() <= 0.35
    assert 0.3 <= (count >= 2).sum() / (count >= 1).sum() <= 0.4


@pytest.mark.parametrize("count", [10, 11, 15, 40])
def test_every_label_reaches_the_minimum_even_in_small_splits(count: int) -> None:
    for seed in range(20):
        labels = draw_fundus_label_sets(np.random.default_rng(seed), count)
        assert labels.shape == (count, 5)
        assert labels.sum(axis=0).min() >= MIN_PER_CLASS
        assert np.array_equal(labels[:, 0] == 1, diseases(labels) == 0)


def test_same_generator_state_same_labels() -> None:
    first = draw_fundus_label_sets(np.random.default_rng(3), 100)
    assert np.array_equal(first, draw_fundus_label_sets(np.random.default_rng(3), 100))
    assert not np.array_equal(first, draw_fundus_label_sets(np.random.default_rng(4), 100))


def test_empty_split_and_too_small_splits() -> None:
    assert draw_fundus_label_sets(np.random.default_rng(0), 0).shape == (0, 5)
    for count in (-1, 1, 9):
        with pytest.raises(ValueError, match="multi-label split"):
            draw_fundus_label_sets(np.random.default_rng(0), count)
