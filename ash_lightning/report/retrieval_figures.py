"""Figures of single queries: a retrieval grid and an attention overlay, as in the paper's Fig. 4.

Shared by ``ash-index query --explain`` (files) and the experiment trackers (W&B, TensorBoard
images at the end of a run). Images are ``C x S x S`` uint8, as the network sees them.
"""

import math
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

GRID_COLUMNS = 6
PANEL_IN = 2.1
OVERLAY_ALPHA = 0.5
# Perceptually uniform, readable in grey print and by colour-blind readers (unlike "jet").
ATTENTION_COLORMAP = "viridis"
QUERY_COLOR = "tab:blue"
RELEVANT_COLOR = "tab:green"
IRRELEVANT_COLOR = "tab:red"


@dataclass(frozen=True)
class GridPanel:
    """One ranked item of a retrieval grid.

    Attributes:
        image: ``C x S x S`` uint8, or None when it could not be read.
        title: Rank, distance and label text.
        color: The title's colour (relevant, irrelevant, or unknown).
    """

    image: np.ndarray | None
    title: str
    color: str


def relevance_color(labels: tuple[str, ...], query_labels: tuple[str, ...]) -> str:
    """Green for an item sharing a label with a labelled query, red otherwise; black if unknown."""
    if not query_labels or not labels:
        return "black"
    return RELEVANT_COLOR if set(labels) & set(query_labels) else IRRELEVANT_COLOR


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


def attention_overlay_figure(image: np.ndarray, attention: np.ndarray) -> Figure:
    """The query and its attention map over it, side by side, with a colour bar.

    The map is the attention block's output (a sigmoid gate, or the attention received for
    mirror attention), rescaled to [0, 1] over the image for display; the colour bar states
    its raw range.

    Args:
        image: The query, ``C x S x S`` uint8.
        attention: The ``h x w`` map.

    Returns:
        The figure.
    """
    upsampled = upsample_map(attention, image.shape[-1])
    low, high = float(upsampled.min()), float(upsampled.max())
    scaled = (upsampled - low) / (high - low) if high > low else np.zeros_like(upsampled)
    figure = Figure(figsize=(8.4, 4.2))
    FigureCanvasAgg(figure)
    left, right = figure.subplots(1, 2)
    show_image(left, image)
    show_image(right, image)
    overlay = right.imshow(scaled, cmap=ATTENTION_COLORMAP, alpha=OVERLAY_ALPHA, vmin=0.0, vmax=1.0)
    bar = figure.colorbar(overlay, ax=right, fraction=0.046, pad=0.04)
    bar.set_label(f"attention, rescaled from [{low:.3g}, {high:.3g}]", fontsize=9)
    return figure


def retrieval_grid_figure(query: np.ndarray, query_title: str, panels: list[GridPanel]) -> Figure:
    """The query (framed) and its ranked items with their titles.

    Args:
        query: The query image, ``C x S x S`` uint8.
        query_title: Its caption (labels).
        panels: The ranked items.

    Returns:
        The figure.
    """
    count = 1 + len(panels)
    columns = min(count, GRID_COLUMNS)
    rows = math.ceil(count / columns)
    figure = Figure(figsize=(PANEL_IN * columns, (PANEL_IN + 0.4) * rows))
    FigureCanvasAgg(figure)
    axes = figure.subplots(rows, columns, squeeze=False).ravel()
    for axis in axes[count:]:
        axis.set_axis_off()
    show_image(axes[0], query)
    for spine in axes[0].spines.values():
        spine.set_edgecolor(QUERY_COLOR)
        spine.set_linewidth(4)
    axes[0].set_title(query_title, fontsize=9, color=QUERY_COLOR)
    for axis, panel in zip(axes[1:], panels, strict=False):
        if panel.image is None:
            axis.set_xticks([])
            axis.set_yticks([])
            axis.text(0.5, 0.5, "image\nunreadable", ha="center", va="center", fontsize=8)
        else:
            show_image(axis, panel.image)
        for spine in axis.spines.values():
            spine.set_visible(False)
        axis.set_title(panel.title, fontsize=9, color=panel.color)
    return figure
