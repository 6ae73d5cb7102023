"""Query an index with one image: its top-k cases, their printed forms, and the figures.

The query is prepared and encoded by the index's network, its code is ranked against the
database codes by Hamming distance (the retrieval stage of Fang et al., BIBM 2020, §III; the
order is :mod:`ash_lightning.index.kinds`'s), and the answer is printed as an aligned table
or as JSON for other programs. With an explanation folder, the query's attention map is read
from the same forward pass that encodes it and the figures of
:mod:`ash_lightning.index.explain` are written.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from torch import nn

from ash_lightning.index.encode import encode_query
from ash_lightning.index.explain import Explanation, explain_query
from ash_lightning.index.store import CaseIndex, Hit

TABLE_COLUMNS = ("rank", "distance", "label", "split", "path")
_RIGHT_ALIGNED = {"rank", "distance"}


@dataclass(frozen=True)
class QueryResult:
    """The answer to one query.

    Attributes:
        query: The query image file.
        query_labels: Its labels when the file is itself an indexed case, else empty.
        k: The number of cases asked for.
        hits: The ranked cases, best first.
        explanation: The figures, when asked for.
    """

    query: Path
    query_labels: tuple[str, ...]
    k: int
    hits: list[Hit]
    explanation: Explanation | None


def query_index(
    index: CaseIndex, net: nn.Module, image: Path, k: int, explain_dir: Path | None = None
) -> QueryResult:
    """Retrieve the top-k cases of ``image``.

    Args:
        index: The loaded index.
        net: Its network (checked with :func:`~ash_lightning.index.encode.load_index_run`).
        image: The query image file.
        k: Cases wanted, at least 1.
        explain_dir: Where to write the figures, or None for none.

    Returns:
        The ranked cases and the figures written.

    Raises:
        BadImageError: The query image is missing or unreadable.
    """
    query = image.expanduser().resolve()
    preprocessing = index.header.preprocessing
    encoded = encode_query(net, query, preprocessing, explain_dir is not None)
    hits = index.search(encoded.code, k)
    labels = next((case.labels for case in index.cases if case.path == str(query)), ())
    explanation = (
        None
        if explain_dir is None
        else explain_query(encoded, query, labels, hits, preprocessing, explain_dir.expanduser())
    )
    return QueryResult(query, labels, k, hits, explanation)


def result_table(result: QueryResult) -> str:
    """The hits as a small aligned table, then the figures written, if any.

    Args:
        result: The answer to a query.

    Returns:
        The text to print.
    """
    rows = [TABLE_COLUMNS] + [
        (str(h.rank), str(h.distance), h.case.label_text(), h.case.split, h.case.path)
        for h in result.hits
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(len(TABLE_COLUMNS))]
    lines = [
        "  ".join(
            cell.rjust(width) if name in _RIGHT_ALIGNED else cell.ljust(width)
            for name, cell, width in zip(TABLE_COLUMNS, row, widths, strict=True)
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
