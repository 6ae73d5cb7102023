"""Ranking metrics at a cut-off k: mHR@k, mAP@k and mRR@k.

ASH (Fang et al., BIBM 2020) reports the mean hit ratio, mean average precision
and mean reciprocal rank of the top-k retrieved images. Every function takes a
ranked boolean relevance matrix ``rel`` of shape ``(nq, k_max)`` (row = query,
column = rank, ``True`` = relevant) and a cut-off ``1 <= k <= k_max``.

Two conventions are provided:

* ``"standard"``: the textbook definitions (they agree with
  ``torchmetrics.functional.retrieval`` with ``top_k=k``).
* ``"authors"``: what the ASH authors' released notebooks compute: AP@k divides
  the sum of precisions by k instead of by the number of hits, and mRR averages
  only over queries with a hit in the top k.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ash_lightning.retrieval._checks import require_2d
from ash_lightning.retrieval.metric_keys import metric_key

CONVENTIONS = ("standard", "authors")


def check_convention(convention: str) -> None:
    """Raise if ``convention`` is not one of :data:`CONVENTIONS`.

    Args:
        convention: ``"standard"`` or ``"authors"``.

    Raises:
        ValueError: Naming the bad value and the accepted ones.
    """
    if convention not in CONVENTIONS:
        raise ValueError(f"convention must be one of {CONVENTIONS}, got {convention!r}")


def _top_k(rel: np.ndarray, k: int) -> np.ndarray:
    rel = require_2d(rel, "rel")
    if rel.dtype != np.bool_:
        raise ValueError(f"rel must be a boolean relevance matrix, got dtype {rel.dtype}")
    if rel.shape[0] == 0:
        raise ValueError("rel must contain at least one query")
    if not 1 <= k <= rel.shape[1]:
        raise ValueError(f"k must satisfy 1 <= k <= {rel.shape[1]} (ranked items), got {k}")
    return rel[:, :k]


def mean_hit_ratio(rel: np.ndarray, k: int) -> float:
    """Mean hit ratio mHR@k: mean over queries of (#relevant in the top k) / k.

    Args:
        rel: Ranked boolean relevance matrix of shape ``(nq, k_max)``.
        k: Cut-off, ``1 <= k <= k_max``.

    Returns:
        mHR@k in [0, 1].
    """
    hits = _top_k(rel, k)
    return float(hits.sum(axis=1).mean() / k)


def mean_average_precision(rel: np.ndarray, k: int, convention: str = "standard") -> float:
    """Mean average precision mAP@k.

    With ``P@i`` the precision of the top i and ``rel_i`` the relevance at rank i:

    * standard: ``AP@k = sum_{i<=k} P@i * rel_i / (#relevant in the top k)``, and
      0 for a query with no relevant item in the top k.
    * authors: ``AP@k = sum_{i<=k} P@i * rel_i / k``.

    mAP@k is the mean of AP@k over all queries.

    Args:
        rel: Ranked boolean relevance matrix of shape ``(nq, k_max)``.
        k: Cut-off, ``1 <= k <= k_max``.
        convention: ``"standard"`` or ``"authors"``.

    Returns:
        mAP@k in [0, 1].
    """
    check_convention(convention)
    hits = _top_k(rel, k)
    precision_at = np.cumsum(hits, axis=1) / np.arange(1, k + 1)
    summed = (precision_at * hits).sum(axis=1)
    if convention == "authors":
        return float((summed / k).mean())
    n_hits = hits.sum(axis=1)
    average_precision = np.divide(summed, n_hits, out=np.zeros_like(summed), where=n_hits > 0)
    return float(average_precision.mean())


def mean_reciprocal_rank(rel: np.ndarray, k: int, convention: str = "standard") -> float:
    """Mean reciprocal rank mRR@k.

    The reciprocal rank of a query is ``1 / rank`` of its first relevant item in
    the top k (ranks start at 1), or 0 if there is none.

    * standard: mean over all queries.
    * authors: mean over the queries with a relevant item in the top k only
      (0.0 if no query has one).

    Args:
        rel: Ranked boolean relevance matrix of shape ``(nq, k_max)``.
        k: Cut-off, ``1 <= k <= k_max``.
        convention: ``"standard"`` or ``"authors"``.

    Returns:
        mRR@k in [0, 1].
    """
    check_convention(convention)
    hits = _top_k(rel, k)
    has_hit = hits.any(axis=1)
    reciprocal_rank = np.where(has_hit, 1.0 / (hits.argmax(axis=1) + 1), 0.0)
    if convention == "authors":
        return float(reciprocal_rank[has_hit].mean()) if has_hit.any() else 0.0
    return float(reciprocal_rank.mean())


def retrieval_metrics(
    rel: np.ndarray, topk: Sequence[int], convention: str = "standard"
) -> dict[str, float]:
    """Compute mHR@k, mAP@k and mRR@k for every cut-off in ``topk``.

    Args:
        rel: Ranked boolean relevance matrix of shape ``(nq, k_max)``.
        topk: Cut-offs, each ``1 <= k <= k_max``.
        convention: ``"standard"`` or ``"authors"``.

    Returns:
        ``{"mHR@k": ..., "mAP@k": ..., "mRR@k": ...}`` for every k in ``topk``.

    Raises:
        ValueError: For an unknown convention, an empty ``topk`` or a cut-off
            outside ``[1, k_max]``.
    """
    check_convention(convention)
    if len(topk) == 0:
        raise ValueError("topk must contain at least one cut-off")
    for k in topk:
        _top_k(rel, k)
    metrics: dict[str, float] = {}
    for k in topk:
        metrics[metric_key("mHR", k)] = mean_hit_ratio(rel, k)
        metrics[metric_key("mAP", k)] = mean_average_precision(rel, k, convention)
        metrics[metric_key("mRR", k)] = mean_reciprocal_rank(rel, k, convention)
    return metrics
