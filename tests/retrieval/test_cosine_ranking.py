import numpy as np
import pytest

from ash_lightning.retrieval import cosine_ranking
from ash_lightning.retrieval.codes import binarize, pack_bits
from ash_lightning.retrieval.cosine_ranking import CosineIndex
from ash_lightning.retrieval.hamming_ranking import hamming_rank


def reference_rank(queries, database, k):
    """Brute force: cosine distance ascending, ties by database index (stable sort)."""

    def normalise(x):
        x = x.astype(np.float32)
        norms = np.linalg.norm(x, axis=1, keepdims=True)
        return np.divide(x, norms, out=np.zeros_like(x), where=norms > 0).astype(np.float64)

    distance = 1.0 - normalise(queries) @ normalise(database).T
    indices = np.argsort(np.round(distance, 12), axis=1, kind="stable")[:, :k]
    return np.take_along_axis(distance, indices, axis=1), indices


@pytest.mark.parametrize("k", [1, 15, 400])
def test_matches_stable_brute_force_on_distinct_vectors(k):
    rng = np.random.default_rng(0)
    queries, database = rng.standard_normal((60, 32)), rng.standard_normal((400, 32))
    distances, indices = CosineIndex(database).search(queries, k)
    ref_distances, ref_indices = reference_rank(queries, database, k)
    np.testing.assert_array_equal(indices, ref_indices)
    np.testing.assert_allclose(distances, ref_distances, atol=1e-12)


@pytest.mark.parametrize("k", [1, 25, 300])
def test_exact_duplicates_are_ordered_by_index(k):
    rng = np.random.default_rng(1)
    distinct = rng.standard_normal((6, 24))
    database = distinct[rng.integers(0, 6, 600)]
    queries = np.concatenate([distinct, rng.standard_normal((44, 24))])
    distances, indices = CosineIndex(database).search(queries, k)
    ref_distances, ref_indices = reference_rank(queries, database, k)
    np.testing.assert_array_equal(indices, ref_indices)
    np.testing.assert_allclose(distances, ref_distances, atol=1e-12)


@pytest.mark.parametrize("k", [1, 25, 300])
def test_searching_a_few_queries_at_a_time_gives_the_same_ranking(k, monkeypatch):
    monkeypatch.setattr(cosine_ranking, "_SEARCH_ELEMENTS", 1000)  # 1-20 queries per search
    rng = np.random.default_rng(2)
    collapsed = np.ones((500, 12))  # every query ties with the whole database
    mixed = np.concatenate([collapsed[:200], rng.standard_normal((300, 12))])
    queries = np.concatenate([np.ones((5, 12)), rng.standard_normal((35, 12))])
    for database in (collapsed, mixed):
        distances, indices = CosineIndex(database).search(queries, k)
        ref_distances, ref_indices = reference_rank(queries, database, k)
        np.testing.assert_array_equal(indices, ref_indices)
        np.testing.assert_allclose(distances, ref_distances, atol=1e-12)


@pytest.mark.parametrize("k", [1, 7, 40, 120])
def test_few_distinct_vectors_rank_through_them_as_item_by_item(k):
    # e2 and e3 (and -e2, -e3) are different vectors at the same distance from e1: their
    # items interleave by database position.
    axes = np.eye(4)
    rng = np.random.default_rng(3)
    database = np.concatenate([axes, -axes, np.zeros((1, 4))])[rng.integers(0, 9, 120)]
    queries = np.concatenate([axes, np.zeros((1, 4)), rng.standard_normal((10, 4))])
    grouped = CosineIndex(database)
    assert grouped._groups is not None
    distances, indices = grouped.search(queries, k)
    ref_distances, ref_indices = reference_rank(queries, database, k)
    np.testing.assert_array_equal(indices, ref_indices)
    np.testing.assert_allclose(distances, ref_distances, atol=1e-12)
    item_by_item = CosineIndex(database, group_distinct=False)
    assert item_by_item._groups is None
    faiss_distances, faiss_indices = item_by_item.search(queries, k)
    np.testing.assert_array_equal(indices, faiss_indices)
    np.testing.assert_array_equal(distances, faiss_distances)


def test_many_distinct_vectors_are_searched_item_by_item():
    rng = np.random.default_rng(4)
    assert CosineIndex(rng.standard_normal((200, 8)))._groups is None
    assert CosineIndex(np.ones((200, 8)))._groups is not None
    assert CosineIndex(np.ones((7, 8)))._groups is None  # fewer than 8 items a vector
    # Few distinct vectors up front, many in the whole database.
    leading_ties = np.concatenate([np.ones((100, 8)), rng.standard_normal((100, 8))])
    assert CosineIndex(leading_ties)._groups is None


def test_on_sign_vectors_it_ranks_exactly_like_hamming():
    # For ±1 vectors of length K, cos = 1 - 2 * hamming / K, a decreasing map.
    rng = np.random.default_rng(2)
    queries = rng.choice([-1.0, 1.0], size=(80, 12))
    database = rng.choice([-1.0, 1.0], size=(1000, 12))
    distances, indices = CosineIndex(database).search(queries, 50)
    hamming, hamming_indices = hamming_rank(
        pack_bits(binarize(queries)), pack_bits(binarize(database)), 50
    )
    np.testing.assert_array_equal(indices, hamming_indices)
    np.testing.assert_allclose(distances, 2.0 * hamming / 12, atol=1e-6)


def test_zero_vectors_are_at_distance_one():
    database = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 0.0], [-1.0, 0.0]])
    distances, indices = CosineIndex(database).search(np.array([[2.0, 0.0], [0.0, 0.0]]), 4)
    np.testing.assert_array_equal(indices, [[1, 0, 2, 3], [0, 1, 2, 3]])
    np.testing.assert_allclose(distances, [[0.0, 1.0, 1.0, 2.0], [1.0, 1.0, 1.0, 1.0]])


def test_k_is_clipped_and_inputs_are_validated():
    index = CosineIndex(np.eye(3))
    assert len(index) == 3
    assert index.search(np.ones((2, 3)), 10)[1].shape == (2, 3)
    with pytest.raises(ValueError, match="dimension"):
        index.search(np.ones((2, 4)), 1)
    with pytest.raises(ValueError, match="k must be >= 1"):
        index.search(np.ones((2, 3)), 0)
    with pytest.raises(ValueError, match="NaN"):
        CosineIndex(np.array([[np.nan, 1.0]]))
