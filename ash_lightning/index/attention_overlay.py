"""The query's attention map, upsampled over the query image (Fang et al., BIBM 2020, Fig. 4)."""

from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ash_lightning.index.figure_images import show_image

OVERLAY_ALPHA = 0.45
DPI = 120


def upsample_map(attention: np.ndarray, size: int) -> np.ndarray:
    """Bilinearly upsample an ``h x w`` map to ``size x size``.

    Reference: Fang et al., BIBM 2020, §III-A (the attention block's spatial weights).

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
    mirror attention); it is rescaled to [0, 1] over the image
    for display (its raw range is in the title) and drawn with a colour map over the image,
    as the saliency panels of Fang et al., BIBM 2020, Fig. 4.

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
