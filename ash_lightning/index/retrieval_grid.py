"""The query and its top-k cases in one figure, as Fang et al., BIBM 2020, Fig. 4 C/D."""

import math
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ash_lightning.index.case_index import Hit
from ash_lightning.index.figure_images import display_image, show_image

THUMBNAIL_SIZE = 128
COLUMNS = 6
PANEL_IN = 2.1
DPI = 120
QUERY_COLOR = "tab:blue"
RELEVANT_COLOR = "tab:green"
IRRELEVANT_COLOR = "tab:red"


def _label_color(labels: tuple[str, ...], query_labels: tuple[str, ...]) -> str:
    """Green for a case sharing a label with a labelled query, red otherwise; black if unknown."""
    if not query_labels or not labels:
        return "black"
    return RELEVANT_COLOR if set(labels) & set(query_labels) else IRRELEVANT_COLOR


def write_retrieval_grid(
    query: np.ndarray,
    query_labels: tuple[str, ...],
    hits: list[Hit],
    preprocessing: dict[str, Any],
    out: Path,
) -> None:
    """Write the query (framed) and its ranked cases with label and Hamming distance as a PNG.

    Reference: Fang et al., BIBM 2020, Fig. 4 C/D (retrieved images of a query).

    Args:
        query: The query image, ``C x S x S`` uint8.
        query_labels: The query's labels when it is an indexed case, else empty.
        hits: The ranked cases.
        preprocessing: The index's ``channels`` and ``crop_black_border`` for the thumbnails.
        out: The PNG file.
    """
    panels = 1 + len(hits)
    columns = min(panels, COLUMNS)
    rows = math.ceil(panels / columns)
    figure = Figure(figsize=(PANEL_IN * columns, (PANEL_IN + 0.4) * rows))
    FigureCanvasAgg(figure)
    axes = figure.subplots(rows, columns, squeeze=False).ravel()
    for axis in axes[panels:]:
        axis.set_axis_off()
    show_image(axes[0], query)
    for spine in axes[0].spines.values():
        spine.set_edgecolor(QUERY_COLOR)
        spine.set_linewidth(4)
    axes[0].set_title("query\n" + ("|".join(query_labels) or "?"), fontsize=9, color=QUERY_COLOR)
    for axis, hit in zip(axes[1:], hits, strict=False):
        image = display_image(Path(hit.case.path), preprocessing, THUMBNAIL_SIZE)
        if image is None:
            axis.set_xticks([])
            axis.set_yticks([])
            axis.text(0.5, 0.5, "image\nunreadable", ha="center", va="center", fontsize=8)
        else:
            show_image(axis, image)
        for spine in axis.spines.values():
            spine.set_visible(False)
        color = _label_color(hit.case.labels, query_labels)
        title = f"#{hit.rank}  d = {hit.distance}\n{hit.case.label_text()}"
        axis.set_title(title, fontsize=9, color=color)
    figure.savefig(out, dpi=DPI, bbox_inches="tight")
