"""Query an index with one image: its top-k cases and, optionally, the figures that explain them.

With an explanation folder, the query's attention map is read from the forward pass that
encodes it, and two PNGs are written: ``retrieval_grid.png`` (the query and its top-k cases
with labels and Hamming distances, as Fang et al., BIBM 2020, Fig. 4 C/D) always, and
``attention_overlay.png`` (the attention map over the query) only when the network has an
attention gate; otherwise the result says why there is no overlay (and a stale overlay in
the folder is removed).
"""

from dataclasses import dataclass
from pathlib import Path

from torch import nn

from ash_lightning.index.attention_overlay import write_attention_overlay
from ash_lightning.index.case_index import CaseIndex, Hit
from ash_lightning.index.figure_images import display_image
from ash_lightning.index.query_encoding import EncodedQuery, encode_query
from ash_lightning.index.retrieval_grid import write_retrieval_grid

GRID_FILE = "retrieval_grid.png"
OVERLAY_FILE = "attention_overlay.png"
DISPLAY_SIZE = 256
NO_ATTENTION = "no attention overlay: the network has no attention gate (attention=none)"


@dataclass(frozen=True)
class Explanation:
    """The figures written for a query (Fang et al., BIBM 2020, Fig. 4).

    Attributes:
        grid: The retrieval grid PNG.
        attention_overlay: The attention overlay PNG, or None.
        note: Why there is no overlay, or None.
    """

    grid: Path
    attention_overlay: Path | None
    note: str | None


@dataclass(frozen=True)
class QueryResult:
    """The answer to one query (Fang et al., BIBM 2020, §III retrieval, §IV-C top-k lists).

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


def _explain(
    index: CaseIndex,
    encoded: EncodedQuery,
    query: Path,
    labels: tuple[str, ...],
    hits: list[Hit],
    out_dir: Path,
) -> Explanation:
    """Write the retrieval grid and, when there is a map, the attention overlay."""
    out_dir.mkdir(parents=True, exist_ok=True)
    preprocessing = index.header.preprocessing
    shown = display_image(query, preprocessing, DISPLAY_SIZE)
    shown = encoded.image if shown is None else shown
    grid = out_dir / GRID_FILE
    write_retrieval_grid(shown, labels, hits, preprocessing, grid)
    overlay = out_dir / OVERLAY_FILE
    if encoded.attention is None:
        overlay.unlink(missing_ok=True)
        return Explanation(grid, None, NO_ATTENTION)
    write_attention_overlay(shown, encoded.attention, overlay)
    return Explanation(grid, overlay, None)


def query_index(
    index: CaseIndex, net: nn.Module, image: Path, k: int, explain_dir: Path | None = None
) -> QueryResult:
    """Retrieve the top-k cases of ``image`` (Fang et al., BIBM 2020, §III, Fig. 4).

    Args:
        index: The loaded index.
        net: Its network (checked with :func:`~ash_lightning.index.run_check.load_index_run`).
        image: The query image file.
        k: Cases wanted, at least 1.
        explain_dir: Where to write the figures, or None for none.

    Returns:
        The ranked cases and the figures written.

    Raises:
        BadImageError: The query image is missing or unreadable.
    """
    query = image.expanduser().resolve()
    encoded = encode_query(net, query, index.header.preprocessing, explain_dir is not None)
    hits = index.search(encoded.code, k)
    labels = next((case.labels for case in index.cases if case.path == str(query)), ())
    explanation = (
        None
        if explain_dir is None
        else _explain(index, encoded, query, labels, hits, explain_dir.expanduser())
    )
    return QueryResult(query, labels, k, hits, explanation)
