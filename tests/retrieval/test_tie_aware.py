import itertools

import numpy as np
import pytest

from ash_lightning.retrieval.evaluation import evaluate_retrieval, random_code_reference
from ash_lightning.retrieval.metric_keys import parse_metric_key, under_prefix
from ash_lightning.retrieval.metrics import mean_reciprocal_rank, retrieval_metrics
from ash_lightning.retrieval.ndcg import ndcg_at_k
from ash_lightning.retrieval.relevance import relevance_matrix
from ash_lightning.retrieval.tie_aware import (
    _distinct_items,
    authors_mean_reciprocal_rank,
    hamming_distances,
    tie_aware_metrics,
)


def all_orderings(distances):
    """Every ranking of the database: distance groups in order, each group permuted."""
    groups = [np.flatnonzero(distances == d) for d in np.unique(distances)]
    rankings = [
        np.concatenate(parts)
        for parts in itertools.product(*(itertools.permutations(g) for g in groups))
    ]
    return np.array(rankings)


def brute_force(
    query_bits, query_labels, database_bits, database_labels, topk, convention, grading
):
    """Average of the deterministic metrics over every ordering of the ties."""
    distances = (query_bits[:, None, :] != database_bits[None, :, :]).sum(axis=2)
    max_grade_distance = None
    if grading:
        grades = np.concatenate([query_labels, database_labels])
        max_grade_distance = int(grades.max() - grades.min())
    per_query = []
    patterns = {k: [] for k in topk}
    for q in range(len(query_labels)):
        rankings = all_orderings(distances[q])
        labels = np.repeat(query_labels[q : q + 1], len(rankings), axis=0)
        rel = relevance_matrix(labels, database_labels, rankings)
        # Each row is one ordering, so the metrics' mean over rows is the mean over
        # orderings (not for the authors' mRR, a ratio over queries: done jointly below).
        values = retrieval_metrics(rel, topk, convention)
        for k in topk:
            values[f"NDCG@{k}"] = ndcg_at_k(
                labels, database_labels, rankings, k, grading, max_grade_distance
            )
            rows, counts = np.unique(rel[:, :k], axis=0, return_counts=True)
            patterns[k].append((rows, counts / counts.sum()))
        per_query.append(values)
    expected = {name: np.mean([values[name] for values in per_query]) for name in per_query[0]}
    if convention == "authors":
        # Joint over the queries: every combination of each query's top-k pattern.
        for k in topk:
            total = 0.0
            for combination in itertools.product(
                *(zip(rows, weights, strict=True) for rows, weights in patterns[k])
            ):
                rel = np.array([row for row, _ in combination])
                weight = np.prod([w for _, w in combination])
                total += weight * mean_reciprocal_rank(rel, k, "authors")
            expected[f"mRR@{k}"] = total
    return expected


def random_case(seed, kind, n_queries=3, n_database=8, bits=3):
    rng = np.random.default_rng(seed)
    query_bits = rng.random((n_queries, bits)) < 0.5
    database_bits = rng.random((n_database, bits)) < 0.5
    if kind == "multi":
        query_labels = (rng.random((n_queries, 3)) < 0.4).astype(int)
        database_labels = (rng.random((n_database, 3)) < 0.4).astype(int)
    else:
        classes = 4 if kind == "graded" else 3
        query_labels = rng.integers(0, classes, n_queries)
        database_labels = rng.integers(0, classes, n_database)
    return query_bits, query_labels, database_bits, database_labels


@pytest.mark.parametrize("convention", ["standard", "authors"])
@pytest.mark.parametrize("kind", ["single", "multi", "graded"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_equals_the_average_over_every_ordering_of_the_ties(convention, kind, seed):
    n_database = 7 + seed % 3
    case = random_case(seed, kind, n_queries=3, n_database=n_database, bits=3 + seed % 2)
    topk = [1, 3, 5, n_database]
    grading = kind == "graded"
    expected = brute_force(*case, topk, convention, grading)
    got = tie_aware_metrics(*case, topk, convention=convention, grading=grading)
    assert set(got) == set(expected)
    for name, value in expected.items():
        assert got[name] == pytest.approx(value, rel=1e-9, abs=1e-12), name


@pytest.mark.parametrize("kind", ["single", "multi", "graded"])
def test_repeated_codes_and_labels_count_once_per_copy(kind):
    # Two bits and two labels over eight items: most (code, label) items have copies.
    rng = np.random.default_rng(11)
    query_bits, database_bits = rng.random((3, 2)) < 0.5, rng.random((8, 2)) < 0.5
    if kind == "multi":
        vectors = np.array([[1, 0], [0, 1], [1, 1]])
        query_labels, database_labels = vectors[[0, 1, 2]], vectors[rng.integers(0, 2, 8)]
    else:
        query_labels, database_labels = np.array([0, 1, 2]), rng.integers(0, 2, 8)
    case = (query_bits, query_labels, database_bits, database_labels)
    assert len(_distinct_items(database_bits, database_labels)[0]) <= 6
    topk = [1, 3, 5, 8]
    for convention in ("standard", "authors"):
        expected = brute_force(*case, topk, convention, kind == "graded")
        got = tie_aware_metrics(*case, topk, convention=convention, grading=kind == "graded")
        for name, value in expected.items():
            assert got[name] == pytest.approx(value, rel=1e-9, abs=1e-12), name


def test_authors_mrr_with_four_queries_and_uncertain_hits():
    case = random_case(7, "single", n_queries=4, n_database=7, bits=2)
    expected = brute_force(*case, [1, 2], "authors", False)
    got = tie_aware_metrics(*case, [1, 2], convention="authors")
    for name, value in expected.items():
        assert got[name] == pytest.approx(value, rel=1e-9, abs=1e-12), name


def test_authors_mrr_against_enumerated_hit_subsets():
    rng = np.random.default_rng(5)
    p = np.concatenate([rng.random(7), [0.0, 1.0, 1.0, 1e-9, 1 - 1e-9, 0.5]])
    rr_given_hit = rng.uniform(0.1, 1.0, p.size)
    expected = 0.0
    for hits in itertools.product([False, True], repeat=p.size):
        hits = np.array(hits)
        if hits.any():
            probability = np.prod(np.where(hits, p, 1 - p))
            expected += probability * rr_given_hit[hits].sum() / hits.sum()
    got = authors_mean_reciprocal_rank(rr_given_hit * p, p)
    assert got == pytest.approx(expected, rel=1e-10)
    assert authors_mean_reciprocal_rank(np.zeros(3), np.zeros(3)) == 0.0


def test_authors_mrr_is_stable_for_many_queries():
    # With one query's RR non-zero the value is RR_q E[1 / (1 + N_-q)]; the distribution
    # of N_-q, the hits of the other queries, is built here directly for a few queries.
    rng = np.random.default_rng(6)
    p = np.concatenate([rng.random(120), rng.random(20) ** 8, 1 - rng.random(20) ** 8, [1.0] * 5])
    for q in rng.choice(p.size, 8, replace=False):
        distribution = np.ones(1)
        for value in np.delete(p, q):
            grown = np.zeros(distribution.size + 1)
            grown[:-1] += (1 - value) * distribution
            grown[1:] += value * distribution
            distribution = grown
        inverse = (distribution / np.arange(1, distribution.size + 1)).sum()
        rr = np.zeros(p.size)
        rr[q] = 0.7 * p[q]
        assert authors_mean_reciprocal_rank(rr, p) == pytest.approx(rr[q] * inverse, rel=1e-9)


def staircase(n_bits):
    """Codes 0^j 1^(K-j): every item at a different distance from all-ones and all-zeros."""
    return np.array([[-1.0] * j + [1.0] * (n_bits - j) for j in range(n_bits + 1)])


@pytest.mark.parametrize("convention", ["standard", "authors"])
def test_without_ties_the_values_are_the_deterministic_ones(convention):
    database = staircase(8)
    database_labels = np.array([0, 1, 1, 0, 2, 0, 1, 2, 2])
    queries = np.array([[1.0] * 8, [-1.0] * 8])
    query_labels = np.array([1, 0])
    metrics = evaluate_retrieval(
        queries,
        query_labels,
        database,
        database_labels,
        [1, 3, 5, 9],
        convention=convention,
        class_names=("a", "b", "c"),
    ).metrics
    tied = under_prefix(metrics, "tie_aware")
    assert set(tied) == {name for name in metrics if parse_metric_key(name).ranking is None}
    for name, value in tied.items():
        assert value == pytest.approx(metrics[name], abs=1e-12), name


def test_fully_collapsed_codes_hit_the_relevant_fraction_of_the_database():
    rng = np.random.default_rng(0)
    database_labels = rng.integers(0, 3, 40)
    query_labels = np.array([0, 1, 2, 2, 5])
    ones = np.ones((40, 12))
    topk = [1, 7, 40]
    metrics = evaluate_retrieval(ones[:5], query_labels, ones, database_labels, topk).metrics
    fraction = np.mean([(database_labels == label).mean() for label in query_labels])
    for k in topk:
        assert metrics[f"tie_aware/mHR@{k}"] == pytest.approx(fraction)
    # With k = n the top k is the whole database: the deterministic value too.
    assert metrics["mHR@40"] == pytest.approx(fraction)


def test_evaluation_names_and_switch():
    rng = np.random.default_rng(3)
    labels = rng.integers(0, 3, 60)
    args = (rng.normal(size=(15, 12)), labels[:15], rng.normal(size=(60, 12)), labels, [5, 10])
    metrics = evaluate_retrieval(*args, class_names=("a", "b", "c")).metrics
    tied = {name for name in metrics if name.startswith("tie_aware/")}
    assert tied == {
        f"tie_aware/{m}@{k}" for m in ("mHR", "mAP", "mRR", "NDCG") for k in (5, 10)
    } | {f"tie_aware/mAP@{k}/{c}" for k in (5, 10) for c in "abc"}
    assert all(parse_metric_key(name).ranking == "tie_aware" for name in tied)
    assert all(0.0 <= metrics[name] <= 1.0 for name in tied)
    off = evaluate_retrieval(*args, class_names=("a", "b", "c"), tie_aware=False).metrics
    assert off == {name: value for name, value in metrics.items() if name not in tied}
    cosine = evaluate_retrieval(*args, binarize=False).metrics
    assert not [name for name in cosine if "tie_aware" in name]
    both = evaluate_retrieval(*args, binarize=False, other_ranking=True).metrics
    assert {name: both[name] for name in tied if name.count("/") == 1} == {
        name: metrics[name] for name in tied if name.count("/") == 1
    }


def test_random_code_reference_has_tie_aware_values_near_chance():
    rng = np.random.default_rng(2)
    database_labels = rng.permutation(np.repeat(np.arange(5), 200))
    query_labels = rng.permutation(np.repeat(np.arange(5), 40))
    metrics = random_code_reference(query_labels, database_labels, bits=12, topk=[10], seed=3)
    assert metrics.metrics["tie_aware/mHR@10"] == pytest.approx(0.2, abs=0.03)


def test_large_groups_stay_finite_and_match_the_linear_hit_ratio():
    rng = np.random.default_rng(4)
    database_bits = rng.random((3000, 4)) < 0.5
    query_bits = rng.random((50, 4)) < 0.5
    database_labels = rng.integers(0, 4, 3000)
    query_labels = rng.integers(0, 4, 50)
    for convention in ("standard", "authors"):
        metrics = tie_aware_metrics(
            query_bits, query_labels, database_bits, database_labels, [100], convention
        )
        assert all(np.isfinite(value) and 0.0 <= value <= 1.0 for value in metrics.values())
    # Without bits set apart, one group: E[AP] has no closed form check, but E[HR] does.
    same = np.zeros((3000, 4), dtype=bool)
    metrics = tie_aware_metrics(same[:50], query_labels, same, database_labels, [100])
    fraction = np.mean([(database_labels == label).mean() for label in query_labels])
    assert metrics["mHR@100"] == pytest.approx(fraction)


def test_hamming_distances_count_differing_bits():
    rng = np.random.default_rng(8)
    queries, database = rng.random((5, 37)) < 0.5, rng.random((11, 37)) < 0.5
    expected = (queries[:, None, :] != database[None, :, :]).sum(axis=2)
    np.testing.assert_array_equal(hamming_distances(queries, database), expected)


def test_validation():
    bits = np.zeros((4, 3), dtype=bool)
    labels = np.arange(4)
    with pytest.raises(ValueError, match="boolean"):
        tie_aware_metrics(bits.astype(int), labels, bits, labels, [1])
    with pytest.raises(ValueError, match="bits"):
        tie_aware_metrics(bits[:, :2], labels, bits, labels, [1])
    with pytest.raises(ValueError, match="topk"):
        tie_aware_metrics(bits, labels, bits, labels, [5])
    with pytest.raises(ValueError, match="'paper'"):
        tie_aware_metrics(bits, labels, bits, labels, [1], convention="paper")
    with pytest.raises(ValueError, match="query_labels"):
        tie_aware_metrics(bits, labels[:3], bits, labels, [1])
