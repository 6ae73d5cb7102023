"""The figures that explain a query: its attention map and its retrieval grid.

As in Fang et al., BIBM 2020, Fig. 4, two PNGs are written into an explanation folder:
``retrieval_grid.png`` (the query, framed, and its top-k cases with label and Hamming
distance, green when a case shares a label with a labelled query, red otherwise) always, and
``attention_overlay.png`` (the query and its attention map over it) only when the network has
an attention gate; otherwise the explanation says why there is no overlay (and a stale
overlay in the folder is removed). Every image is shown as the network sees it: the index's
channels and border crop, at a display size.
"""

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ash_lightning.data.manifest import BadImageError
from ash_lightning.data.manifest.preprocessing import preprocess
from ash_lightning.index.encode import EncodedQuery
from ash_lightning.index.store import Hit

GRID_FILE = "retrieval_grid.png"
OVERLAY_FILE = "attention_overlay.png"
NO_ATTENTION = "no attention overlay: the network has no attention gate (attention=none)"
DISPLAY_SIZE = 256
THUMBNAIL_SIZE = 128
GRID_COLUMNS = 6
PANEL_IN = 2.1
DPI = 120
OVERLAY_ALPHA = 0.45
QUERY_COLOR = "tab:blue"
RELEVANT_COLOR = "tab:green"
IRRELEVANT_COLOR = "tab:red"


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


def show_image(axis: Axes, image: np.ndarray) -> None:
    """Draw a ``C x S x S`` uint8 image (grey for one channel) without ticks.

    Args:
        axis: Where to draw.
        image: The image.
    """
    if image.shape[0] == 1:
        axis.imshow(image[0], cmap="gray", vmin=0, vmax=255)
    else:
        axis.imshow(image.transpose(1, 2, 0))
    axis.set_xticks([])
    axis.set_yticks([])


def upsample_map(attention: np.ndarray, size: int) -> np.ndarray:
    """Bilinearly upsample an ``h x w`` map to ``size x size``.

    Args:
        attention: The map.
        size: The side of the output.

    Returns:
        The ``size x size`` float32 map.
    """
    tensor = torch.from_numpy(np.ascontiguousarray(attention, dtype=np.float32))[None, None]
    return F.interpolate(tensor, size=(size, size), mode="bilinear", align_corners=False)[
        0, 0
    ].numpy()


def write_attention_overlay(image: np.ndarray, attention: np.ndarray, out: Path) -> None:
    """Write the query and its attention overlay side by side as a PNG.

    The map is the attention block's output (a sigmoid gate, or the attention received for
    mirror attention); it is rescaled to [0, 1] over the image for display (its raw range is
    in the title) and drawn with a colour map over the image, as the saliency panels of the
    paper's Fig. 4.

    Args:
        image: The query, ``C x S x S`` uint8, as the network sees it (any display size).
        attention: The ``h x w`` map.
        out: The PNG file.
    """
    upsampled = upsample_map(attention, image.shape[-1])
    low, high = float(upsampled.min()), float(upsampled.max())
    scaled = (upsampled - low) / (high - low) if high > low else np.zeros_like(upsampled)
    figure = Figure(figsize=(8.4, 4.2))
    FigureCanvasAgg(figure)
    left, right = figure.subplots(1, 2)
    show_image(left, image)
    left.set_title("query")
    show_image(right, image)
    overlay = right.imshow(scaled, cmap="jet", alpha=OVERLAY_ALPHA, vmin=0.0, vmax=1.0)
    right.set_title(f"attention ({low:.3g} to {high:.3g}, rescaled)", fontsize=9)
    figure.colorbar(overlay, ax=right, fraction=0.046, pad=0.04)
    figure.savefig(out, dpi=DPI, bbox_inches="tight")


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

    Args:
        query: The query image, ``C x S x S`` uint8.
        query_labels: The query's labels when it is an indexed case, else empty.
        hits: The ranked cases.
        preprocessing: The index's ``channels`` and ``crop_black_border`` for the thumbnails.
        out: The PNG file.
    """
    panels = 1 + len(hits)
    columns = min(panels, GRID_COLUMNS)
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
