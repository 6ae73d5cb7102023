"""Exact Hamming ranking of packed binary codes with a deterministic tie rule.

Hashing methods rank the database by the Hamming distance between binary codes.
Hamming distances are small integers, so ties are everywhere, and how they are
broken changes mHR/mAP/mRR. This module fixes the rule as part of the metric:
distance ascending, ties broken by database position (lower index first),
including at the cut-off position k.

The search is Faiss's counting search (``IndexBinaryFlat`` with ``use_heap = False``,
``hammings_knn_mc``): for each query it keeps one list per possible distance 0 ... K,
filled while the database is scanned in order, and stops filling a distance once the lists
below it hold k items. The first k items of the lists, nearest distance first, are exactly
the (distance, position) order, whatever the ties, and the memory is O(queries x K x k),
independent of how many codes tie. Faiss does not document the tie order, so
``tests/retrieval/test_hamming_ranking.py`` checks it against a stable sort for random,
heavily tied and fully collapsed codes at K = 1 ... 130. A database of few distinct codes
(collapsed, or early in training) is searched per distinct code instead
(:mod:`~ash_lightning.retrieval.distinct_code_search`), the same order at a cost that does
not grow with the database.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import faiss
import numpy as np

from ash_lightning.retrieval._checks import clip_k, require_2d
from ash_lightning.retrieval.distinct_code_search import DistinctCodes


def _check_codes(codes: np.ndarray, name: str) -> np.ndarray:
    codes = require_2d(codes, name)
    if codes.dtype != np.uint8:
        raise ValueError(f"{name} must be packed uint8 codes, got dtype {codes.dtype}")
    if codes.shape[1] == 0:
        raise ValueError(f"{name} must have at least one byte per code")
    return np.ascontiguousarray(codes)


def exact_search(
    index: faiss.IndexBinaryFlat, queries: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """Search a flat binary index under the tie rule, with Faiss's counting search.

    Args:
        index: The database, in its order.
        queries: ``(nq, B)`` packed ``uint8`` codes, ``B`` the index's code size.
        k: Results per query, at most ``index.ntotal``.

    Returns:
        ``(distances, indices)``: ``int32`` and ``int64``, both ``(nq, k)``.
    """
    # Faiss's type stubs lack ``use_heap``; False selects the counting search.
    index.use_heap = False  # type: ignore[attr-defined]
    distances, indices = index.search(np.ascontiguousarray(queries), k)
    return distances.astype(np.int32, copy=False), indices


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
        self._size = codes.shape[0]
        distinct = DistinctCodes.of(codes)
        self._search: Callable[[np.ndarray, int], tuple[np.ndarray, np.ndarray]]
        if distinct is not None:  # a few distinct codes are searched without Faiss
            self._search = distinct.search
        else:
            index = faiss.IndexBinaryFlat(8 * self._code_bytes)
            index.add(codes)
            self._search = partial(exact_search, index)

    def __len__(self) -> int:
        return self._size

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
        return self._search(queries, clip_k(k, len(self)))


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
