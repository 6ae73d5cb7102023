import numpy as np
import pytest
import torch
from torchmetrics.functional.retrieval import (
    retrieval_average_precision,
    retrieval_precision,
    retrieval_reciprocal_rank,
)

from ash_lightning.retrieval.metrics import (
    mean_average_precision,
    mean_hit_ratio,
    mean_reciprocal_rank,
    retrieval_metrics,
)

# Rows are queries, columns ranks 1..4; q1 has no relevant item at all.
REL = np.array(
    [
        [1, 0, 1, 0],  # q0
        [0, 0, 0, 0],  # q1
        [0, 1, 1, 1],  # q2
    ],
    dtype=bool,
)


@pytest.mark.parametrize(
    ("k", "expected"),
    [
        (1, 1 / 3),  # (1 + 0 + 0) / 1 / 3
        (3, 4 / 9),  # (2/3 + 0 + 2/3) / 3
        (4, 5 / 12),  # (2/4 + 0 + 3/4) / 3
    ],
)
def test_mean_hit_ratio_by_hand(k, expected):
    assert mean_hit_ratio(REL, k) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("k", "convention", "expected"),
    [
        # k=1: q0 P@1 = 1 -> AP 1 (1 hit, and k = 1); q1, q2 -> 0.  mAP = 1/3 either way.
        (1, "standard", 1 / 3),
        (1, "authors", 1 / 3),
        # k=3: q0 sum = P@1 + P@3 = 1 + 2/3 = 5/3; q2 sum = P@2 + P@3 = 1/2 + 2/3 = 7/6.
        # standard: (5/3)/2 = 5/6, 0, (7/6)/2 = 7/12 -> (5/6 + 7/12) / 3 = 17/36.
        (3, "standard", 17 / 36),
        # authors: (5/3)/3 = 5/9, 0, (7/6)/3 = 7/18 -> (10/18 + 7/18) / 3 = 17/54.
        (3, "authors", 17 / 54),
        # k=4: q2 sum = 1/2 + 2/3 + 3/4 = 23/12.
        # standard: 5/6, 0, (23/12)/3 = 23/36 -> (30/36 + 23/36) / 3 = 53/108.
        (4, "standard", 53 / 108),
        # authors: (5/3)/4 = 5/12, 0, (23/12)/4 = 23/48 -> (20/48 + 23/48) / 3 = 43/144.
        (4, "authors", 43 / 144),
    ],
)
def test_mean_average_precision_by_hand(k, convention, expected):
    assert mean_average_precision(REL, k, convention) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("k", "convention", "expected"),
    [
        # k=1: RR = 1, 0, 0.  standard: 1/3; authors: only q0 has a hit -> 1/1.
        (1, "standard", 1 / 3),
        (1, "authors", 1.0),
        # k=3: RR = 1, 0, 1/2.  standard: 1.5/3; authors: q0 and q2 have hits -> 1.5/2.
        (3, "standard", 0.5),
        (3, "authors", 0.75),
    ],
)
def test_mean_reciprocal_rank_by_hand(k, convention, expected):
    assert mean_reciprocal_rank(REL, k, convention) == pytest.approx(expected)


def test_no_query_with_a_hit_gives_zero_in_every_convention():
    rel = np.zeros((3, 5), dtype=bool)
    for convention in ("standard", "authors"):
        metrics = retrieval_metrics(rel, [1, 5], convention)
        assert all(value == 0.0 for value in metrics.values())


def test_retrieval_metrics_keys_and_values():
    metrics = retrieval_metrics(REL, [1, 3], "authors")
    assert list(metrics) == ["mHR@1", "mAP@1", "mRR@1", "mHR@3", "mAP@3", "mRR@3"]
    assert metrics["mAP@3"] == pytest.approx(17 / 54)
    assert metrics["mRR@3"] == pytest.approx(0.75)
    assert metrics["mHR@3"] == pytest.approx(4 / 9)


def test_validation():
    with pytest.raises(ValueError, match="'wrong'"):
        retrieval_metrics(REL, [1], "wrong")
    with pytest.raises(ValueError, match="'paper'"):
        mean_average_precision(REL, 1, "paper")
    with pytest.raises(ValueError, match="1 <= k <= 4"):
        retrieval_metrics(REL, [1, 5])
    with pytest.raises(ValueError, match="1 <= k <= 4"):
        mean_hit_ratio(REL, 0)
    with pytest.raises(ValueError, match="at least one cut-off"):
        retrieval_metrics(REL, [])
    with pytest.raises(ValueError, match="boolean"):
        mean_hit_ratio(REL.astype(int), 1)


def torchmetrics_means(rel, k):
    # Strictly decreasing positive scores encode the ranking (torchmetrics zeroes
    # the relevance of items with a score <= 0).
    preds = torch.linspace(1.0, 0.01, rel.shape[1], dtype=torch.float64)
    per_query = {"mHR": [], "mAP": [], "mRR": []}
    for row in rel:
        target = torch.from_numpy(row)
        per_query["mHR"].append(retrieval_precision(preds, target, top_k=k).item())
        per_query["mAP"].append(retrieval_average_precision(preds, target, top_k=k).item())
        per_query["mRR"].append(retrieval_reciprocal_rank(preds, target, top_k=k).item())
    return {f"{name}@{k}": float(np.mean(values)) for name, values in per_query.items()}


def test_standard_convention_agrees_with_torchmetrics():
    rng = np.random.default_rng(0)
    rel = rng.random((60, 30)) < 0.2
    rel[0] = False
    rel[1] = True
    topk = [1, 5, 10, 30]
    ours = retrieval_metrics(rel, topk, "standard")
    for k in topk:
        for name, value in torchmetrics_means(rel, k).items():
            assert ours[name] == pytest.approx(value, abs=1e-6), name
