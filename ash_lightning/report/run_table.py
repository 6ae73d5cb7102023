"""Markdown table of retrieval metrics: one row per method and metric, one column per k."""

from collections.abc import Mapping, Sequence

from ash_lightning.report.markdown import markdown_table
from ash_lightning.retrieval.metric_keys import metric_key

METRIC_NAMES = ("mHR", "mAP", "mRR", "NDCG")


def retrieval_table(rows: Mapping[str, Mapping[str, float]], topk: Sequence[int]) -> str:
    """Format ``{method: {"mAP@10": 0.7, ...}}`` as a Markdown table.

    Args:
        rows: Metrics of each method, keyed like ``"mHR@5"``.
        topk: The cut-offs to show as columns.

    Returns:
        The table, one line per method and metric.
    """
    return markdown_table(
        ["method", "metric", *(f"@{k}" for k in topk)],
        (
            [method, name, *(f"{metrics[metric_key(name, k)]:.4f}" for k in topk)]
            for method, metrics in rows.items()
            for name in METRIC_NAMES
        ),
        left_columns=2,
    )
