import numpy as np
import pytest

from ash_lightning.shallow.mhf_split import (
    SplitSettings,
    best_split,
    constant_split,
    fisher_directions,
    label_pattern_statistics,
    pair_scores,
    sample_pairs,
)
from ash_lightning.shallow.validation import label_matrix

PROJECTIONS = np.array([[0.0], [1.0], [2.0], [3.0]])
FIRST = np.array([0, 2, 0, 1])
SECOND = np.array([1, 3, 2, 3])
SIMILAR = np.array([True, True, False, False])


def test_pair_score_is_one_for_a_split_that_respects_every_pair():
    scores = pair_scores(PROJECTIONS, np.array([[1.5]]), FIRST, SECOND, SIMILAR)
    assert scores[0, 0] == pytest.approx(1.0)


def test_pair_score_is_zero_for_a_split_breaking_half_of_each_kind():
    scores = pair_scores(PROJECTIONS, np.array([[0.5]]), FIRST, SECOND, SIMILAR)
    assert scores[0, 0] == pytest.approx(0.0)


def test_pair_score_is_zero_when_everything_goes_one_way():
    scores = pair_scores(PROJECTIONS, np.array([[-1.0, 10.0]]), FIRST, SECOND, SIMILAR)
    np.testing.assert_allclose(scores, 0.0)


def test_sample_pairs_excludes_self_pairs_and_flags_similarity():
    labels = label_matrix(np.array([0, 0, 1, 1, 2]))
    first, second, similar = sample_pairs(labels, 500, np.random.default_rng(0))
    assert (first != second).all()
    np.testing.assert_array_equal(similar, labels[first].argmax(1) == labels[second].argmax(1))


def test_fisher_directions_are_unit_vectors():
    rng = np.random.default_rng(0)
    labels = label_matrix(rng.integers(0, 4, 200))
    directions = fisher_directions(rng.normal(size=(200, 30)), labels, SplitSettings(), rng)
    assert directions.shape[0] == 30
    assert 0 < directions.shape[1] <= SplitSettings().n_candidates
    np.testing.assert_allclose(np.linalg.norm(directions, axis=0), 1.0)


def test_best_split_finds_the_informative_dimension_among_noisy_ones():
    rng = np.random.default_rng(1)
    labels = rng.integers(0, 2, 400)
    features = rng.normal(scale=3.0, size=(400, 20))
    features[:, 7] = labels + rng.normal(scale=0.1, size=400)
    split = best_split(features, label_matrix(labels), SplitSettings(), rng)
    assert abs(split.direction[7]) > 0.9
    assert split.score > 0.9
    right = features @ split.direction >= split.threshold
    assert max(np.mean(right == labels), np.mean(right != labels)) > 0.97


def test_single_label_and_tiny_nodes_are_not_split():
    rng = np.random.default_rng(2)
    features = rng.normal(size=(50, 5))
    for labels in (np.zeros(50, dtype=int), np.arange(50) % 2):
        settings = SplitSettings(min_samples_split=100 if labels.any() else 8)
        split = best_split(features, label_matrix(labels), settings, rng)
        np.testing.assert_array_equal(split.direction, constant_split(5).direction)
        assert split.threshold == -1.0


def test_label_pattern_statistics_sum_each_distinct_label_row():
    features = np.arange(12.0).reshape(4, 3)
    labels = np.array([[1, 0], [0, 1], [1, 0], [1, 1]], dtype=bool)
    patterns, counts, sums, squares = label_pattern_statistics(features, labels)
    for pattern, count, total, total_squares in zip(patterns, counts, sums, squares, strict=True):
        rows = (labels == pattern).all(axis=1)
        assert count == rows.sum()
        np.testing.assert_allclose(total, features[rows].sum(axis=0))
        np.testing.assert_allclose(total_squares, (features[rows] ** 2).sum(axis=0))
    assert patterns.shape == (3, 2)
