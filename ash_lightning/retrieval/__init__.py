"""Retrieval evaluation for hashing: binary codes, exact rankings and ranking metrics.

Implements the evaluation of ASH (Fang et al., "Attention-based Saliency Hashing
for Ophthalmic Image Retrieval", BIBM 2020): sign-binarised codes ranked by
Hamming distance (or raw outputs by cosine distance, as in the authors' code),
scored with mHR@k, mAP@k and mRR@k, plus NDCG@k (Järvelin & Kekäläinen, TOIS 2002)
for graded relevance, and for the Hamming ranking their expectation under uniformly
random tie-breaking (:mod:`~ash_lightning.retrieval.tie_aware`).
"""

from ash_lightning.retrieval.codes import binarize, pack_bits
from ash_lightning.retrieval.cosine_ranking import CosineIndex
from ash_lightning.retrieval.evaluation import (
    RetrievalResult,
    evaluate_retrieval,
    random_code_reference,
)
from ash_lightning.retrieval.hamming_ranking import HammingIndex, hamming_rank
from ash_lightning.retrieval.metrics import (
    CONVENTIONS,
    mean_average_precision,
    mean_hit_ratio,
    mean_reciprocal_rank,
    retrieval_metrics,
)
from ash_lightning.retrieval.ndcg import ndcg_at_k
from ash_lightning.retrieval.relevance import relevance_matrix
from ash_lightning.retrieval.tie_aware import tie_aware_metrics

__all__ = [
    "CONVENTIONS",
    "CosineIndex",
    "HammingIndex",
    "RetrievalResult",
    "binarize",
    "evaluate_retrieval",
    "hamming_rank",
    "mean_average_precision",
    "mean_hit_ratio",
    "mean_reciprocal_rank",
    "ndcg_at_k",
    "pack_bits",
    "random_code_reference",
    "relevance_matrix",
    "retrieval_metrics",
    "tie_aware_metrics",
]
