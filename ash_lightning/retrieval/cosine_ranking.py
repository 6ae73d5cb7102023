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
"""

from __future__ import annotations

import faiss
import numpy as np

from ash_lightning.retrieval._checks import clip_k, require_2d

_FLOAT32_UNIT_ROUNDOFF = 2.0**-24
_CHUNK_ELEMENTS = 1 << 22
#: Results of one Faiss search, queries x depth (12 bytes each): 192 MiB whatever the ties.
_SEARCH_ELEMENTS = 1 << 24


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

    Raises:
        ValueError: If the outputs are not 2-D, are empty or are not finite.
    """

    def __init__(self, database_outputs: np.ndarray) -> None:
        vectors = _normalise(database_outputs, "database_outputs")
        if vectors.shape[0] == 0:
            raise ValueError("database_outputs must contain at least one vector")
        self._vectors = vectors
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
            vectors = self._vectors[candidates[chunk]].astype(np.float64)
            cosine = (vectors * queries[chunk].astype(np.float64)[:, None, :]).sum(axis=2)
            chunk_distances = 1.0 - cosine
            order = np.lexsort((candidates[chunk], chunk_distances), axis=1)[:, :k]
            distances[chunk] = np.take_along_axis(chunk_distances, order, 1)
            indices[chunk] = np.take_along_axis(candidates[chunk], order, 1)
        return distances, indices
