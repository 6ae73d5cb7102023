"""The printed forms of a query's answer: an aligned table, or JSON for other programs."""

from typing import Any

from ash_lightning.index.query import QueryResult

COLUMNS = ("rank", "distance", "label", "split", "path")
_RIGHT_ALIGNED = {"rank", "distance"}


def result_table(result: QueryResult) -> str:
    """The hits as a small aligned table, then the figures written, if any.

    Reference: Fang et al., BIBM 2020, §IV-C (top-k retrieval lists).

    Args:
        result: The answer to a query.

    Returns:
        The text to print.
    """
    rows = [COLUMNS] + [
        (str(h.rank), str(h.distance), h.case.label_text(), h.case.split, h.case.path)
        for h in result.hits
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(len(COLUMNS))]
    lines = [
        "  ".join(
            cell.rjust(width) if name in _RIGHT_ALIGNED else cell.ljust(width)
            for name, cell, width in zip(COLUMNS, row, widths, strict=True)
        ).rstrip()
        for row in rows
    ]
    explanation = result.explanation
    if explanation is not None:
        lines.append(f"retrieval grid: {explanation.grid}")
        lines.append(
            f"attention overlay: {explanation.attention_overlay}"
            if explanation.attention_overlay is not None
            else str(explanation.note)
        )
    return "\n".join(lines)


def result_json(result: QueryResult) -> dict[str, Any]:
    """The answer as a JSON-ready object.

    Reference: Fang et al., BIBM 2020, §IV-C.

    Args:
        result: The answer to a query.

    Returns:
        ``query``, ``query_labels``, ``k``, ``results`` (``rank``, ``distance``, ``labels``,
        ``path``, ``split``, ``position`` per hit) and ``explain`` (``retrieval_grid``,
        ``attention_overlay``, ``note``; null without ``--explain``).
    """
    explanation = result.explanation
    return {
        "query": str(result.query),
        "query_labels": list(result.query_labels),
        "k": result.k,
        "results": [
            {
                "rank": hit.rank,
                "distance": hit.distance,
                "labels": list(hit.case.labels),
                "path": hit.case.path,
                "split": hit.case.split,
                "position": hit.position,
            }
            for hit in result.hits
        ],
        "explain": None
        if explanation is None
        else {
            "retrieval_grid": str(explanation.grid),
            "attention_overlay": None
            if explanation.attention_overlay is None
            else str(explanation.attention_overlay),
            "note": explanation.note,
        },
    }
