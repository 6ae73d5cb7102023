import numpy as np
import pytest

from ash_lightning.data.pair_sampling import draw_pairs, draw_triplets, similar


def test_uniform_pairs_follow_class_balance_and_label_convention():
    labels = np.repeat(np.arange(5), 200)
    pairs = draw_pairs(labels, 20_000, np.random.default_rng(0))
    assert (pairs.first != pairs.second).all()
    np.testing.assert_array_equal(pairs.dissimilar, labels[pairs.first] != labels[pairs.second])
    assert abs(1 - pairs.dissimilar.mean() - 0.2) < 0.02


@pytest.mark.parametrize("fraction", [0.0, 0.3, 1.0])
def test_positive_fraction(fraction):
    labels = np.array([0] * 3 + [1] * 90 + [2] * 7)
    pairs = draw_pairs(labels, 5_000, np.random.default_rng(1), positive_fraction=fraction)
    assert abs((1 - pairs.dissimilar.mean()) - fraction) < 0.03
    assert (pairs.first != pairs.second).all()


def test_same_seed_same_pairs_new_seed_new_pairs():
    labels = np.arange(50) % 3
    a = draw_pairs(labels, 100, np.random.default_rng([7, 0]))
    b = draw_pairs(labels, 100, np.random.default_rng([7, 0]))
    c = draw_pairs(labels, 100, np.random.default_rng([7, 1]))
    np.testing.assert_array_equal(a.first, b.first)
    np.testing.assert_array_equal(a.second, b.second)
    assert not np.array_equal(a.second, c.second)


def test_multi_label_similarity_is_a_shared_label():
    a = np.array([[1, 0, 1], [1, 0, 0], [0, 1, 0]])
    b = np.array([[0, 0, 1], [0, 1, 0], [0, 1, 1]])
    np.testing.assert_array_equal(similar(a, b), [True, False, True])
    pairs = draw_pairs(np.concatenate([a, b]), 200, np.random.default_rng(0), positive_fraction=0.5)
    labels = np.concatenate([a, b])
    np.testing.assert_array_equal(
        pairs.dissimilar, ~similar(labels[pairs.first], labels[pairs.second])
    )


def test_impossible_requests_are_clear_errors():
    with pytest.raises(ValueError, match="at least 2 images"):
        draw_pairs(np.array([0]), 3, np.random.default_rng(0))
    with pytest.raises(ValueError, match="positive_fraction"):
        draw_pairs(np.array([0, 1]), 3, np.random.default_rng(0), positive_fraction=2.0)
    with pytest.raises(ValueError, match="similar partner"):
        draw_pairs(
            np.array([0, 1, 2]), 3, np.random.default_rng(0), positive_fraction=1.0, max_rounds=50
        )


def test_triplets_have_similar_positives_and_dissimilar_negatives():
    labels = np.array([0] * 5 + [1] * 50 + [2] * 45)
    triplets = draw_triplets(labels, 2_000, np.random.default_rng(3))
    assert (labels[triplets.anchor] == labels[triplets.positive]).all()
    assert (labels[triplets.anchor] != labels[triplets.negative]).all()
    assert (triplets.anchor != triplets.positive).all()
    with pytest.raises(ValueError, match="similar partner"):
        draw_triplets(np.array([0, 1, 1]), 20, np.random.default_rng(0), max_rounds=50)
