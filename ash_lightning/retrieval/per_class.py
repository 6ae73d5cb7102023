"""mAP@k of the queries of each class, beside the overall mean.

ATH (Fang, Fu, Liu, Medical Image Analysis 2021) claims to boost ranking for
small-sample classes; checking that needs the metric of each class's queries,
not only the mean over all queries, which the large classes dominate.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ash_lightning.retrieval.metric_keys import metric_key
from ash_lightning.retrieval.metrics import mean_average_precision


def class_members(query_labels: np.ndarray, num_classes: int) -> np.ndarray:
    """Which queries belong to each class, shape ``(num_classes, nq)``, boolean.

    Args:
        query_labels: ``(nq,)`` class labels (or grades) in ``[0, num_classes)``, or
            ``(nq, num_classes)`` {0, 1} label vectors (a query belongs to every class
            it carries).
        num_classes: Number of classes.

    Returns:
        Row c marks the queries of class c.

    Raises:
        ValueError: If the labels do not fit ``num_classes``.
    """
    labels = np.asarray(query_labels)
    if labels.ndim == 2:
        if labels.shape[1] != num_classes:
            raise ValueError(f"labels have {labels.shape[1]} columns for {num_classes} classes")
        return labels.T.astype(bool)
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(
            f"labels must lie in [0, {num_classes}), got {labels.min()}..{labels.max()}"
        )
    return labels[None, :] == np.arange(num_classes)[:, None]


def per_class_map(
    rel: np.ndarray,
    query_labels: np.ndarray,
    class_names: Sequence[str],
    topk: Sequence[int],
    convention: str = "standard",
) -> dict[str, float]:
    """mAP@k over the queries of each class, for every cut-off.

    Args:
        rel: Ranked boolean relevance matrix ``(nq, k_max)``.
        query_labels: ``(nq,)`` or ``(nq, C)`` labels of the queries (rows of ``rel``).
        class_names: Name of each class, index = label.
        topk: Cut-offs k.
        convention: ``"standard"`` or ``"authors"`` (see :mod:`.metrics`).

    Returns:
        ``{"mAP@k/<class name>": value}``; a class without queries is left out.
    """
    members = class_members(query_labels, len(class_names))
    metrics: dict[str, float] = {}
    for name, queries in zip(class_names, members, strict=True):
        if queries.any():
            for k in topk:
                metrics[metric_key("mAP", k, class_name=name)] = mean_average_precision(
                    rel[queries], k, convention
                )
    return metrics
