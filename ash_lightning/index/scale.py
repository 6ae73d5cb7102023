"""Exact against approximate binary search on a large synthetic case base: recall@k and time.

For case bases far larger than the paper's 9,000 images (Fang et al., BIBM 2020, §IV-C:
Faiss indexing and search, the scalability of hashing), the case index offers approximate
binary indexes (:mod:`ash_lightning.index.kinds`). This benchmark builds each kind on ``n``
synthetic codes and reports, for the same queries, build time, search time and recall@k
against exact (flat) search. The codes are clustered like learned hash codes: ``clusters``
random centre codes, and each code is a centre with every bit flipped independently with
probability ``flip``; queries are drawn the same way.

Recall is tie-aware: a returned case counts as a hit when its Hamming distance is at most the
exact k-th distance (any case tied there is an equally correct answer), and recall@k is the
mean over queries of hits / k.
"""

import time
from dataclasses import dataclass

import numpy as np

from ash_lightning.index.kinds import IndexOptions, create_index, index_parameters, search_codes
from ash_lightning.retrieval.codes import binarize, pack_bits


@dataclass(frozen=True)
class KindResult:
    """One index kind on the synthetic case base.

    Attributes:
        index_type: ``flat``, ``multihash`` or ``ivf``.
        params: Its parameters.
        build_s: Seconds to train (``ivf``) and fill the index.
        search_s: Seconds to search every query at top-k.
        recall: Tie-aware recall@k against exact search (1.0 for ``flat``).
    """

    index_type: str
    params: dict[str, int]
    build_s: float
    search_s: float
    recall: float


def clustered_outputs(
    count: int, bits: int, clusters: int, flip: float, rng: np.random.Generator
) -> np.ndarray:
    """``count x bits`` ±1 codes around ``clusters`` random centres (bits flipped w.p. ``flip``).

    Args:
        count: Codes to draw.
        bits: Code length K.
        clusters: Number of centre codes.
        flip: Probability that a bit differs from its centre's.
        rng: Random generator.

    Returns:
        float32 ±1 outputs.
    """
    centres = rng.random((clusters, bits)) < 0.5
    members = centres[rng.integers(0, clusters, count)]
    flips = rng.random((count, bits)) < flip
    return np.where(members ^ flips, 1.0, -1.0).astype(np.float32)


def tie_aware_recall(
    exact: list[tuple[np.ndarray, np.ndarray]],
    found: list[tuple[np.ndarray, np.ndarray]],
    k: int,
) -> float:
    """Mean over queries of (found cases within the exact k-th distance) / k.

    Args:
        exact: Per query, the exact top-k ``(distances, positions)``.
        found: Per query, an approximate index's ``(distances, positions)``.
        k: The cut-off.

    Returns:
        Recall@k in [0, 1].
    """
    hits = [
        np.count_nonzero(found_distances[:k] <= exact_distances[k - 1])
        for (exact_distances, _), (found_distances, _) in zip(exact, found, strict=True)
    ]
    return float(np.mean(hits) / k)


def _timed_search(
    index_type: str, params: dict[str, int], database: np.ndarray, queries: np.ndarray, k: int
) -> tuple[float, float, list[tuple[np.ndarray, np.ndarray]]]:
    """Build one index kind and search it: ``(build seconds, search seconds, results)``."""
    started = time.perf_counter()
    index = create_index(index_type, params, database)
    built = time.perf_counter()
    found = search_codes(index, queries, k)
    return built - started, time.perf_counter() - built, found


def compare_index_kinds(
    count: int = 1_000_000,
    queries: int = 1_000,
    bits: int = 48,
    k: int = 10,
    clusters: int = 1_000,
    flip: float = 0.1,
    seed: int = 0,
    kinds: tuple[str, ...] = ("flat", "multihash", "ivf"),
) -> list[KindResult]:
    """Build every kind on the same synthetic codes and compare it with exact search.

    Args:
        count: Codes in the case base.
        queries: Query codes.
        bits: Code length K.
        k: Results per query.
        clusters: Centre codes of the synthetic data.
        flip: Bit-flip probability around the centres.
        seed: Seed of the synthetic codes.
        kinds: Index kinds to compare; exact (flat) search is always run, once, as the
            reference, and its timings are the ``flat`` row.

    Returns:
        One result per kind, in the order given.
    """
    rng = np.random.default_rng(seed)
    database = pack_bits(binarize(clustered_outputs(count, bits, clusters, flip, rng)))
    query_codes = pack_bits(binarize(clustered_outputs(queries, bits, clusters, flip, rng)))
    timed = {"flat": _timed_search("flat", {}, database, query_codes, k)}
    exact = timed["flat"][2]
    results = []
    for index_type in kinds:
        params = index_parameters(index_type, bits, count, IndexOptions())
        if index_type not in timed:
            timed[index_type] = _timed_search(index_type, params, database, query_codes, k)
        build_s, search_s, found = timed[index_type]
        results.append(
            KindResult(
                index_type=index_type,
                params=params,
                build_s=build_s,
                search_s=search_s,
                recall=tie_aware_recall(exact, found, k),
            )
        )
    return results
