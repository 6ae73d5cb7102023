"""What a tracker shows of a tested run.

Retrieval grids and attention overlays of fixed test queries, per-class mAP, code usage and
the precision-recall curve over Hamming radius.
"""

from dataclasses import dataclass

import numpy as np
import torch
from matplotlib.figure import Figure
from torch import nn

from ash_lightning.data.image_tensors import to_network_input
from ash_lightning.data.label_names import label_names
from ash_lightning.nn.attention_maps import attention_maps
from ash_lightning.report.retrieval_figures import (
    GridPanel,
    attention_overlay_figure,
    relevance_color,
    retrieval_grid_figure,
)
from ash_lightning.retrieval.codes import binarize
from ash_lightning.retrieval.evaluated_codes import EvaluatedCodes
from ash_lightning.retrieval.hamming_pr_curve import HammingPRCurve, hamming_pr_curve
from ash_lightning.retrieval.metric_keys import is_metric_key, parse_metric_key

SHOWN_QUERIES = 4
SHOWN_RESULTS = 5
QUERY_SEED = 0


@dataclass(frozen=True)
class RunMedia:
    """The test stage's figures and tables, tracker-independent.

    Attributes:
        retrieval_grids: One figure per shown query: it and its top results.
        attention_overlays: One figure per shown query, empty without an attention block.
        per_class_map: Rows ``(class, k, mAP@k)`` of the test queries of each class.
        bit_balance: Fraction of +1 of each bit over the database.
        code_usage: Database items per distinct code, most used first.
        pr_curve: Precision and recall within each Hamming radius.
    """

    retrieval_grids: list[Figure]
    attention_overlays: list[Figure]
    per_class_map: list[tuple[str, int, float]]
    bit_balance: np.ndarray
    code_usage: np.ndarray
    pr_curve: HammingPRCurve


def shown_queries(count: int) -> np.ndarray:
    """The fixed test queries every run shows: the same seeded choice for every method."""
    rng = np.random.default_rng(QUERY_SEED)
    return np.sort(rng.choice(count, size=min(SHOWN_QUERIES, count), replace=False))


def _grid(
    query: int,
    codes: EvaluatedCodes,
    database_bits: np.ndarray,
    test_images: np.ndarray,
    database_images: np.ndarray,
    class_names: tuple[str, ...],
) -> Figure:
    """The query and its top results by Hamming distance, ties in the database's ranking order."""
    distances = (database_bits != binarize(codes.queries[query : query + 1])).sum(axis=1)
    ranked = np.argsort(distances, kind="stable")[:SHOWN_RESULTS]
    query_names = label_names(codes.query_labels[query], class_names)
    panels = []
    for rank, row in enumerate(ranked, start=1):
        names = label_names(codes.database_labels[row], class_names)
        panels.append(
            GridPanel(
                database_images[codes.database_order[row]],
                f"#{rank}  d = {distances[row]}\n{'|'.join(names)}",
                relevance_color(names, query_names),
            )
        )
    return retrieval_grid_figure(test_images[query], "query\n" + "|".join(query_names), panels)


def _overlays(net: nn.Module | None, images: np.ndarray) -> list[Figure]:
    """Attention overlays of ``images``; none for a network without an attention block."""
    if net is None:
        return []
    was_training = net.training
    net.eval()
    try:
        with torch.no_grad():
            _, maps = attention_maps(net, to_network_input(images))
    except ValueError:
        return []
    finally:
        net.train(was_training)
    return [
        attention_overlay_figure(image, attention[0].numpy())
        for image, attention in zip(images, maps, strict=True)
    ]


def _per_class(metrics: dict[str, float]) -> list[tuple[str, int, float]]:
    rows = []
    for name, value in metrics.items():
        if not is_metric_key(name):
            continue
        key = parse_metric_key(name)
        if key.metric == "mAP" and key.class_name is not None and key.ranking is None:
            rows.append((key.class_name, key.k, float(value)))
    return sorted(rows)


def run_media(
    codes: EvaluatedCodes,
    test_images: np.ndarray,
    database_images: np.ndarray,
    class_names: tuple[str, ...],
    test_metrics: dict[str, float],
    net: nn.Module | None = None,
) -> RunMedia:
    """Build the figures and tables of a tested run.

    Args:
        codes: The test evaluation's outputs, the database in its ranking order.
        test_images: ``(nq, C, H, W)`` uint8 test queries.
        database_images: ``(n, C, H, W)`` uint8 database images, in split order.
        class_names: Name of each label.
        test_metrics: The test metrics (per-class ones named ``mAP@k/<class>``).
        net: The tested network, for the attention overlays; None for shallow methods.

    Returns:
        The media.
    """
    queries = shown_queries(len(codes.queries))
    bits = binarize(codes.database)
    _, usage = np.unique(bits, axis=0, return_counts=True)
    return RunMedia(
        retrieval_grids=[
            _grid(int(query), codes, bits, test_images, database_images, class_names)
            for query in queries
        ],
        attention_overlays=_overlays(net, test_images[queries]),
        per_class_map=_per_class(test_metrics),
        bit_balance=bits.mean(axis=0),
        code_usage=np.sort(usage)[::-1],
        pr_curve=hamming_pr_curve(
            codes.queries, codes.query_labels, codes.database, codes.database_labels
        ),
    )
