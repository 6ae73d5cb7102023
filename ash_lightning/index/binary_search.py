"""Top-k search of a stored binary index, in the evaluation's deterministic order.

A flat index is searched by :class:`~ash_lightning.retrieval.hamming_ranking.HammingIndex`
over the codes read back from the stored :class:`faiss.IndexBinaryFlat`, so its results follow
the evaluation's tie rule exactly: Hamming distance ascending, ties by database position (the
order in which cases were indexed), including at the cut-off k. An approximate index returns
its candidates sorted by the same rule; which cases tied at the k-th distance it found depends
on the index, and a query may get fewer than k results when few candidates fall in the probed
buckets or lists.
"""

import faiss
import numpy as np

from ash_lightning.retrieval.hamming_ranking import HammingIndex


def stored_codes(index: faiss.IndexBinaryFlat) -> np.ndarray:
    """The ``N x B`` packed codes held by a flat binary index, in database order.

    Reference: Fang et al., BIBM 2020, §III (database codes of the retrieval stage).

    Args:
        index: A flat binary index.

    Returns:
        A copy of its codes, uint8.
    """
    return faiss.vector_to_array(index.xb).reshape(index.ntotal, index.code_size)


def search_codes(
    index: faiss.IndexBinary, queries: np.ndarray, k: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Rank the cases of ``index`` for each query code by Hamming distance.

    Reference: Fang et al., BIBM 2020, §III (Hamming ranking of the database at retrieval).

    Args:
        index: A flat, multi-hash or IVF binary index with at least one code.
        queries: ``Q x B`` packed uint8 codes, laid out as the index's.
        k: Results per query, at least 1; clipped to the index size.

    Returns:
        Per query, int64 Hamming distances and int64 database positions, best first.
    """
    if isinstance(index, faiss.IndexBinaryFlat):
        distances, positions = HammingIndex(stored_codes(index)).search(queries, k)
        return [(d.astype(np.int64), p) for d, p in zip(distances, positions, strict=True)]
    distances, positions = index.search(np.ascontiguousarray(queries), min(k, index.ntotal))
    results = []
    for row_distances, row_positions in zip(distances, positions, strict=True):
        found = row_positions >= 0
        order = np.lexsort((row_positions[found], row_distances[found]))
        results.append((row_distances[found][order].astype(np.int64), row_positions[found][order]))
    return results
