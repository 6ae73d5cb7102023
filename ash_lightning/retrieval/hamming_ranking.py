"""Exact Hamming ranking of packed binary codes with a deterministic tie rule.

Hashing methods rank the database by the Hamming distance between binary codes.
Hamming distances are small integers, so ties are everywhere, and how they are
broken changes mHR/mAP/mRR. This module fixes the rule as part of the metric:
distance ascending, ties broken by database position (lower index first),
including at the cut-off position k.

Faiss's ``IndexBinaryFlat`` currently returns exactly this order (its heap
breaks ties by id and its counting search scans the database in order), but
that is an implementation detail, not a documented guarantee, so the result is
re-sorted here and the tie at position k is resolved with an exact range search.
"""

from __future__ import annotations

import faiss
import numpy as np

from ash_lightning.retrieval._checks import clip_k, require_2d


def _check_codes(codes: np.ndarray, name: str) -> np.ndarray:
    codes = require_2d(codes, name)
    if codes.dtype != np.uint8:
        raise ValueError(f"{name} must be packed uint8 codes, got dtype {codes.dtype}")
    if codes.shape[1] == 0:
        raise ValueError(f"{name} must have at least one byte per code")
    return np.ascontiguousarray(codes)


def _sort_by_distance_then_index(
    distances: np.ndarray, indices: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    order = np.lexsort((indices, distances), axis=1)
    return np.take_along_axis(distances, order, 1), np.take_along_axis(indices, order, 1)


class HammingIndex:
    """Exhaustive Hamming index over packed codes (Faiss ``IndexBinaryFlat``).

    Building (``__init__``) and searching (:meth:`search`) are separate so that
    callers can time them separately.

    Args:
        database_codes: Packed ``uint8`` database codes of shape ``(n, B)``,
            e.g. from :func:`ash_lightning.retrieval.codes.pack_bits`.

    Raises:
        ValueError: If the codes are not 2-D ``uint8`` or the database is empty.
    """

    def __init__(self, database_codes: np.ndarray) -> None:
        codes = _check_codes(database_codes, "database_codes")
        if codes.shape[0] == 0:
            raise ValueError("database_codes must contain at least one code")
        self._code_bytes = codes.shape[1]
        self._index = faiss.IndexBinaryFlat(8 * self._code_bytes)
        self._index.add(codes)

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def search(self, query_codes: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Rank the database for each query by Hamming distance.

        Ranking rule: Hamming distance ascending, ties broken by database
        position (lower index first). The top-k set obeys the same rule, so
        among items tied at the k-th distance the lowest-index ones are kept.

        Args:
            query_codes: Packed ``uint8`` query codes of shape ``(nq, B)``.
            k: Number of ranked items per query; clipped to the database size.

        Returns:
            ``(distances, indices)``: ``int32`` Hamming distances and ``int64``
            database indices, both of shape ``(nq, min(k, len(self)))``.

        Raises:
            ValueError: If the query codes are malformed, their byte length
                differs from the database's, or ``k < 1``.
        """
        queries = _check_codes(query_codes, "query_codes")
        if queries.shape[1] != self._code_bytes:
            raise ValueError(
                f"query_codes have {queries.shape[1]} bytes per code, "
                f"the database has {self._code_bytes}"
            )
        k = clip_k(k, len(self))
        probe = min(k + 1, len(self))
        distances, indices = self._index.search(queries, probe)
        distances, indices = _sort_by_distance_then_index(distances, indices)
        if probe == k:
            return distances, indices
        boundary_tied = distances[:, k] == distances[:, k - 1]
        distances, indices = distances[:, :k].copy(), indices[:, :k].copy()
        rows = np.flatnonzero(boundary_tied)
        if rows.size:
            distances[rows], indices[rows] = self._exact_top_k(
                queries[rows], distances[rows, k - 1], k
            )
        return distances, indices

    def _exact_top_k(
        self, queries: np.ndarray, kth_distance: np.ndarray, k: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Exact top-k for queries whose k-th distance is tied beyond position k.

        Every item at distance ``<= kth_distance`` is fetched with a range
        search (Faiss keeps distances strictly below the radius), then the
        candidates are sorted by (distance, index) and cut at k. Queries are
        grouped by their k-th distance, so there is one range search per
        distinct distance value, not per query.
        """
        distances = np.empty((len(queries), k), dtype=np.int32)
        indices = np.empty((len(queries), k), dtype=np.int64)
        for radius in np.unique(kth_distance):
            group = np.flatnonzero(kth_distance == radius)
            lims, found_d, found_i = self._index.range_search(queries[group], int(radius) + 1)
            lims = lims.astype(np.int64)
            counts = np.diff(lims)
            query_of = np.repeat(np.arange(group.size), counts)
            order = np.lexsort((found_i, found_d, query_of))
            rank = np.arange(order.size) - np.repeat(lims[:-1], counts)
            keep = order[rank < k]
            distances[group] = found_d[keep].astype(np.int32).reshape(group.size, k)
            indices[group] = found_i[keep].reshape(group.size, k)
        return distances, indices


def hamming_rank(
    query_codes: np.ndarray, database_codes: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """Build a :class:`HammingIndex` on the database and search it.

    Args:
        query_codes: Packed ``uint8`` query codes of shape ``(nq, B)``.
        database_codes: Packed ``uint8`` database codes of shape ``(n, B)``.
        k: Number of ranked items per query; clipped to ``n``.

    Returns:
        ``(distances, indices)`` as returned by :meth:`HammingIndex.search`.
    """
    return HammingIndex(database_codes).search(query_codes, k)
