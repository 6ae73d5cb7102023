"""Normalised discounted cumulative gain at a cut-off k (NDCG@k).

NDCG follows Järvelin & Kekäläinen, "Cumulated Gain-Based Evaluation of IR
Techniques", ACM TOIS 20(4), 2002, with linear gains and the ``log2(i + 1)``
discount of rank i (ranks start at 1):

* ``DCG@k = sum_{i=1..k} gain_i / log2(i + 1)`` for the ranking under evaluation.
* ``IDCG@k`` is the DCG@k of the best possible ranking of the *whole* database
  for the query (all database gains sorted in decreasing order).
* ``NDCG@k = DCG@k / IDCG@k``, and 0 for a query with ``IDCG@k = 0``.

The gain of a database item for a query depends on the kind of labels:

* single-label (1-D class labels): 1 if the item has the query's class, else 0;
* multi-label (2-D {0, 1} label vectors): the number of labels the item shares
  with the query;
* grading (1-D integer grades, ``grading=True``): ``max(0, G - |g_q - g_i|)``
  with ``G = max_grade_distance + 1``, so an exact grade match gains G and the
  gain falls linearly with the grade distance. This deliberately differs from
  the released code of attention-guided hashing for graded data, which used each
  returned item's own grade as its gain whatever the query's grade, so a
  returned item's gain did not measure its relevance to the query.
"""

from __future__ import annotations

import numpy as np

from ash_lightning.retrieval.relevance import _check_multi_hot, check_ranked_labels

# Largest number of (query, database item) gains held in memory at once.
_CHUNK_ELEMENTS = 1 << 22


def check_gain_labels(
    query_labels: np.ndarray,
    database_labels: np.ndarray,
    grading: bool,
    max_grade_distance: int | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Validate the labels that NDCG gains are computed from.

    Args:
        query_labels: ``(nq,)`` class labels or grades, or ``(nq, C)`` {0, 1} label vectors.
        database_labels: ``(n,)`` or ``(n, C)`` labels, same kind as the queries
            (checked by the caller).
        grading: Whether 1-D labels are ordinal grades.
        max_grade_distance: Grade distance D of the gain ``G = D + 1`` (grading only).

    Returns:
        The labels, multi-label vectors converted to boolean.

    Raises:
        ValueError: On empty label arrays, multi-label arrays that are not {0, 1},
            grades that are not 1-D integers, or a misplaced or negative
            ``max_grade_distance``.
    """
    if query_labels.shape[0] == 0 or database_labels.shape[0] == 0:
        raise ValueError("query_labels and database_labels must contain at least one item each")
    if query_labels.ndim == 2:
        query_labels = _check_multi_hot(query_labels, "query_labels")
        database_labels = _check_multi_hot(database_labels, "database_labels")
    if grading:
        if query_labels.ndim != 1 or not (
            np.issubdtype(query_labels.dtype, np.integer)
            and np.issubdtype(database_labels.dtype, np.integer)
        ):
            raise ValueError("grading=True needs 1-D integer grades for queries and database")
        if max_grade_distance is not None and max_grade_distance < 0:
            raise ValueError(f"max_grade_distance must be >= 0, got {max_grade_distance}")
    elif max_grade_distance is not None:
        raise ValueError("max_grade_distance only applies with grading=True")
    return query_labels, database_labels


def top_gain(
    query_labels: np.ndarray,
    database_labels: np.ndarray,
    grading: bool,
    max_grade_distance: int | None,
) -> int:
    """The gain G of an exact grade match, ``max_grade_distance + 1`` (0 without grading).

    ``max_grade_distance=None`` takes the maximum minus the minimum grade over the
    query and database labels.
    """
    if not grading:
        return 0
    if max_grade_distance is None:
        grades = np.concatenate([query_labels, database_labels])
        max_grade_distance = int(grades.max()) - int(grades.min())
    return max_grade_distance + 1


def _check_inputs(
    query_labels: np.ndarray,
    database_labels: np.ndarray,
    indices: np.ndarray,
    k: int,
    grading: bool,
    max_grade_distance: int | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    query_labels, database_labels, indices = check_ranked_labels(
        query_labels, database_labels, indices
    )
    query_labels, database_labels = check_gain_labels(
        query_labels, database_labels, grading, max_grade_distance
    )
    if not 1 <= k <= min(indices.shape[1], database_labels.shape[0]):
        raise ValueError(
            f"k must satisfy 1 <= k <= {min(indices.shape[1], database_labels.shape[0])} "
            f"(ranked items and database size), got {k}"
        )
    return query_labels, database_labels, indices


def gain_matrix(
    query_labels: np.ndarray, database_labels: np.ndarray, grading: bool, best_gain: int
) -> np.ndarray:
    """Gains of every database item for every query, shape ``(nq, n)``, float64.

    Args:
        query_labels: Checked query labels (see :func:`check_gain_labels`).
        database_labels: Checked database labels, same kind.
        grading: Whether 1-D labels are ordinal grades.
        best_gain: The gain G of an exact grade match (:func:`top_gain`; grading only).

    Returns:
        The gains described in :mod:`ash_lightning.retrieval.ndcg`.
    """
    if grading:
        distance = np.abs(
            query_labels[:, None].astype(np.int64) - database_labels[None, :].astype(np.int64)
        )
        return np.maximum(best_gain - distance, 0).astype(np.float64)
    if query_labels.ndim == 1:
        return (query_labels[:, None] == database_labels[None, :]).astype(np.float64)
    return query_labels.astype(np.float64) @ database_labels.T.astype(np.float64)


def ndcg_at_k(
    query_labels: np.ndarray,
    database_labels: np.ndarray,
    indices: np.ndarray,
    k: int,
    grading: bool = False,
    max_grade_distance: int | None = None,
) -> float:
    """Mean NDCG@k over queries.

    ``DCG@k = sum_{i=1..k} gain_i / log2(i + 1)`` over the given ranking, used
    as-is (ties in gain are not re-sorted); ``IDCG@k`` is the DCG@k of the
    database sorted by decreasing gain for the query; a query's NDCG@k is
    ``DCG@k / IDCG@k``, or 0 when ``IDCG@k = 0``. Gains are described in
    :mod:`ash_lightning.retrieval.ndcg`: binary for single-label data, the
    number of shared labels for multi-label data, and
    ``max(0, G - |g_q - g_i|)`` with ``G = max_grade_distance + 1`` for grades.

    Args:
        query_labels: ``(nq,)`` class labels or integer grades, or ``(nq, C)``
            {0, 1} label vectors.
        database_labels: ``(n,)`` or ``(n, C)`` labels, same kind as the queries.
        indices: ``(nq, k_max)`` ranked database positions, ``k_max >= k``.
        k: Cut-off, ``1 <= k <= min(k_max, n)``.
        grading: Treat 1-D integer labels as ordinal grades instead of classes.
        max_grade_distance: Grade distance D with ``G = D + 1`` (grading only);
            ``None`` takes the maximum minus the minimum grade over the query and
            database labels.

    Returns:
        Mean NDCG@k in [0, 1].

    Raises:
        ValueError: If the label kinds or shapes disagree, multi-label arrays are
            not {0, 1}, grades are not 1-D integers, ``max_grade_distance`` is
            negative or given without ``grading``, ``indices`` has the wrong
            shape or out-of-range values, or k is out of range.
    """
    query_labels, database_labels, indices = _check_inputs(
        query_labels, database_labels, indices, k, grading, max_grade_distance
    )
    best_gain = top_gain(query_labels, database_labels, grading, max_grade_distance)
    n_database = database_labels.shape[0]
    discount = 1.0 / np.log2(np.arange(2, k + 2))
    chunk = max(1, _CHUNK_ELEMENTS // n_database)
    ndcg = np.empty(query_labels.shape[0])
    for start in range(0, query_labels.shape[0], chunk):
        stop = start + chunk
        gains = gain_matrix(query_labels[start:stop], database_labels, grading, best_gain)
        dcg = np.take_along_axis(gains, indices[start:stop, :k], axis=1) @ discount
        best = -np.partition(-gains, k - 1, axis=1)[:, :k]
        idcg = -np.sort(-best, axis=1) @ discount
        ndcg[start:stop] = np.divide(dcg, idcg, out=np.zeros_like(dcg), where=idcg > 0)
    return float(ndcg.mean())
