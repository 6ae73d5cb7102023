import numpy as np
import pytest

from ash_lightning.retrieval.evaluation import (
    RetrievalResult,
    evaluate_retrieval,
    random_code_reference,
)


def separable_outputs(rng, patterns, labels):
    """Items carry their class's sign pattern with random per-item magnitudes."""
    return patterns[labels] * rng.uniform(0.1, 1.0, size=(labels.size, patterns.shape[1]))


@pytest.mark.parametrize("binarize", [True, False])
@pytest.mark.parametrize("convention", ["standard", "authors"])
def test_perfectly_separable_codes_score_one(binarize, convention):
    rng = np.random.default_rng(0)
    database_labels = np.repeat(np.arange(4), 50)
    query_labels = np.repeat(np.arange(4), 10)
    patterns = rng.choice([-1.0, 1.0], size=(4, 32))
    result = evaluate_retrieval(
        separable_outputs(rng, patterns, query_labels),
        query_labels,
        separable_outputs(rng, patterns, database_labels),
        database_labels,
        topk=[1, 10, 50],
        binarize=binarize,
        convention=convention,
    )
    assert isinstance(result, RetrievalResult)
    assert result.binarize is binarize
    assert result.convention == convention
    overall = {f"{m}@{k}" for k in (1, 10, 50) for m in ("mHR", "mAP", "mRR", "NDCG")}
    tie_aware = {f"tie_aware/{name}" for name in overall} if binarize else set()
    assert set(result.metrics) == overall | tie_aware
    assert all(value == pytest.approx(1.0) for value in result.metrics.values())


def test_timings_are_present_and_non_negative():
    rng = np.random.default_rng(1)
    labels = rng.integers(0, 3, 100)
    result = evaluate_retrieval(
        rng.normal(size=(20, 16)), labels[:20], rng.normal(size=(100, 16)), labels, topk=[5]
    )
    assert set(result.timings) == {"index_build_s", "search_s"}
    assert all(value >= 0.0 for value in result.timings.values())


def test_cosine_path_ranks_raw_outputs_not_their_signs():
    # All outputs are positive, so every sign code is identical and the Hamming
    # ranking falls back to database order, which lists the other class first.
    # The directions of the raw outputs separate the classes perfectly.
    database_labels = np.repeat([1, 0], 20)
    query_labels = np.array([0, 1])
    direction = {0: [1.0, 0.1], 1: [0.1, 1.0]}
    database_outputs = np.array([direction[label] for label in database_labels])
    query_outputs = np.array([direction[label] for label in query_labels])
    args = (query_outputs, query_labels, database_outputs, database_labels, [10])
    assert evaluate_retrieval(*args, binarize=False).metrics["mAP@10"] == pytest.approx(1.0)
    hamming = evaluate_retrieval(*args, binarize=True).metrics
    assert hamming["mHR@10"] == pytest.approx(0.5)  # q0 gets 10 misses, q1 10 hits


def test_multi_label_evaluation():
    database_labels = np.array([[1, 0], [0, 1], [1, 1]])
    query_labels = np.array([[0, 1]])
    database_outputs = np.array([[1.0, 1.0], [-1.0, -1.0], [1.0, -1.0]])
    query_outputs = np.array([[1.0, 1.0]])
    # Hamming ranking of item codes (11, 00, 10) from query 11: items 0, 2, 1 -> rel F, T, T.
    result = evaluate_retrieval(
        query_outputs, query_labels, database_outputs, database_labels, topk=[3]
    )
    assert result.metrics["mHR@3"] == pytest.approx(2 / 3)
    assert result.metrics["mRR@3"] == pytest.approx(1 / 2)
    assert result.metrics["mAP@3"] == pytest.approx((1 / 2 + 2 / 3) / 2)


def test_random_code_reference_is_deterministic_and_near_chance():
    rng = np.random.default_rng(2)
    database_labels = rng.permutation(np.repeat(np.arange(5), 400))
    query_labels = rng.permutation(np.repeat(np.arange(5), 100))
    first = random_code_reference(query_labels, database_labels, bits=32, topk=[10], seed=3)
    again = random_code_reference(query_labels, database_labels, bits=32, topk=[10], seed=3)
    other = random_code_reference(query_labels, database_labels, bits=32, topk=[10], seed=4)
    assert first.metrics == again.metrics
    assert first.metrics != other.metrics
    assert first.binarize is True
    assert first.metrics["mHR@10"] == pytest.approx(0.2, abs=0.05)


def test_random_code_reference_passes_the_convention_through():
    labels = np.repeat(np.arange(2), 30)
    result = random_code_reference(labels, labels, bits=8, topk=[5], seed=0, convention="authors")
    assert result.convention == "authors"
    with pytest.raises(ValueError, match="bits"):
        random_code_reference(labels, labels, bits=0, topk=[5], seed=0)


def test_validation():
    outputs, labels = np.ones((6, 4)), np.arange(6)
    with pytest.raises(ValueError, match="'paper'"):
        evaluate_retrieval(outputs, labels, outputs, labels, [1], convention="paper")
    with pytest.raises(ValueError, match="database size"):
        evaluate_retrieval(outputs, labels, outputs, labels, [7])
    with pytest.raises(ValueError, match="at least one cut-off"):
        evaluate_retrieval(outputs, labels, outputs, labels, [])
    with pytest.raises(ValueError, match="query_labels"):
        evaluate_retrieval(outputs, labels[:5], outputs, labels, [1])


def _hand_ranked_case():
    """Two binary codes per class; queries of class 0 and 1, ranked by hand."""
    database_outputs = np.array([[1.0, 1.0], [1.0, -1.0], [-1.0, -1.0], [1.0, 1.0]])
    database_labels = np.array([0, 1, 1, 0])
    query_outputs = np.array([[1.0, 1.0], [-1.0, -1.0], [1.0, -1.0]])
    query_labels = np.array([0, 1, 0])
    return query_outputs, query_labels, database_outputs, database_labels


def test_per_class_map_and_ndcg_match_hand_rankings():
    # Hamming rankings (ties by database position): query 0 -> [0, 3, 1, 2],
    # query 1 -> [2, 1, 0, 3], query 2 -> [1, 0, 2, 3].
    # AP@2: query 0: (1 + 1) / 2 = 1; query 1: 1; query 2: P@2 * 1 / 1 = 1/2.
    result = evaluate_retrieval(*_hand_ranked_case(), topk=[2], class_names=("a", "b"))
    metrics = result.metrics
    assert metrics["mAP@2/a"] == pytest.approx((1.0 + 0.5) / 2)
    assert metrics["mAP@2/b"] == pytest.approx(1.0)
    assert metrics["mAP@2"] == pytest.approx((1.0 + 1.0 + 0.5) / 3)
    discount = 1.0 / np.log2(np.arange(2, 4))
    ndcg_query_2 = (0.0 * discount[0] + 1.0 * discount[1]) / discount.sum()
    assert metrics["NDCG@2"] == pytest.approx((1.0 + 1.0 + ndcg_query_2) / 3)


def test_a_class_without_queries_has_no_per_class_entry():
    query_outputs, query_labels, database_outputs, database_labels = _hand_ranked_case()
    result = evaluate_retrieval(
        query_outputs[[0, 2]],
        query_labels[[0, 2]],
        database_outputs,
        database_labels,
        topk=[2],
        class_names=("a", "b"),
    )
    assert "mAP@2/a" in result.metrics and "mAP@2/b" not in result.metrics


def test_multi_label_queries_count_in_every_class_they_carry():
    database_labels = np.array([[1, 0], [0, 1], [1, 1]])
    query_labels = np.array([[1, 1], [0, 1]])
    outputs = np.array([[1.0, 1.0], [-1.0, 1.0], [1.0, -1.0]])
    result = evaluate_retrieval(
        outputs[:2], query_labels, outputs, database_labels, topk=[3], class_names=("x", "y")
    )
    # Query 0 -> every item relevant (AP 1); query 1 ranks [1, 0, 2] -> relevant 1, 2:
    # AP@3 = (1/1 + 2/3) / 2.
    second = (1.0 + 2.0 / 3.0) / 2.0
    assert result.metrics["mAP@3/x"] == pytest.approx(1.0)
    assert result.metrics["mAP@3/y"] == pytest.approx((1.0 + second) / 2)


def test_grading_gains_fall_with_grade_distance():
    query_outputs, query_labels, database_outputs, database_labels = _hand_ranked_case()
    grades = np.array([0, 2, 2, 0])
    by_class = evaluate_retrieval(
        query_outputs, query_labels, database_outputs, grades, topk=[2]
    ).metrics
    by_grade = evaluate_retrieval(
        query_outputs, query_labels, database_outputs, grades, topk=[2], grading=True
    ).metrics
    assert by_class["mAP@2"] == by_grade["mAP@2"]
    assert by_grade["NDCG@2"] > by_class["NDCG@2"]


@pytest.mark.parametrize("binarize", [True, False])
def test_other_ranking_adds_the_other_rankings_metrics_under_its_name(binarize):
    rng = np.random.default_rng(3)
    labels = rng.integers(0, 3, 60)
    args = (rng.normal(size=(15, 8)), labels[:15], rng.normal(size=(60, 8)), labels, [5, 10])
    both = evaluate_retrieval(*args, binarize=binarize, other_ranking=True).metrics
    main = evaluate_retrieval(*args, binarize=binarize).metrics
    other = evaluate_retrieval(*args, binarize=not binarize).metrics
    name = "cosine" if binarize else "hamming"
    assert {key: both[key] for key in main} == main
    # The Hamming ranking's tie-aware values keep their own ranking name, tie_aware/.
    tied = {key for key in other if key.startswith("tie_aware/")}
    assert bool(tied) == (not binarize)
    assert {key: both[key] for key in tied} == {key: other[key] for key in tied}
    assert {key: both[f"{name}/{key}"] for key in other if key not in tied} == {
        key: other[key] for key in other if key not in tied
    }
    assert len(both) == len(main) + len(other)
