"""Cosine ranking of real-valued (un-binarised) outputs.

The ASH authors' released evaluation ranks the database by the cosine distance
between the network's real-valued outputs instead of the Hamming distance
between binarised codes. This module reproduces that ranking with Faiss's
``IndexFlatIP`` on L2-normalised float32 vectors, with the same deterministic
tie rule as the Hamming ranking: distance ascending, ties broken by database
position.

Faiss computes inner products in float32 with kernels (BLAS or SIMD) whose
rounding may differ between identical vectors, so Faiss is used to gather a
candidate set that provably contains the exact top-k, and the candidates are
re-scored in float64 with one summation order before the stable sort. Identical
vectors then get identical scores and are ordered by index.

A database of few distinct vectors (collapsed outputs) is ranked by its distinct vectors
instead: every query ties with most of the database there, and the Faiss search would
deepen to all of it.
"""

from __future__ import annotations

import faiss
import numpy as np

from ash_lightning.retrieval._checks import clip_k, require_2d

_FLOAT32_UNIT_ROUNDOFF = 2.0**-24
_CHUNK_ELEMENTS = 1 << 22
#: Results of one Faiss search, queries x depth (12 bytes each): 192 MiB whatever the ties.
_SEARCH_ELEMENTS = 1 << 24
#: Rank by distinct vectors when there are at most this many, and 8 items each on average.
_MAX_GROUPS = 4096
_MIN_GROUP_SIZE = 8


def _exact_distances(queries: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    """``1 - cos`` in float64, one summation order: ``(nq, D)`` against ``(nq, m, D)``."""
    cosine = (vectors.astype(np.float64) * queries.astype(np.float64)[:, None, :]).sum(axis=2)
    return 1.0 - cosine


def _normalise(outputs: np.ndarray, name: str) -> np.ndarray:
    outputs = require_2d(outputs, name)
    if outputs.shape[1] == 0:
        raise ValueError(f"{name} must have at least one dimension")
    vectors = outputs.astype(np.float32)
    if not np.isfinite(vectors).all():
        raise ValueError(f"{name} contain NaN or infinite values")
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)


class CosineIndex:
    """Exhaustive cosine-distance index over real-valued outputs.

    Vectors are L2-normalised in float32; a zero vector stays zero and so has
    cosine similarity 0 (distance 1) to everything.

    Args:
        database_outputs: Real-valued database outputs of shape ``(n, D)``.
        group_distinct: Rank a database of few distinct vectors through them (the same
            ranking, faster); ``False`` searches item by item.

    Raises:
        ValueError: If the outputs are not 2-D, are empty or are not finite.
    """

    def __init__(self, database_outputs: np.ndarray, group_distinct: bool = True) -> None:
        vectors = _normalise(database_outputs, "database_outputs")
        if vectors.shape[0] == 0:
            raise ValueError("database_outputs must contain at least one vector")
        self._vectors = vectors
        self._groups = _DistinctVectors.of(vectors) if group_distinct else None
        self._index = faiss.IndexFlatIP(vectors.shape[1])
        self._index.add(vectors)
        # At least twice the worst-case float32 rounding error, D*u / (1 - D*u),
        # of an inner product of two unit vectors of dimension D.
        self._tolerance = 4.0 * (vectors.shape[1] + 1) * _FLOAT32_UNIT_ROUNDOFF

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def search(self, query_outputs: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Rank the database for each query by cosine distance.

        Ranking rule: cosine distance ``1 - cos(q, x)`` ascending (cosine
        computed in float64 from the float32-normalised vectors), ties broken by
        database position (lower index first), also at the cut-off position k.

        Args:
            query_outputs: Real-valued query outputs of shape ``(nq, D)``.
            k: Number of ranked items per query; clipped to the database size.

        Returns:
            ``(distances, indices)``: float64 cosine distances and ``int64``
            database indices, both of shape ``(nq, min(k, len(self)))``.

        Raises:
            ValueError: If the query outputs are malformed, their dimension
                differs from the database's, or ``k < 1``.
        """
        queries = _normalise(query_outputs, "query_outputs")
        if queries.shape[1] != self._vectors.shape[1]:
            raise ValueError(
                f"query_outputs have dimension {queries.shape[1]}, "
                f"the database has {self._vectors.shape[1]}"
            )
        k = clip_k(k, len(self))
        if self._groups is not None:
            return self._groups.search(queries, k)
        distances = np.empty((len(queries), k), dtype=np.float64)
        indices = np.empty((len(queries), k), dtype=np.int64)
        pending = np.arange(len(queries))
        depth = min(2 * k, len(self))
        while pending.size:
            # Tied queries deepen up to the whole database: a chunk of them at a time.
            rows = max(1, _SEARCH_ELEMENTS // depth)
            unresolved = []
            for start in range(0, pending.size, rows):
                chunk = pending[start : start + rows]
                scores, candidates = self._index.search(queries[chunk], depth)
                complete = scores[:, -1] < scores[:, k - 1] - self._tolerance
                if depth == len(self):
                    complete[:] = True
                done = chunk[complete]
                distances[done], indices[done] = self._exact_top_k(
                    queries[done], candidates[complete], k
                )
                unresolved.append(chunk[~complete])
            pending = np.concatenate(unresolved)
            depth = min(2 * depth, len(self))
        return distances, indices

    def _exact_top_k(
        self, queries: np.ndarray, candidates: np.ndarray, k: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Re-score candidates in float64 and keep the k best by (distance, index).

        The candidates contain every item whose float32 score is within
        ``self._tolerance`` of the k-th float32 score, hence every item of the
        exact float64 top-k. Rows are processed in chunks to bound the
        memory of the gathered candidate vectors.
        """
        distances = np.empty((len(queries), k), dtype=np.float64)
        indices = np.empty((len(queries), k), dtype=np.int64)
        rows_per_chunk = max(1, _CHUNK_ELEMENTS // (candidates.shape[1] * queries.shape[1]))
        for start in range(0, len(queries), rows_per_chunk):
            chunk = slice(start, start + rows_per_chunk)
            chunk_distances = _exact_distances(queries[chunk], self._vectors[candidates[chunk]])
            order = np.lexsort((candidates[chunk], chunk_distances), axis=1)[:, :k]
            distances[chunk] = np.take_along_axis(chunk_distances, order, 1)
            indices[chunk] = np.take_along_axis(candidates[chunk], order, 1)
        return distances, indices


class _DistinctVectors:
    """A database ranked through its distinct vectors, each standing for its items.

    Items of one vector share its exact distance, so a query's top k are the items of the
    nearest vectors; where several vectors are at the same distance their items are merged
    by database position, the tie rule of :meth:`CosineIndex.search`.

    Args:
        distinct: The distinct normalised vectors, ``(g, D)``.
        inverse: The distinct vector of each database item, ``(n,)``.
    """

    def __init__(self, distinct: np.ndarray, inverse: np.ndarray) -> None:
        self._distinct = distinct
        by_group = np.argsort(inverse, kind="stable")
        bounds = np.cumsum(np.bincount(inverse, minlength=len(distinct)))[:-1]
        self._members = np.split(by_group, bounds)

    @classmethod
    def of(cls, vectors: np.ndarray) -> _DistinctVectors | None:
        """The grouping of ``vectors`` if they hold few distinct ones, else ``None``.

        Few means at most ``_MAX_GROUPS``, and ``_MIN_GROUP_SIZE`` items each on average.
        The leading ``limit + 1`` rows are checked first: when they are all distinct the
        database has too many, and the sort of the whole database is skipped.
        """
        limit = min(_MAX_GROUPS, len(vectors) // _MIN_GROUP_SIZE)
        if len(np.unique(vectors[: limit + 1], axis=0)) > limit:
            return None
        distinct, inverse = np.unique(vectors, axis=0, return_inverse=True)
        if len(distinct) > limit:
            return None
        return cls(distinct, inverse.reshape(-1))

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """The k nearest items of each query by (cosine distance, database position)."""
        distances = np.empty((len(queries), k), dtype=np.float64)
        indices = np.empty((len(queries), k), dtype=np.int64)
        rows_per_chunk = max(1, _CHUNK_ELEMENTS // self._distinct.size)
        for start in range(0, len(queries), rows_per_chunk):
            chunk = queries[start : start + rows_per_chunk]
            stacked = np.broadcast_to(self._distinct, (len(chunk), *self._distinct.shape))
            for row, group_distances in enumerate(_exact_distances(chunk, stacked), start):
                distances[row], indices[row] = self._top_k(group_distances, k)
        return distances, indices

    def _top_k(self, group_distances: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        order = np.argsort(group_distances, kind="stable")
        ascending = group_distances[order]
        taken: list[np.ndarray] = []
        levels: list[np.ndarray] = []
        remaining, position = k, 0
        while remaining:
            level = ascending[position]
            end = int(np.searchsorted(ascending, level, side="right"))
            groups = order[position:end]
            members = (
                self._members[groups[0]]
                if len(groups) == 1
                else np.sort(np.concatenate([self._members[group] for group in groups]))
            )[:remaining]
            taken.append(members)
            levels.append(np.full(len(members), level))
            remaining -= len(members)
            position = end
        return np.concatenate(levels), np.concatenate(taken)
