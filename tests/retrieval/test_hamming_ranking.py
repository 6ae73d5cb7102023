import faiss
import numpy as np
import pytest

from ash_lightning.retrieval import distinct_code_search
from ash_lightning.retrieval.codes import pack_bits
from ash_lightning.retrieval.hamming_ranking import HammingIndex, hamming_rank
from ash_lightning.retrieval.metrics import retrieval_metrics
from ash_lightning.retrieval.relevance import relevance_matrix


def reference_rank(query_bits, database_bits, k):
    """Brute force: Hamming distance ascending, ties by database index (stable sort)."""
    distance = (query_bits[:, None, :] != database_bits[None, :, :]).sum(axis=2)
    indices = np.argsort(distance, axis=1, kind="stable")[:, :k]
    return np.take_along_axis(distance, indices, axis=1), indices


def random_bits(rng, n, n_bits):
    return rng.integers(0, 2, size=(n, n_bits)).astype(bool)


@pytest.fixture(scope="module")
def tied_codes():
    rng = np.random.default_rng(0)
    return random_bits(rng, 300, 12), random_bits(rng, 3000, 12)


@pytest.fixture(scope="module")
def duplicated_codes():
    rng = np.random.default_rng(1)
    distinct = random_bits(rng, 8, 12)
    return distinct[rng.integers(0, 8, 200)], distinct[rng.integers(0, 8, 2000)]


@pytest.mark.parametrize("k", [1, 20, 3000])
def test_matches_stable_brute_force_with_ties_everywhere(tied_codes, k):
    query_bits, database_bits = tied_codes
    distances, indices = hamming_rank(pack_bits(query_bits), pack_bits(database_bits), k)
    ref_distances, ref_indices = reference_rank(query_bits, database_bits, k)
    np.testing.assert_array_equal(indices, ref_indices)
    np.testing.assert_array_equal(distances, ref_distances)
    assert indices.dtype == np.int64


@pytest.mark.parametrize("k", [1, 20, 500])
def test_matches_stable_brute_force_with_exact_duplicates(duplicated_codes, k):
    query_bits, database_bits = duplicated_codes
    distances, indices = hamming_rank(pack_bits(query_bits), pack_bits(database_bits), k)
    ref_distances, ref_indices = reference_rank(query_bits, database_bits, k)
    np.testing.assert_array_equal(indices, ref_indices)
    np.testing.assert_array_equal(distances, ref_distances)


def test_metrics_equal_those_of_the_brute_force_ranking(tied_codes):
    query_bits, database_bits = tied_codes
    rng = np.random.default_rng(2)
    query_labels, database_labels = rng.integers(0, 4, 300), rng.integers(0, 4, 3000)
    _, indices = hamming_rank(pack_bits(query_bits), pack_bits(database_bits), 50)
    _, ref_indices = reference_rank(query_bits, database_bits, 50)
    for convention in ("standard", "authors"):
        ours = retrieval_metrics(
            relevance_matrix(query_labels, database_labels, indices), [1, 10, 50], convention
        )
        ref = retrieval_metrics(
            relevance_matrix(query_labels, database_labels, ref_indices), [1, 10, 50], convention
        )
        assert ours == ref


def test_lowest_indices_win_the_tie_at_the_cut_off():
    # Database: item 0 at distance 1, then items 1..5 all at distance 0 from the query.
    database_bits = np.zeros((6, 12), dtype=bool)
    database_bits[0, 0] = True
    query_bits = np.zeros((1, 12), dtype=bool)
    distances, indices = hamming_rank(pack_bits(query_bits), pack_bits(database_bits), 3)
    np.testing.assert_array_equal(indices, [[1, 2, 3]])
    np.testing.assert_array_equal(distances, [[0, 0, 0]])


def test_k_is_clipped_to_the_database_size():
    rng = np.random.default_rng(3)
    database = pack_bits(random_bits(rng, 7, 16))
    distances, indices = hamming_rank(pack_bits(random_bits(rng, 4, 16)), database, 100)
    assert distances.shape == indices.shape == (4, 7)
    assert (np.sort(indices, axis=1) == np.arange(7)).all()


def test_index_is_reusable_and_its_distances_agree_with_faiss():
    rng = np.random.default_rng(4)
    database, queries = pack_bits(random_bits(rng, 500, 64)), pack_bits(random_bits(rng, 20, 64))
    index = HammingIndex(database)
    assert len(index) == 500
    distances, indices = index.search(queries, 10)
    plain = faiss.IndexBinaryFlat(64)
    plain.add(database)
    faiss_distances, _ = plain.search(queries, 10)
    np.testing.assert_array_equal(distances, faiss_distances)
    np.testing.assert_array_equal(index.search(queries, 10)[1], indices)


def _codes(rng, kind, n, n_bits):
    """Random codes, codes drawn from 6 distinct ones, or one code repeated."""
    if kind == "random":
        return random_bits(rng, n, n_bits)
    distinct = random_bits(rng, 6 if kind == "heavily tied" else 1, n_bits)
    return distinct[rng.integers(0, len(distinct), n)]


@pytest.mark.parametrize("kind", ["random", "heavily tied", "collapsed"])
@pytest.mark.parametrize("search", ["counting", "per distinct code"])
def test_both_searches_equal_a_stable_sort_at_every_code_length(kind, search, monkeypatch):
    if search == "counting":
        monkeypatch.setattr(distinct_code_search, "MAX_DISTINCT", 0)
    else:
        monkeypatch.setattr(distinct_code_search, "MAX_DISTINCT", 10**6)
    rng = np.random.default_rng(7)
    for n_bits in range(1, 131):
        database = _codes(rng, kind, 400, n_bits)
        queries = np.concatenate([database[:10], random_bits(rng, 10, n_bits)])
        index = HammingIndex(pack_bits(database))
        for k in (1, 10, 57, 400):
            distances, indices = index.search(pack_bits(queries), k)
            ref_distances, ref_indices = reference_rank(queries, database, k)
            np.testing.assert_array_equal(indices, ref_indices, err_msg=f"K={n_bits} k={k}")
            np.testing.assert_array_equal(distances, ref_distances, err_msg=f"K={n_bits} k={k}")


def test_rejects_bad_codes_and_k():
    database = np.zeros((5, 8), dtype=np.uint8)
    with pytest.raises(ValueError, match="uint8"):
        HammingIndex(database.astype(np.int64))
    with pytest.raises(ValueError, match="at least one code"):
        HammingIndex(np.zeros((0, 8), dtype=np.uint8))
    index = HammingIndex(database)
    with pytest.raises(ValueError, match="bytes per code"):
        index.search(np.zeros((2, 16), dtype=np.uint8), 3)
    with pytest.raises(ValueError, match="k must be >= 1"):
        index.search(np.zeros((2, 8), dtype=np.uint8), 0)
