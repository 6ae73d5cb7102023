"""The figures that explain a query: its attention map and its retrieval grid.

As in Fang et al., BIBM 2020, Fig. 4, two PNGs are written into an explanation folder:
``retrieval_grid.png`` (the query, framed, and its top-k cases with label and Hamming
distance, green when a case shares a label with a labelled query, red otherwise) always, and
``attention_overlay.png`` (the query and its attention map over it) only when the network has
an attention gate; otherwise the explanation says why there is no overlay (and a stale
overlay in the folder is removed). Every image is shown as the network sees it: the index's
channels and border crop, at a display size.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ash_lightning.data.manifest import BadImageError
from ash_lightning.data.manifest.preprocessing import preprocess
from ash_lightning.index.encode import EncodedQuery
from ash_lightning.index.store import Hit
from ash_lightning.report.retrieval_figures import (
    GridPanel,
    attention_overlay_figure,
    relevance_color,
    retrieval_grid_figure,
)

GRID_FILE = "retrieval_grid.png"
OVERLAY_FILE = "attention_overlay.png"
NO_ATTENTION = "no attention overlay: the network has no attention gate (attention=none)"
DISPLAY_SIZE = 256
THUMBNAIL_SIZE = 128
DPI = 120


@dataclass(frozen=True)
class Explanation:
    """The figures written for a query.

    Attributes:
        grid: The retrieval grid PNG.
        attention_overlay: The attention overlay PNG, or None.
        note: Why there is no overlay, or None.
    """

    grid: Path
    attention_overlay: Path | None
    note: str | None


def display_image(path: Path, preprocessing: dict[str, Any], size: int) -> np.ndarray | None:
    """An image file prepared as for the network (same crop and field of view) at ``size``.

    Args:
        path: The image file.
        preprocessing: ``channels`` and ``crop_black_border`` of the index.
        size: Side of the displayed square, in pixels.

    Returns:
        ``C x size x size`` uint8, or None when the file is missing or unreadable.
    """
    try:
        return preprocess(path, size, preprocessing["channels"], preprocessing["crop_black_border"])
    except BadImageError:
        return None


def write_attention_overlay(image: np.ndarray, attention: np.ndarray, out: Path) -> None:
    """Write the query and its attention overlay side by side as a PNG.

    Args:
        image: The query, ``C x S x S`` uint8, as the network sees it (any display size).
        attention: The ``h x w`` map.
        out: The PNG file.
    """
    attention_overlay_figure(image, attention).savefig(out, dpi=DPI, bbox_inches="tight")


def write_retrieval_grid(
    query: np.ndarray,
    query_labels: tuple[str, ...],
    hits: list[Hit],
    preprocessing: dict[str, Any],
    out: Path,
) -> None:
    """Write the query (framed) and its ranked cases with label and Hamming distance as a PNG.

    Args:
        query: The query image, ``C x S x S`` uint8.
        query_labels: The query's labels when it is an indexed case, else empty.
        hits: The ranked cases.
        preprocessing: The index's ``channels`` and ``crop_black_border`` for the thumbnails.
        out: The PNG file.
    """
    panels = [
        GridPanel(
            display_image(Path(hit.case.path), preprocessing, THUMBNAIL_SIZE),
            f"#{hit.rank}  d = {hit.distance}\n{hit.case.label_text()}",
            relevance_color(hit.case.labels, query_labels),
        )
        for hit in hits
    ]
    figure = retrieval_grid_figure(query, "query\n" + ("|".join(query_labels) or "?"), panels)
    figure.savefig(out, dpi=DPI, bbox_inches="tight")


def explain_query(
    encoded: EncodedQuery,
    query: Path,
    query_labels: tuple[str, ...],
    hits: list[Hit],
    preprocessing: dict[str, Any],
    out_dir: Path,
) -> Explanation:
    """Write the retrieval grid and, when the network gave a map, the attention overlay.

    Args:
        encoded: The query as encoded, with its attention map when there is one.
        query: The query image file (shown at :data:`DISPLAY_SIZE` when readable).
        query_labels: The query's labels when it is an indexed case, else empty.
        hits: The ranked cases.
        preprocessing: The index's ``channels`` and ``crop_black_border``.
        out_dir: The explanation folder (created when missing).

    Returns:
        The figures written, or why there is no overlay.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    shown = display_image(query, preprocessing, DISPLAY_SIZE)
    shown = encoded.image if shown is None else shown
    grid = out_dir / GRID_FILE
    write_retrieval_grid(shown, query_labels, hits, preprocessing, grid)
    overlay = out_dir / OVERLAY_FILE
    if encoded.attention is None:
        overlay.unlink(missing_ok=True)
        return Explanation(grid, None, NO_ATTENTION)
    write_attention_overlay(shown, encoded.attention, overlay)
    return Explanation(grid, overlay, None)
