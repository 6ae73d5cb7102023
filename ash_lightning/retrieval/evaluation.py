"""One entry point for retrieval evaluation, shared by the Lightning callback and the CLI.

Hashing retrieval as evaluated in ASH (Fang et al., BIBM 2020): the query set is
ranked against the database and mHR@k, mAP@k and mRR@k are reported, with
NDCG@k (:mod:`~ash_lightning.retrieval.ndcg`) for graded and multi-label relevance
and the mAP@k of each class's queries (:mod:`~ash_lightning.retrieval.per_class`).
``binarize=True`` ranks sign-binarised codes by Hamming distance (the hashing
setting); ``binarize=False`` ranks the real-valued outputs by cosine distance
(the ranking in the authors' released code, and the real-valued retrieval of
descriptor learners such as mirror attention). ``other_ranking=True`` adds the
metrics of the other ranking under a ``"cosine/"`` or ``"hamming/"`` prefix. The
Hamming ranking also reports its metrics' expectation under uniformly random
tie-breaking (:mod:`~ash_lightning.retrieval.tie_aware`) under ``"tie_aware/"``.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ash_lightning.retrieval import codes
from ash_lightning.retrieval._checks import require_2d
from ash_lightning.retrieval.cosine_ranking import CosineIndex
from ash_lightning.retrieval.hamming_ranking import HammingIndex
from ash_lightning.retrieval.metric_keys import TIE_AWARE, metric_key, under_prefix, with_prefix
from ash_lightning.retrieval.metrics import check_convention, retrieval_metrics
from ash_lightning.retrieval.ndcg import ndcg_at_k
from ash_lightning.retrieval.per_class import per_class_map
from ash_lightning.retrieval.relevance import relevance_matrix
from ash_lightning.retrieval.tie_aware import tie_aware_metrics


def ranking_name(binarize: bool) -> str:
    """``"hamming"`` for binarised codes, ``"cosine"`` for real-valued outputs."""
    return "hamming" if binarize else "cosine"


@dataclass(frozen=True)
class RetrievalResult:
    """Metrics of one retrieval evaluation and how they were obtained.

    Attributes:
        metrics: Metric values keyed like ``"mAP@10"``, ``"NDCG@10"``, per class
            ``"mAP@10/<class>"``, with ``other_ranking`` ``"cosine/mAP@10"`` (or
            ``"hamming/..."``) for the other ranking, and for a Hamming ranking (main
            or other) with ``tie_aware`` the expected values under random tie-breaking,
            ``"tie_aware/mAP@10"`` and ``"tie_aware/mAP@10/<class>"``.
        convention: Metric convention, ``"standard"`` or ``"authors"``.
        binarize: Whether codes were binarised and ranked by Hamming distance
            (``True``) or raw outputs ranked by cosine distance (``False``).
        timings: Wall-clock seconds: ``"index_build_s"`` (preparing and indexing
            the database) and ``"search_s"`` (preparing the queries and ranking).
    """

    metrics: dict[str, float]
    convention: str
    binarize: bool
    timings: dict[str, float]


def _check_pair(outputs: np.ndarray, labels: np.ndarray, name: str) -> np.ndarray:
    outputs = require_2d(outputs, f"{name}_outputs")
    labels = np.asarray(labels)
    if labels.ndim == 0 or labels.shape[0] != outputs.shape[0]:
        raise ValueError(
            f"{name}_labels of shape {labels.shape} do not match {outputs.shape[0]} {name}_outputs"
        )
    return outputs


def evaluate_retrieval(
    query_outputs: np.ndarray,
    query_labels: np.ndarray,
    database_outputs: np.ndarray,
    database_labels: np.ndarray,
    topk: Sequence[int],
    binarize: bool = True,
    convention: str = "standard",
    grading: bool = False,
    class_names: Sequence[str] | None = None,
    other_ranking: bool = False,
    tie_aware: bool = True,
) -> RetrievalResult:
    """Rank the database for every query and compute mHR/mAP/mRR/NDCG at each cut-off.

    ``binarize=True``: outputs -> sign bits -> packed codes -> exact Hamming
    ranking (:class:`HammingIndex`). ``binarize=False``: cosine ranking of the raw
    outputs (:class:`CosineIndex`, Faiss flat inner product on L2-normalised
    vectors). Both rank to depth ``max(topk)`` with ties broken by database
    position. NDCG@k gains (:func:`ndcg_at_k`): 1 for the query's class, the number
    of shared labels for multi-label data, or a gain falling with the grade
    distance when ``grading``. Short codes tie massively, so the database order
    decides part of the Hamming metrics; ``tie_aware`` adds their exact expectation
    over uniformly random tie-breaking (:func:`tie_aware_metrics`) under
    ``"tie_aware/"``. Cosine rankings have no such values.

    Args:
        query_outputs: ``(nq, K)`` relaxed network outputs of the queries.
        query_labels: ``(nq,)`` class labels or ``(nq, C)`` {0, 1} label vectors.
        database_outputs: ``(n, K)`` relaxed network outputs of the database.
        database_labels: ``(n,)`` or ``(n, C)`` labels, same kind as the queries.
        topk: Cut-offs k, each ``1 <= k <= n``.
        binarize: Hamming ranking of binarised codes (``True``) or cosine ranking
            of raw outputs (``False``).
        convention: ``"standard"`` or ``"authors"`` (see
            :mod:`ash_lightning.retrieval.metrics`).
        grading: 1-D labels are ordinal grades (NDCG gain by grade distance).
        class_names: Names of the classes (index = label); when given, the mAP@k of
            each class's queries is added as ``"mAP@k/<name>"``.
        other_ranking: Also evaluate the other ranking (Hamming if ``binarize`` is
            false, cosine if true) and add its overall metrics under its name (a
            Hamming other ranking's tie-aware values keep their ``"tie_aware/"`` name).
        tie_aware: Add the tie-aware metrics of the Hamming ranking.

    Returns:
        The metrics, the settings used and the build/search timings (of the main ranking).

    Raises:
        ValueError: For an unknown convention, an empty ``topk``, a cut-off
            outside ``[1, n]``, or mismatched outputs and labels.
    """
    check_convention(convention)
    query_outputs = _check_pair(query_outputs, query_labels, "query")
    database_outputs = _check_pair(database_outputs, database_labels, "database")
    if len(topk) == 0:
        raise ValueError("topk must contain at least one cut-off")
    if min(topk) < 1 or max(topk) > database_outputs.shape[0]:
        raise ValueError(
            f"every k in topk must satisfy 1 <= k <= {database_outputs.shape[0]} "
            f"(database size), got {list(topk)}"
        )
    depth = max(topk)

    start = time.perf_counter()
    database_bits = codes.binarize(database_outputs) if binarize else None
    index: HammingIndex | CosineIndex
    if database_bits is not None:
        index = HammingIndex(codes.pack_bits(database_bits))
    else:
        index = CosineIndex(database_outputs)
    built = time.perf_counter()
    query_bits = codes.binarize(query_outputs) if binarize else None
    queries = codes.pack_bits(query_bits) if query_bits is not None else query_outputs
    _, indices = index.search(queries, depth)
    searched = time.perf_counter()

    rel = relevance_matrix(query_labels, database_labels, indices)
    metrics = retrieval_metrics(rel, topk, convention)
    for k in topk:
        metrics[metric_key("NDCG", k)] = ndcg_at_k(
            query_labels, database_labels, indices, k, grading
        )
    if class_names is not None:
        metrics.update(per_class_map(rel, query_labels, class_names, topk, convention))
    if tie_aware and query_bits is not None and database_bits is not None:
        expected = tie_aware_metrics(
            query_bits,
            query_labels,
            database_bits,
            database_labels,
            topk,
            convention,
            grading,
            class_names,
        )
        metrics.update(with_prefix(expected, TIE_AWARE))
    if other_ranking:
        other = evaluate_retrieval(
            query_outputs,
            query_labels,
            database_outputs,
            database_labels,
            topk,
            binarize=not binarize,
            convention=convention,
            grading=grading,
            tie_aware=tie_aware,
        )
        # Tie-aware values already name their ranking; a name holds one ranking only.
        tied = with_prefix(under_prefix(other.metrics, TIE_AWARE), TIE_AWARE)
        own = {name: value for name, value in other.metrics.items() if name not in tied}
        metrics.update(with_prefix(own, ranking_name(not binarize)))
        metrics.update(tied)
    return RetrievalResult(
        metrics=metrics,
        convention=convention,
        binarize=binarize,
        timings={"index_build_s": built - start, "search_s": searched - built},
    )


def random_code_reference(
    query_labels: np.ndarray,
    database_labels: np.ndarray,
    bits: int,
    topk: Sequence[int],
    seed: int,
    convention: str = "standard",
    grading: bool = False,
    class_names: Sequence[str] | None = None,
    tie_aware: bool = True,
) -> RetrievalResult:
    """Evaluate uniformly random ±1 codes: the chance reference for a trained model.

    Database codes are drawn first, then query codes, from
    ``numpy.random.default_rng(seed)``, each bit independently ±1 with
    probability 1/2; they are evaluated with :func:`evaluate_retrieval`
    (``binarize=True``). The result is deterministic for a given seed.

    Args:
        query_labels: ``(nq,)`` or ``(nq, C)`` query labels.
        database_labels: ``(n,)`` or ``(n, C)`` database labels.
        bits: Code length K, ``>= 1``.
        topk: Cut-offs k, each ``1 <= k <= n``.
        seed: Seed of the random codes.
        convention: ``"standard"`` or ``"authors"``.
        grading: 1-D labels are ordinal grades (NDCG gain by grade distance).
        class_names: Class names, for the per-class mAP of the random codes.
        tie_aware: Also report the expected metrics under random tie-breaking.

    Returns:
        The :class:`RetrievalResult` of the random codes.

    Raises:
        ValueError: If ``bits < 1`` or :func:`evaluate_retrieval` rejects the inputs.
    """
    if bits < 1:
        raise ValueError(f"bits must be >= 1, got {bits}")
    rng = np.random.default_rng(seed)
    n_database = np.asarray(database_labels).shape[0]
    n_query = np.asarray(query_labels).shape[0]
    database_outputs = rng.choice(np.array([-1.0, 1.0]), size=(n_database, bits))
    query_outputs = rng.choice(np.array([-1.0, 1.0]), size=(n_query, bits))
    return evaluate_retrieval(
        query_outputs,
        query_labels,
        database_outputs,
        database_labels,
        topk,
        binarize=True,
        convention=convention,
        grading=grading,
        class_names=class_names,
        tie_aware=tie_aware,
    )
