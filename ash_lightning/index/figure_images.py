"""Image panels of the explanation figures: an image file shown as the network sees it."""

from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.axes import Axes

from ash_lightning.data.manifest import BadImageError
from ash_lightning.data.manifest.preprocessing import preprocess


def display_image(path: Path, preprocessing: dict[str, Any], size: int) -> np.ndarray | None:
    """An image file prepared as for the network (same crop and field of view) at ``size``.

    Reference: Fang et al., BIBM 2020, Fig. 4 (query and retrieved images).

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

    Reference: Fang et al., BIBM 2020, Fig. 4.

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
