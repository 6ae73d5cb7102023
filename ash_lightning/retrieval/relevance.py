"""Relevance of ranked database items to their queries.

The retrieval metrics need a relevance judgement for every retrieved image.
Single-label datasets give one class per image (same class means relevant);
multi-label datasets give a {0, 1} label vector per image (at least one shared
label means relevant), the usual convention in deep hashing.
"""

from __future__ import annotations

import numpy as np

from ash_lightning.retrieval._checks import require_2d


def _check_multi_hot(labels: np.ndarray, name: str) -> np.ndarray:
    if not np.isin(labels, (0, 1)).all():
        raise ValueError(f"{name} are 2-D (multi-label) and must contain only 0 and 1")
    return labels.astype(bool)


def check_ranked_labels(
    query_labels: np.ndarray, database_labels: np.ndarray, indices: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Validate labels and a ranking of database positions against each other.

    Shared by the relevance matrix and NDCG: both label arrays 1-D or both 2-D with the
    same number of classes, one ranking row per query, integer positions inside the
    database.

    Args:
        query_labels: ``(nq,)`` or ``(nq, C)`` labels.
        database_labels: ``(n,)`` or ``(n, C)`` labels.
        indices: ``(nq, k)`` ranked database positions.

    Returns:
        The three inputs as arrays.

    Raises:
        ValueError: On any mismatch.
    """
    query_labels = np.asarray(query_labels)
    database_labels = np.asarray(database_labels)
    indices = require_2d(indices, "indices")
    if query_labels.ndim not in (1, 2) or query_labels.ndim != database_labels.ndim:
        raise ValueError(
            "query_labels and database_labels must both be 1-D (single-label or grades) or "
            f"both 2-D (multi-label), got shapes {query_labels.shape} and {database_labels.shape}"
        )
    if query_labels.ndim == 2 and query_labels.shape[1] != database_labels.shape[1]:
        raise ValueError(
            f"query_labels have {query_labels.shape[1]} classes, "
            f"database_labels have {database_labels.shape[1]}"
        )
    if indices.shape[0] != query_labels.shape[0]:
        raise ValueError(
            f"indices have {indices.shape[0]} rows for {query_labels.shape[0]} queries"
        )
    if not np.issubdtype(indices.dtype, np.integer):
        raise ValueError(f"indices must be integers, got dtype {indices.dtype}")
    if indices.size and (indices.min() < 0 or indices.max() >= database_labels.shape[0]):
        raise ValueError(
            f"indices must lie in [0, {database_labels.shape[0]}), "
            f"got range [{indices.min()}, {indices.max()}]"
        )
    return query_labels, database_labels, indices


def relevance_matrix(
    query_labels: np.ndarray, database_labels: np.ndarray, indices: np.ndarray
) -> np.ndarray:
    """Relevance of each ranked database item to its query.

    Args:
        query_labels: ``(nq,)`` integer class labels (single-label) or ``(nq, C)``
            {0, 1} label vectors (multi-label).
        database_labels: ``(n,)`` or ``(n, C)`` labels, same kind as the queries.
        indices: ``(nq, k)`` ranked database indices, e.g. from a ranking index.

    Returns:
        Boolean array of shape ``(nq, k)``: ``True`` where the ranked item has
        the query's label (single-label) or shares at least one label with the
        query (multi-label).

    Raises:
        ValueError: If the label kinds or shapes disagree, multi-label arrays are
            not {0, 1}, or ``indices`` has the wrong shape or out-of-range values.
    """
    query_labels, database_labels, indices = check_ranked_labels(
        query_labels, database_labels, indices
    )
    if query_labels.ndim == 1:
        return database_labels[indices] == query_labels[:, None]
    queries = _check_multi_hot(query_labels, "query_labels")
    database = _check_multi_hot(database_labels, "database_labels")
    return (database[indices] & queries[:, None, :]).any(axis=2)
