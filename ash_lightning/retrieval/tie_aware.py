"""Tie-aware retrieval metrics: their expectation under uniformly random tie-breaking.

Short hash codes (K = 12..48 bits) give a Hamming ranking with massive ties, and the
deterministic evaluation (:mod:`~ash_lightning.retrieval.hamming_ranking`) breaks them
by database position, so the order of the database file can decide mAP. This module
reports, beside the deterministic values, the exact expectation of every metric over
all orderings of the tied items, each ordering equally likely (McSherry & Najork,
"Computing Information Retrieval Performance Measures Efficiently in the Presence of
Tied Scores", ECIR 2008). The metrics are those of :mod:`.metrics` and :mod:`.ndcg`,
with the same conventions, relevance rule and gains.

For a query, the database falls into groups by Hamming distance d = 0..K, of size
``n_d`` with ``r_d`` relevant items. The ranking lists the groups in increasing
distance, each in uniformly random order. The top k holds every group whose items all
fit (``R`` relevant items in all) and ``m >= 1`` items of a boundary group ``(n, r)``
that starts after rank ``c = k - m``; those m items are a uniformly random subset of
the group, and the number ``h`` of relevant ones among them is hypergeometric,
``P(h) = C(r, h) C(n - r, m - h) / C(n, m)``. Writing ``rho = r_s / n_s`` and
``rho2 = r_s (r_s - 1) / (n_s (n_s - 1))`` for the group s holding rank i:

* HR@k: ``E[H_k] / k`` with ``E[H_k] = R + m r / n``.
* RR@k: the first relevant item lies in the first group with ``r_s > 0``, at rank
  ``c_s + j`` with ``P(j) = C(n_s - j, r_s - 1) / C(n_s, r_s)``; ``E[RR@k]`` sums
  ``P(j) / (c_s + j)`` over the ranks ``c_s + j <= k``.
* AP@k: with ``S = sum_{i<=k} rel_i P@i = sum_i (1/i) rel_i (1 + sum_{j<i} rel_j)``,
  given h the top k is a chain of independent uniformly random segments, so
  ``E[rel_i] = rho`` and ``E[rel_i rel_j] = rho2`` inside a segment and the counts of the
  segments before it are fixed: ``E[S | h] = F + h a + h (h - 1) b`` where F sums
  ``(1/i) (rho (1 + R_<s) + rho2 (i - c_s - 1))`` over the ranks of the whole groups,
  ``a = (1 + R) / m * sum (1/i)`` and ``b = sum ((i - c - 1) / i) / (m (m - 1))`` over
  the boundary ranks ``c < i <= k``.

  - standard: ``E[AP@k] = sum_h P(h) E[S | h] / (R + h)`` (a term is 0 when
    ``R + h = 0``), the expectation of ``S / H_k`` conditioned on the hit count.
  - authors: ``E[AP@k] = E[S] / k``, linear in h.
* NDCG@k: ``E[DCG@k]`` gives rank i its group's mean gain; IDCG@k does not depend on the
  order.

mHR, mAP, NDCG and the standard mRR average these over the queries. The authors' mRR
``sum_q RR_q / N`` (N the queries with a hit in the top k, 0 when none) is a ratio over
queries whose orderings are independent, so its expectation is computed exactly as
``sum_q E[RR_q] E[1 / (1 + N_-q)]`` (:func:`authors_mean_reciprocal_rank`). Every value
is the average of the deterministic metric over all orderings of the ties, which the
tests check by enumerating them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ash_lightning.retrieval._checks import require_2d
from ash_lightning.retrieval.metric_keys import metric_key
from ash_lightning.retrieval.metrics import check_convention
from ash_lightning.retrieval.ndcg import check_gain_labels, gain_matrix, top_gain
from ash_lightning.retrieval.per_class import class_members

# Largest number of (query, database item) pairs held in memory at once.
_CHUNK_ELEMENTS = 1 << 22


@dataclass(frozen=True)
class ExpectedQueryMetrics:
    """Expected metrics of each query at one cut-off k under random tie-breaking.

    Attributes:
        hit_ratio: ``(nq,)`` expected HR@k, ``E[H_k] / k``.
        average_precision: ``(nq,)`` expected AP@k under the convention used.
        reciprocal_rank: ``(nq,)`` expected RR@k (0 for an ordering without a hit).
        hit_probability: ``(nq,)`` probability of a relevant item in the top k.
        ndcg: ``(nq,)`` expected NDCG@k.
    """

    hit_ratio: np.ndarray
    average_precision: np.ndarray
    reciprocal_rank: np.ndarray
    hit_probability: np.ndarray
    ndcg: np.ndarray


def hamming_distances(query_bits: np.ndarray, database_bits: np.ndarray) -> np.ndarray:
    """Hamming distances between boolean codes, ``(nq, n)``.

    Args:
        query_bits: ``(nq, K)`` boolean query codes.
        database_bits: ``(n, K)`` boolean database codes.

    Returns:
        The number of differing bits of every pair (``numpy.intp``), from ±1 codes.
    """
    n_bits = query_bits.shape[1]
    queries = np.where(query_bits, np.float32(1.0), np.float32(-1.0))
    database = np.where(database_bits, np.float32(1.0), np.float32(-1.0))
    # Inner products of ±1 codes are integers of K's parity, exact in float32 for K < 2**24.
    return ((n_bits - queries @ database.T) * np.float32(0.5)).astype(np.intp)


def _log_factorials(n: int) -> np.ndarray:
    return np.array([math.lgamma(i + 1.0) for i in range(n + 1)])


def _log_comb(log_factorial: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``log C(a, b)``, ``-inf`` where ``b < 0`` or ``b > a``."""
    a, b = np.broadcast_arrays(np.asarray(a), np.asarray(b))
    valid = (b >= 0) & (b <= a)
    a_safe = np.where(valid, a, 0)
    b_safe = np.where(valid, b, 0)
    value = log_factorial[a_safe] - log_factorial[b_safe] - log_factorial[a_safe - b_safe]
    return np.where(valid, value, -np.inf)


def _distinct_items(
    database_bits: np.ndarray, database_labels: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The database's distinct (code, label) items: a representative of each and its count.

    Items with the same code and label are tied for every query and interchangeable in
    every metric, so the evaluation works on the distinct ones, weighted by their count:
    trained codes take few distinct values, and collapsed codes one.
    """
    _, code_id = np.unique(np.packbits(database_bits, axis=1), axis=0, return_inverse=True)
    label_axis = 0 if database_labels.ndim == 2 else None
    _, label_id = np.unique(database_labels, axis=label_axis, return_inverse=True)
    n_labels = int(label_id.max()) + 1
    pair = code_id.reshape(-1).astype(np.int64) * n_labels + label_id.reshape(-1)
    _, representative, multiplicity = np.unique(pair, return_index=True, return_counts=True)
    return representative, multiplicity.astype(np.int64)


def _group_sums(distances: np.ndarray, weights: np.ndarray | None, n_groups: int) -> np.ndarray:
    """Per row, the summed ``weights`` (or the number) of the items at each distance."""
    rows = distances.shape[0]
    flat = (distances + (n_groups * np.arange(rows, dtype=np.intp))[:, None]).ravel()
    summed = np.bincount(
        flat, weights=None if weights is None else weights.ravel(), minlength=rows * n_groups
    )
    return summed.reshape(rows, n_groups)


def _group_counts(
    distances: np.ndarray,
    is_relevant: np.ndarray,
    multiplicity: np.ndarray | None,
    n_groups: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the number of items and of relevant items at each distance, int64.

    One count over cells ``(relevant, row, distance)``; ``multiplicity`` weights the
    items by their number of copies.
    """
    rows = distances.shape[0]
    cells = rows * n_groups
    flat = distances + (n_groups * np.arange(rows, dtype=np.intp))[:, None]
    flat += cells * is_relevant
    weights = None
    if multiplicity is not None:
        weights = np.broadcast_to(multiplicity.astype(np.float64), distances.shape).ravel()
    counts = np.rint(np.bincount(flat.ravel(), weights, minlength=2 * cells)).astype(np.int64)
    relevant = counts[cells:].reshape(rows, n_groups)
    return counts[:cells].reshape(rows, n_groups) + relevant, relevant


def _ideal_gains(gains: np.ndarray, multiplicity: np.ndarray, depth: int) -> np.ndarray:
    """``(nq, depth)`` the best ranking's gains, from distinct items' gains and counts."""
    rows, items = gains.shape
    kept = min(items, depth)
    if kept < items:
        top = np.argpartition(-gains, kept - 1, axis=1)[:, :kept]
    else:
        top = np.broadcast_to(np.arange(items), gains.shape)
    top_gains = np.take_along_axis(gains, top, axis=1)
    order = np.argsort(-top_gains, axis=1, kind="stable")
    sorted_gains = np.take_along_axis(top_gains, order, axis=1)
    ends = np.cumsum(multiplicity[np.take_along_axis(top, order, axis=1)], axis=1)
    # Rank j holds the first item whose run of copies ends after j; rows are offset so
    # that one search over the flattened runs serves every row.
    stride = int(ends[:, -1].max()) + 1
    offset = stride * np.arange(rows, dtype=np.int64)[:, None]
    found = np.searchsorted((ends + offset).ravel(), (np.arange(depth) + offset).ravel(), "right")
    index = found.reshape(rows, depth) - kept * np.arange(rows)[:, None]
    return np.take_along_axis(sorted_gains, index, axis=1)


def _expected_at_k(
    size: np.ndarray,
    relevant: np.ndarray,
    gain: np.ndarray,
    idcg: np.ndarray,
    k: int,
    convention: str,
    log_factorial: np.ndarray,
) -> ExpectedQueryMetrics:
    """Expected metrics at cut-off k from the per-distance groups of a chunk of queries.

    Args:
        size: ``(nq, G)`` items at each distance.
        relevant: ``(nq, G)`` relevant items at each distance.
        gain: ``(nq, G)`` summed NDCG gains at each distance.
        idcg: ``(nq,)`` IDCG@k.
        k: Cut-off, at most the database size.
        convention: ``"standard"`` or ``"authors"``.
        log_factorial: ``log(i!)`` for ``i = 0..n``.
    """
    cum_size = np.cumsum(size, axis=1)
    start = cum_size - size
    relevant_before = np.cumsum(relevant, axis=1) - relevant
    rank = np.arange(1, k + 1)
    # Group of every rank i <= k: the number of groups that end before i.
    group = np.zeros((size.shape[0], k), dtype=np.int64)
    for column in range(size.shape[1]):
        group += cum_size[:, column, None] < rank
    n_int = np.take_along_axis(size, group, axis=1)
    r_int = np.take_along_axis(relevant, group, axis=1)
    n_i, r_i = n_int.astype(np.float64), r_int.astype(np.float64)
    start_i = np.take_along_axis(start, group, axis=1)
    before_i = np.take_along_axis(relevant_before, group, axis=1)
    inverse_rank = 1.0 / rank

    # The boundary group (the group of rank k) and the whole groups before it.
    n_b, r_b = n_i[:, -1], r_i[:, -1]
    n_b_int, r_b_int = n_int[:, -1], r_int[:, -1]
    c_b = start_i[:, -1]
    m = k - c_b
    whole_relevant = before_i[:, -1]
    whole = rank <= c_b[:, None]

    rho = r_i / n_i
    rho2 = r_i * (r_i - 1) / np.maximum(n_i * (n_i - 1), 1.0)
    whole_sum = np.where(
        whole, inverse_rank * (rho * (1 + before_i) + rho2 * (rank - start_i - 1)), 0.0
    ).sum(axis=1)
    boundary = ~whole
    linear = (1 + whole_relevant) / m * np.where(boundary, inverse_rank, 0.0).sum(axis=1)
    pair_sum = np.where(boundary, (rank - c_b[:, None] - 1) * inverse_rank, 0.0).sum(axis=1)
    quadratic = pair_sum / np.maximum(m * (m - 1), 1)

    if convention == "authors":
        mean_h = m * r_b / n_b
        mean_pairs = m * (m - 1) * r_b * (r_b - 1) / np.maximum(n_b * (n_b - 1), 1.0)
        average_precision = (whole_sum + mean_h * linear + mean_pairs * quadratic) / k
    else:
        h = np.arange(k + 1)
        log_weight = (
            _log_comb(log_factorial, r_b_int[:, None], h)
            + _log_comb(log_factorial, (n_b_int - r_b_int)[:, None], m[:, None] - h)
            - _log_comb(log_factorial, n_b_int[:, None], m[:, None])
        )
        weight = np.exp(log_weight)
        summed = whole_sum[:, None] + h * linear[:, None] + h * (h - 1) * quadratic[:, None]
        hits = whole_relevant[:, None] + h
        ratio = np.divide(summed, hits, out=np.zeros_like(summed), where=hits > 0)
        average_precision = (weight * ratio).sum(axis=1)

    # RR: the first relevant item is in the first group with a relevant item.
    first = (before_i == 0) & (r_i > 0)
    offset = rank - start_i
    log_first_at = _log_comb(log_factorial, n_int - offset, r_int - 1) - _log_comb(
        log_factorial, n_int, r_int
    )
    reciprocal_rank = np.where(first, np.exp(log_first_at) * inverse_rank, 0.0).sum(axis=1)
    miss_all = np.exp(
        _log_comb(log_factorial, n_b_int - r_b_int, m) - _log_comb(log_factorial, n_b_int, m)
    )
    hit_probability = np.where(whole_relevant > 0, 1.0, 1.0 - miss_all)

    g_i = np.take_along_axis(gain, group, axis=1)
    dcg = (g_i / n_i) @ (1.0 / np.log2(rank + 1.0))
    return ExpectedQueryMetrics(
        hit_ratio=(whole_relevant + m * r_b / n_b) / k,
        average_precision=average_precision,
        reciprocal_rank=reciprocal_rank,
        hit_probability=hit_probability,
        ndcg=np.divide(dcg, idcg, out=np.zeros_like(dcg), where=idcg > 0),
    )


def _check_bits(bits: np.ndarray, name: str) -> np.ndarray:
    bits = require_2d(bits, name)
    if bits.dtype != np.bool_:
        raise ValueError(f"{name} must be a boolean array, got dtype {bits.dtype}")
    return bits


def expected_query_metrics(
    query_bits: np.ndarray,
    query_labels: np.ndarray,
    database_bits: np.ndarray,
    database_labels: np.ndarray,
    topk: Sequence[int],
    convention: str = "standard",
    grading: bool = False,
    max_grade_distance: int | None = None,
) -> dict[int, ExpectedQueryMetrics]:
    """Expected metrics of every query under uniformly random tie-breaking.

    Distances, relevance and gains are computed in chunks of queries against the
    database's distinct (code, label) items, so memory is O(chunk x database).
    Relevance is :func:`~.relevance.relevance_matrix`'s (same class, or at least one
    shared label); gains are :func:`~.ndcg.ndcg_at_k`'s.

    Args:
        query_bits: ``(nq, K)`` boolean query codes.
        query_labels: ``(nq,)`` class labels or grades, or ``(nq, C)`` {0, 1} vectors.
        database_bits: ``(n, K)`` boolean database codes.
        database_labels: ``(n,)`` or ``(n, C)`` labels, same kind as the queries.
        topk: Cut-offs k, each ``1 <= k <= n``.
        convention: ``"standard"`` or ``"authors"`` (the AP@k divisor).
        grading: 1-D labels are ordinal grades (NDCG gain by grade distance).
        max_grade_distance: As in :func:`~.ndcg.ndcg_at_k`.

    Returns:
        ``{k: ExpectedQueryMetrics}`` for every k in ``topk``.

    Raises:
        ValueError: For an unknown convention, malformed codes or labels, or a cut-off
            outside ``[1, n]``.
    """
    check_convention(convention)
    query_bits = _check_bits(query_bits, "query_bits")
    database_bits = _check_bits(database_bits, "database_bits")
    if query_bits.shape[1] != database_bits.shape[1]:
        raise ValueError(
            f"query_bits have {query_bits.shape[1]} bits, database_bits {database_bits.shape[1]}"
        )
    query_labels, database_labels = np.asarray(query_labels), np.asarray(database_labels)
    if query_labels.ndim not in (1, 2) or query_labels.ndim != database_labels.ndim:
        raise ValueError(
            "query_labels and database_labels must both be 1-D or both 2-D, got shapes "
            f"{query_labels.shape} and {database_labels.shape}"
        )
    if query_labels.ndim == 2 and query_labels.shape[1] != database_labels.shape[1]:
        raise ValueError("query_labels and database_labels have different numbers of classes")
    if query_labels.shape[0] != query_bits.shape[0]:
        raise ValueError(f"{query_labels.shape[0]} query_labels for {query_bits.shape[0]} codes")
    if database_labels.shape[0] != database_bits.shape[0]:
        raise ValueError(
            f"{database_labels.shape[0]} database_labels for {database_bits.shape[0]} codes"
        )
    query_labels, database_labels = check_gain_labels(
        query_labels, database_labels, grading, max_grade_distance
    )
    n_database = database_bits.shape[0]
    if len(topk) == 0 or min(topk) < 1 or max(topk) > n_database:
        raise ValueError(f"every k in topk must satisfy 1 <= k <= {n_database}, got {topk}")
    best_gain = top_gain(query_labels, database_labels, grading, max_grade_distance)
    n_groups = query_bits.shape[1] + 1
    depth = max(topk)
    discount = 1.0 / np.log2(np.arange(2, depth + 2))
    log_factorial = _log_factorials(n_database)

    representative, counts = _distinct_items(database_bits, database_labels)
    # Weighted counting costs about twice as much per item: worth it for a shrink by 1/4.
    multiplicity: np.ndarray | None = None
    if 4 * counts.size <= 3 * n_database:
        multiplicity = counts
        database_bits = database_bits[representative]
        database_labels = database_labels[representative]
    else:
        counts = np.ones(n_database, dtype=np.int64)
    parts: dict[int, list[ExpectedQueryMetrics]] = {k: [] for k in topk}
    chunk = max(1, _CHUNK_ELEMENTS // counts.size)
    for first in range(0, query_bits.shape[0], chunk):
        stop = first + chunk
        distances = hamming_distances(query_bits[first:stop], database_bits)
        labels = query_labels[first:stop]
        gains: np.ndarray | None = None
        if query_labels.ndim == 2:
            gains = gain_matrix(labels, database_labels, False, 0)
            is_relevant = gains > 0
        else:
            is_relevant = labels[:, None] == database_labels[None, :]
            if grading:
                gains = gain_matrix(labels, database_labels, True, best_gain)
        size, relevant = _group_counts(distances, is_relevant, multiplicity, n_groups)
        if gains is None:
            # Binary gains: the ideal ranking puts every relevant item first.
            gain = relevant.astype(np.float64)
            best = (np.arange(depth) < relevant.sum(axis=1)[:, None]).astype(np.float64)
        else:
            gain = _group_sums(distances, gains * counts, n_groups)
            best = _ideal_gains(gains, counts, depth)
        ideal = np.cumsum(best * discount, axis=1)
        for k in topk:
            idcg = ideal[:, k - 1]
            parts[k].append(
                _expected_at_k(size, relevant, gain, idcg, k, convention, log_factorial)
            )
    return {
        k: ExpectedQueryMetrics(
            *(np.concatenate([getattr(part, name) for part in chunks]) for name in _FIELDS)
        )
        for k, chunks in parts.items()
    }


_FIELDS = ("hit_ratio", "average_precision", "reciprocal_rank", "hit_probability", "ndcg")


def authors_mean_reciprocal_rank(reciprocal_rank: np.ndarray, hit_probability: np.ndarray) -> float:
    """Expected authors' mRR@k: ``E[sum_q RR_q / N]``, N the queries with a hit (0 if none).

    The orderings of different queries are independent and ``RR_q = 0`` without a hit,
    so ``E[sum_q RR_q / N] = sum_q E[RR_q] E[1 / (1 + N_-q)]``, where ``N_-q`` counts
    the hits of the other queries (a Poisson-binomial count). With
    ``G(t) = prod_j (1 - p_j + p_j t)`` the generating polynomial of the uncertain
    queries (``0 < p_j < 1``) and A queries that always hit,
    ``E[1 / (1 + N_-q)] = integral_0^1 t^A_-q G_-q(t) dt`` with ``G_-q = G / (1 - p_q +
    p_q t)``, found by synthetic division (from the end that keeps it stable). Time
    O(U^2) for U uncertain queries.

    Args:
        reciprocal_rank: ``(nq,)`` expected RR@k of each query.
        hit_probability: ``(nq,)`` probability of a hit in the top k of each query.

    Returns:
        The exact expectation of the authors' mRR@k over random tie-breaking.
    """
    p = np.asarray(hit_probability, dtype=np.float64)
    rr = np.asarray(reciprocal_rank, dtype=np.float64)
    certain = p >= 1.0
    uncertain = (p > 0.0) & ~certain
    always = int(certain.sum())
    p_u = p[uncertain]
    # Coefficients of G: the distribution of the number of uncertain queries that hit.
    coefficients = np.ones(1)
    for value in p_u:
        grown = np.zeros(coefficients.size + 1)
        grown[:-1] = (1.0 - value) * coefficients
        grown[1:] += value * coefficients
        coefficients = grown
    u = p_u.size
    total: float = 0.0
    if always:
        # A certain query sees the other A - 1 certain ones and every uncertain one.
        inverse = float((coefficients / (always + np.arange(u + 1))).sum())
        total += float(rr[certain].sum()) * inverse
    if u:
        low = p_u < 0.5
        p_low, p_high = p_u[low], p_u[~low]
        quotient_low, quotient_high = np.zeros(p_low.size), np.zeros(p_high.size)
        inverse_low, inverse_high = np.zeros(p_low.size), np.zeros(p_high.size)
        for i in range(u):
            # G_-q's coefficient i (low p: from the constant term up, each step damping
            # an error by p / (1 - p) < 1) and u - 1 - i (high p: from the leading term
            # down, damping by (1 - p) / p <= 1).
            quotient_low = (coefficients[i] - p_low * quotient_low) / (1.0 - p_low)
            top = u - 1 - i
            quotient_high = (coefficients[top + 1] - (1.0 - p_high) * quotient_high) / p_high
            inverse_low += quotient_low / (always + i + 1)
            inverse_high += quotient_high / (always + top + 1)
        rr_u = rr[uncertain]
        total += float((rr_u[low] * inverse_low).sum() + (rr_u[~low] * inverse_high).sum())
    return total


def tie_aware_metrics(
    query_bits: np.ndarray,
    query_labels: np.ndarray,
    database_bits: np.ndarray,
    database_labels: np.ndarray,
    topk: Sequence[int],
    convention: str = "standard",
    grading: bool = False,
    class_names: Sequence[str] | None = None,
    max_grade_distance: int | None = None,
) -> dict[str, float]:
    """mHR@k, mAP@k, mRR@k and NDCG@k expected under uniformly random tie-breaking.

    Each value equals the average, over every ordering of the items tied in Hamming
    distance, of the deterministic metric of :mod:`.metrics` or :mod:`.ndcg` under the
    same convention.

    Args:
        query_bits: ``(nq, K)`` boolean query codes.
        query_labels: ``(nq,)`` class labels or grades, or ``(nq, C)`` {0, 1} vectors.
        database_bits: ``(n, K)`` boolean database codes.
        database_labels: ``(n,)`` or ``(n, C)`` labels, same kind as the queries.
        topk: Cut-offs k, each ``1 <= k <= n``.
        convention: ``"standard"`` or ``"authors"``.
        grading: 1-D labels are ordinal grades (NDCG gain by grade distance).
        class_names: Names of the classes; when given, the expected mAP@k of each
            class's queries is added as ``"mAP@k/<name>"`` (as :func:`.per_class_map`).
        max_grade_distance: As in :func:`~.ndcg.ndcg_at_k`.

    Returns:
        ``{"mHR@k", "mAP@k", "mRR@k", "NDCG@k"}`` for every k (names without a ranking
        prefix), and the per-class mAP@k.

    Raises:
        ValueError: As :func:`expected_query_metrics`.
    """
    expected = expected_query_metrics(
        query_bits,
        query_labels,
        database_bits,
        database_labels,
        topk,
        convention,
        grading,
        max_grade_distance,
    )
    metrics: dict[str, float] = {}
    for k in topk:
        values = expected[k]
        metrics[metric_key("mHR", k)] = float(values.hit_ratio.mean())
        metrics[metric_key("mAP", k)] = float(values.average_precision.mean())
        if convention == "authors":
            metrics[metric_key("mRR", k)] = authors_mean_reciprocal_rank(
                values.reciprocal_rank, values.hit_probability
            )
        else:
            metrics[metric_key("mRR", k)] = float(values.reciprocal_rank.mean())
        metrics[metric_key("NDCG", k)] = float(values.ndcg.mean())
    if class_names is not None:
        members = class_members(query_labels, len(class_names))
        for name, queries in zip(class_names, members, strict=True):
            if queries.any():
                for k in topk:
                    metrics[metric_key("mAP", k, class_name=name)] = float(
                        expected[k].average_precision[queries].mean()
                    )
    return metrics
