import numpy as np
import pytest

from ash_lightning.retrieval import evaluate_retrieval, random_code_reference
from ash_lightning.shallow import LSH, MetricHashingForest


def map_at_10(hasher, database, database_labels, queries, query_labels):
    hasher.fit(database, database_labels)
    result = evaluate_retrieval(
        hasher.encode(queries), query_labels, hasher.encode(database), database_labels, [10]
    )
    return result.metrics["mAP@10"]


def test_supervision_beats_lsh_and_chance_when_labels_hide_in_few_dimensions(drowned):
    database, database_labels, queries, query_labels = drowned
    mhf = map_at_10(MetricHashingForest(bits=32), *drowned)
    lsh = map_at_10(LSH(bits=32), *drowned)
    chance = random_code_reference(query_labels, database_labels, 32, [10], seed=0)
    assert mhf > lsh + 0.15
    assert mhf > chance.metrics["mAP@10"] + 0.15


def test_shuffled_labels_lose_the_advantage(drowned):
    database, database_labels, queries, query_labels = drowned
    shuffled = np.random.default_rng(0).permutation(database_labels)
    true = map_at_10(MetricHashingForest(bits=32), *drowned)
    fake = map_at_10(MetricHashingForest(bits=32), database, shuffled, queries, query_labels)
    assert true > fake + 0.15


@pytest.mark.parametrize(("bits", "depth", "trees"), [(10, 4, 3), (12, 4, 3), (5, 1, 5), (3, 8, 1)])
def test_trees_times_depth_covers_exactly_bits(small_problem, bits, depth, trees):
    hasher = MetricHashingForest(bits=bits, depth=depth).fit(*small_problem)
    assert hasher.n_trees == trees
    assert hasher.directions_.shape == (trees, 2**depth - 1, 24)
    assert hasher.encode(small_problem[0]).shape == (300, bits)


def test_code_bits_follow_the_root_to_leaf_path(small_problem):
    features = small_problem[0]
    hasher = MetricHashingForest(bits=4, depth=4).fit(*small_problem)
    bits = hasher.encode(features) >= 0
    values = (features @ hasher.directions_[0].T - hasher.thresholds_[0]) / hasher.scales_[0]
    node = np.zeros(features.shape[0], dtype=int)
    for level in range(4):
        decision = values[np.arange(features.shape[0]), node] >= 0
        np.testing.assert_array_equal(bits[:, level], decision)
        node = 2 * node + 1 + decision


def test_root_splits_are_informative(small_problem):
    hasher = MetricHashingForest(bits=12).fit(*small_problem)
    assert np.linalg.norm(hasher.directions_[:, 0], axis=1) == pytest.approx(1.0)


def test_single_class_data_gives_constant_codes(small_problem):
    features = small_problem[0]
    hasher = MetricHashingForest(bits=8).fit(features, np.zeros(300, dtype=int))
    np.testing.assert_array_equal(hasher.encode(features), 1.0)


def test_one_hot_and_integer_labels_give_identical_codes(small_problem):
    features, labels = small_problem
    from_int = MetricHashingForest(bits=8).fit(features, labels).encode(features)
    from_hot = MetricHashingForest(bits=8).fit(features, np.eye(3)[labels]).encode(features)
    np.testing.assert_array_equal(from_int, from_hot)


def test_rejects_bad_hyper_parameters():
    with pytest.raises(ValueError, match="depth"):
        MetricHashingForest(bits=8, depth=0)
    with pytest.raises(ValueError, match="sample_fraction"):
        MetricHashingForest(bits=8, sample_fraction=0.0)
