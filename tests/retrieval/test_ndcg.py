import math

import numpy as np
import pytest
import torch
from torchmetrics.functional.retrieval import retrieval_normalized_dcg

from ash_lightning.retrieval import evaluate_retrieval, ndcg_at_k
from ash_lightning.retrieval import ndcg as ndcg_module

# Discount of rank 2 is 1 / log2(3); rank 1 has discount 1 and rank 3 has 1 / 2.
D2 = 1 / math.log2(3)


def test_single_label_by_hand():
    database = np.array([0, 1, 0, 2, 0])
    queries = np.array([0, 2, 5])
    indices = np.array([[1, 0, 3, 2], [3, 0, 1, 2], [0, 1, 2, 3]])
    # q0 (label 0): gains of d1, d0, d3 = 0, 1, 0 -> DCG = D2.
    #   Three database items have label 0 -> IDCG = 1 + D2 + 1/2.
    # q1 (label 2): gains of d3, d0, d1 = 1, 0, 0 -> DCG = 1; only d3 has label 2 -> IDCG = 1.
    # q2 (label 5): no database item has label 5 -> IDCG = 0 -> NDCG = 0.
    expected = (D2 / (1.5 + D2) + 1 + 0) / 3
    assert ndcg_at_k(queries, database, indices, k=3) == pytest.approx(expected)


def test_multi_label_by_hand():
    query = np.array([[1, 1, 0]])
    # Gains (shared labels with the query): d0 = 2, d1 = 1, d2 = 0, d3 = 1.
    database = np.array([[1, 1, 0], [1, 0, 1], [0, 0, 1], [0, 1, 0]])
    indices = np.array([[2, 1, 0, 3]])
    # k=3: ranked gains 0, 1, 2 -> DCG = 0 + D2 + 2/2; ideal gains 2, 1, 1 -> IDCG = 2 + D2 + 1/2.
    assert ndcg_at_k(query, database, indices, k=3) == pytest.approx((D2 + 1) / (2.5 + D2))
    # k=1: ranked gain 0 -> DCG = 0, IDCG = 2 -> 0.
    assert ndcg_at_k(query, database, indices, k=1) == 0.0
    # k=4: ranked gains 0, 1, 2, 1 -> DCG = D2 + 1 + 1/log2(5); ideal 2, 1, 1, 0.
    d4 = 1 / math.log2(5)
    assert ndcg_at_k(query, database, indices, k=4) == pytest.approx((D2 + 1 + d4) / (2.5 + D2))


def test_grading_by_hand():
    database = np.array([0, 1, 2, 3, 4])
    query = np.array([1])
    indices = np.array([[3, 1, 0]])
    # Default D = 4 - 0 = 4 -> G = 5; distances to grade 1 are 1, 0, 1, 2, 3
    # -> gains 4, 5, 4, 3, 2. Ranked d3, d1, d0: gains 3, 5, 4 -> DCG = 3 + 5 * D2 + 4/2.
    # Ideal gains 5, 4, 4 -> IDCG = 5 + 4 * D2 + 4/2.
    expected = (5 + 5 * D2) / (7 + 4 * D2)
    assert ndcg_at_k(query, database, indices, k=3, grading=True) == pytest.approx(expected)
    # (Using each item's own grade as its gain would give (3 + D2) / (4 + 3 * D2) instead.)
    assert expected != pytest.approx((3 + D2) / (4 + 3 * D2))
    # D = 1 -> G = 2: gains 1, 2, 1, 0, 0. Ranked gains 0, 2, 1 -> DCG = 2 * D2 + 1/2;
    # ideal 2, 1, 1 -> IDCG = 2 + D2 + 1/2.
    got = ndcg_at_k(query, database, indices, k=3, grading=True, max_grade_distance=1)
    assert got == pytest.approx((2 * D2 + 0.5) / (2.5 + D2))


def test_grading_query_far_from_every_grade_scores_zero():
    # D = 0 -> G = 1: only an exact grade match gains 1; no database item has grade 7.
    database = np.array([0, 1, 2])
    got = ndcg_at_k(np.array([7]), database, np.array([[0, 1]]), 2, True, max_grade_distance=0)
    assert got == 0.0


def test_ranking_is_used_as_given():
    database = np.array([0, 0, 1])
    query = np.array([0])
    # Ranked d2, d0: gains 0, 1 -> DCG = D2, IDCG = 1 + D2; re-sorting by gain would give 1.
    assert ndcg_at_k(query, database, np.array([[2, 0, 1]]), k=2) == pytest.approx(D2 / (1 + D2))
    # Swapping two items of equal gain changes nothing.
    assert ndcg_at_k(query, database, np.array([[1, 0, 2]]), k=2) == 1.0
    assert ndcg_at_k(query, database, np.array([[0, 1, 2]]), k=2) == 1.0


def test_columns_beyond_k_are_ignored():
    database = np.array([0, 1, 1, 1])
    query = np.array([1])
    assert ndcg_at_k(query, database, np.array([[1, 0, 2, 3]]), k=1) == 1.0
    assert ndcg_at_k(query, database, np.array([[1, 0, 2, 3]]), k=2) < 1.0


def _gains_reference(query, database, kind, max_grade_distance=None):
    """Gains of every database item for one query, written out item by item."""
    if kind == "single":
        return [int(query == item) for item in database]
    if kind == "multi":
        return [
            int(sum(int(a) * int(b) for a, b in zip(query, item, strict=True))) for item in database
        ]
    top = max_grade_distance + 1
    return [max(0, top - abs(int(query) - int(item))) for item in database]


def _random_case(kind, rng, n_query=9, n_database=40):
    if kind == "multi":
        # Few classes so that many items share the same gain.
        queries = (rng.random((n_query, 4)) < 0.4).astype(int)
        database = (rng.random((n_database, 4)) < 0.4).astype(int)
    else:
        queries = rng.integers(0, 5, n_query)
        database = rng.integers(0, 5, n_database)
    return queries, database


@pytest.mark.parametrize("kind", ["single", "multi", "grading"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_agrees_with_torchmetrics(kind, seed):
    rng = np.random.default_rng(seed)
    queries, database = _random_case(kind, rng)
    n_database = database.shape[0]
    depth = 15
    indices = np.stack([rng.permutation(n_database)[:depth] for _ in range(len(queries))])
    grading = kind == "grading"
    distance = int(max(queries.max(), database.max()) - min(queries.min(), database.min()))
    for k in (1, 3, 10, 15):
        reference = []
        for query, ranked in zip(queries, indices, strict=True):
            target = torch.tensor(_gains_reference(query, database, kind, distance))
            # Strictly decreasing positive scores: the ranked items first, in rank order,
            # then every other database item.
            order = np.concatenate([ranked, np.setdiff1d(np.arange(n_database), ranked)])
            preds = torch.empty(n_database, dtype=torch.float64)
            preds[torch.from_numpy(order)] = torch.arange(n_database, 0, -1, dtype=torch.float64)
            reference.append(float(retrieval_normalized_dcg(preds, target, top_k=k)))
        got = ndcg_at_k(queries, database, indices, k, grading=grading)
        assert got == pytest.approx(np.mean(reference), abs=1e-6)


@pytest.mark.parametrize("kind", ["single", "multi", "grading"])
def test_chunking_does_not_change_the_result(kind, monkeypatch):
    rng = np.random.default_rng(3)
    queries, database = _random_case(kind, rng, n_query=25)
    indices = np.stack([rng.permutation(database.shape[0])[:10] for _ in range(len(queries))])
    grading = kind == "grading"
    whole = ndcg_at_k(queries, database, indices, 7, grading=grading)
    # 100 gains per chunk -> 2 queries per chunk over a database of 40.
    monkeypatch.setattr(ndcg_module, "_CHUNK_ELEMENTS", 100)
    assert ndcg_at_k(queries, database, indices, 7, grading=grading) == pytest.approx(
        whole, rel=1e-12
    )


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"k": 0}, "k must satisfy"),
        ({"k": 4}, "k must satisfy"),
        ({"indices": np.array([[0, 1, 9]])}, "must lie in"),
        ({"indices": np.array([[0.0, 1.0, 2.0]])}, "must be integers"),
        ({"indices": np.array([[0, 1, 2], [0, 1, 2]])}, "rows for"),
        ({"indices": np.array([0, 1, 2])}, "2-D"),
        ({"database_labels": np.array([[0, 1]] * 4)}, "must both be"),
        ({"max_grade_distance": 2}, "only applies"),
        ({"grading": True, "max_grade_distance": -1}, ">= 0"),
        ({"grading": True, "query_labels": np.array([0.5])}, "integer grades"),
    ],
)
def test_rejects_bad_inputs(kwargs, match):
    arguments = {
        "query_labels": np.array([1]),
        "database_labels": np.array([0, 1, 2, 1]),
        "indices": np.array([[0, 1, 2]]),
        "k": 2,
    }
    arguments.update(kwargs)
    with pytest.raises(ValueError, match=match):
        ndcg_at_k(**arguments)


def test_rejects_non_binary_multi_label():
    with pytest.raises(ValueError, match="only 0 and 1"):
        ndcg_at_k(np.array([[2, 0]]), np.array([[1, 0], [0, 1]]), np.array([[0, 1]]), 1)


def _hamming_case():
    """Multi-label items with 3-bit codes: many equal Hamming distances (ties)."""
    rng = np.random.default_rng(7)
    database_labels = (rng.random((30, 3)) < 0.5).astype(int)
    database_labels[database_labels.sum(axis=1) == 0, 0] = 1
    query_labels = (rng.random((6, 3)) < 0.5).astype(int)
    query_labels[query_labels.sum(axis=1) == 0, 1] = 1
    database_codes = rng.choice([-1.0, 1.0], size=(30, 3))
    query_codes = rng.choice([-1.0, 1.0], size=(6, 3))
    return query_codes, query_labels, database_codes, database_labels


def _torchmetrics_ndcg(query_codes, query_labels, database_codes, database_labels, k, tie_break):
    values = []
    for code, labels in zip(query_codes, query_labels, strict=True):
        distance = (code[None, :] != database_codes).sum(axis=1).astype(np.float64)
        # tie_break > 0 encodes "lower database position first" among equal distances.
        preds = torch.from_numpy(-distance - tie_break * np.arange(len(distance)))
        target = torch.from_numpy(database_labels @ labels)
        values.append(float(retrieval_normalized_dcg(preds, target, top_k=k)))
    return float(np.mean(values))


def test_hamming_ties_broken_by_position_match_torchmetrics_on_multi_label_gains():
    case = _hamming_case()
    for k in (1, 5, 10):
        got = evaluate_retrieval(*case, topk=[k]).metrics[f"NDCG@{k}"]
        assert got == pytest.approx(_torchmetrics_ndcg(*case, k, tie_break=1e-3), abs=1e-6)


def test_ties_between_items_of_equal_gain_do_not_change_ndcg():
    _, query_labels, _, labels = _hamming_case()
    # Every query has the code (1, 1, 1); the database uses 4 codes at Hamming distances
    # 0, 1, 2, 3 from it, and all items of one code carry the same labels. Tied items
    # then have equal gains, so any tie rule (torchmetrics' included) gives the same NDCG.
    codes = np.array([[1.0, 1.0, 1.0], [-1.0, 1.0, 1.0], [-1.0, -1.0, 1.0], [-1.0, -1.0, -1.0]])
    code_id = np.arange(30) % 4
    case = (np.ones((6, 3)), query_labels, codes[code_id], labels[:4][code_id])
    got = evaluate_retrieval(*case, topk=[10]).metrics["NDCG@10"]
    assert got == pytest.approx(_torchmetrics_ndcg(*case, 10, tie_break=0.0), abs=1e-6)
