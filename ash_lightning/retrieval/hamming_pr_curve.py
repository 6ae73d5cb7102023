"""Precision and recall of the database items within each Hamming radius of the queries."""

from dataclasses import dataclass

import numpy as np

from ash_lightning.retrieval.codes import binarize

QUERY_CHUNK = 256


@dataclass(frozen=True)
class HammingPRCurve:
    """Micro-averaged precision and recall of "return every item within radius r", r = 0 ... K.

    Attributes:
        radius: ``0 ... K``.
        precision: Relevant items returned / items returned, summed over the queries (1 where
            nothing is returned, the convention of an empty answer).
        recall: Relevant items returned / relevant items, summed over the queries.
        returned: Mean number of items returned per query.
    """

    radius: np.ndarray
    precision: np.ndarray
    recall: np.ndarray
    returned: np.ndarray


def _relevant(query_labels: np.ndarray, database_labels: np.ndarray) -> np.ndarray:
    """``(nq, n)`` relevance: the same class, or at least one shared label (multi-label)."""
    if query_labels.ndim == 2:
        return (query_labels.astype(bool).astype(np.int32) @ database_labels.T.astype(np.int32)) > 0
    return query_labels[:, None] == database_labels[None, :]


def hamming_pr_curve(
    query_outputs: np.ndarray,
    query_labels: np.ndarray,
    database_outputs: np.ndarray,
    database_labels: np.ndarray,
) -> HammingPRCurve:
    """The precision-recall curve over Hamming radius of sign codes.

    Args:
        query_outputs: ``(nq, K)`` network outputs (their signs are the codes).
        query_labels: ``(nq,)`` classes or ``(nq, C)`` multi-hot labels.
        database_outputs: ``(n, K)`` network outputs.
        database_labels: ``(n,)`` or ``(n, C)`` labels.

    Returns:
        The curve at every radius ``0 ... K``.
    """
    queries = np.where(binarize(np.asarray(query_outputs)), 1, -1).astype(np.int32)
    database = np.where(binarize(np.asarray(database_outputs)), 1, -1).astype(np.int32)
    bits = queries.shape[1]
    returned = np.zeros(bits + 1, dtype=np.int64)
    relevant_returned = np.zeros(bits + 1, dtype=np.int64)
    relevant_total = 0
    for start in range(0, len(queries), QUERY_CHUNK):
        chunk = queries[start : start + QUERY_CHUNK]
        # +-1 codes: the Hamming distance is (K - <q, b>) / 2.
        distance = (bits - chunk @ database.T) // 2
        relevant = _relevant(query_labels[start : start + QUERY_CHUNK], database_labels)
        relevant_total += int(relevant.sum())
        returned += np.bincount(distance.ravel(), minlength=bits + 1)
        relevant_returned += np.bincount(distance[relevant], minlength=bits + 1)
    cumulative = np.cumsum(returned)
    cumulative_relevant = np.cumsum(relevant_returned)
    precision = np.divide(
        cumulative_relevant, cumulative, out=np.ones(bits + 1), where=cumulative > 0
    )
    recall = cumulative_relevant / max(relevant_total, 1)
    return HammingPRCurve(
        radius=np.arange(bits + 1),
        precision=precision,
        recall=recall,
        returned=cumulative / len(queries),
    )
