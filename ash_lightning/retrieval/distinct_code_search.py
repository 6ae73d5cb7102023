"""Exact top-k over a database with few distinct codes (collapsed or heavily tied).

When the database holds only ``u`` distinct codes, a query's ranking under the tie rule
(distance, then database position) is a merge of ``u`` position lists, each already in
position order: the items of one distinct code all share its distance. At most k items of
one list can be in the top k, so the first k positions of every list, keyed by
``distance * (n + 1) + position``, hold the answer; a partial selection of the k smallest
keys and a sort of those give it. Distances to the ``u`` codes come from a popcount of the
XOR, and the work per query is O(u * k), whatever the database size.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MAX_DISTINCT = 256
"""Databases with more distinct codes are searched by the counting search instead."""
_CHUNK_ELEMENTS = 1 << 22
"""Candidate keys held at once (queries per chunk x distinct codes x k)."""
_AFTER_ALL = np.iinfo(np.int64).max
"""The key of a padding slot: after every real candidate (at least k are real)."""


@dataclass(frozen=True)
class DistinctCodes:
    """The distinct codes of a database and, for each, its positions in ascending order.

    Attributes:
        codes: ``(u, B)`` packed ``uint8`` distinct codes.
        positions: ``(n,)`` database positions grouped by distinct code, ascending in a group.
        starts: ``(u + 1,)`` offsets of each group in ``positions``.
    """

    codes: np.ndarray
    positions: np.ndarray
    starts: np.ndarray

    @classmethod
    def of(cls, database: np.ndarray) -> DistinctCodes | None:
        """Group ``database`` by code, or None when it has more than :data:`MAX_DISTINCT`.

        Args:
            database: ``(n, B)`` packed ``uint8`` codes, contiguous.
        """
        rows = database.view(np.dtype((np.void, database.shape[1]))).ravel()
        distinct, inverse = np.unique(rows, return_inverse=True)
        if len(distinct) > MAX_DISTINCT:
            return None
        positions = np.argsort(inverse, kind="stable")
        starts = np.concatenate([[0], np.cumsum(np.bincount(inverse, minlength=len(distinct)))])
        codes = distinct.view(np.uint8).reshape(len(distinct), database.shape[1])
        return cls(codes, positions.astype(np.int64), starts.astype(np.int64))

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """The exact top-k under the tie rule.

        Args:
            queries: ``(nq, B)`` packed ``uint8`` codes.
            k: Results per query, at most the database size.

        Returns:
            ``(distances, indices)``: ``int32`` and ``int64``, both ``(nq, k)``.
        """
        count = int(self.starts[-1])
        candidates = self._first_positions(k)
        distances = np.empty((len(queries), k), dtype=np.int32)
        indices = np.empty((len(queries), k), dtype=np.int64)
        chunk = max(1, _CHUNK_ELEMENTS // candidates.size)
        for start in range(0, len(queries), chunk):
            block = queries[start : start + chunk]
            to_codes = np.bitwise_count(block[:, None, :] ^ self.codes[None]).sum(axis=2)
            keys = to_codes[:, :, None].astype(np.int64) * (count + 1) + candidates[None]
            keys = np.where(candidates[None] >= 0, keys, _AFTER_ALL).reshape(len(block), -1)
            best = np.partition(keys, k - 1, axis=1)[:, :k] if keys.shape[1] > k else keys
            best.sort(axis=1)
            distances[start : start + chunk] = best // (count + 1)
            indices[start : start + chunk] = best % (count + 1)
        return distances, indices

    def _first_positions(self, k: int) -> np.ndarray:
        """``(u, k)``: the first k positions of each code, -1 where a code has fewer."""
        padded = np.full((len(self.codes), k), -1, dtype=np.int64)
        for group, (start, stop) in enumerate(zip(self.starts[:-1], self.starts[1:], strict=True)):
            taken = self.positions[start : min(stop, start + k)]
            padded[group, : len(taken)] = taken
        return padded
