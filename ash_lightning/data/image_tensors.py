"""Conversion of stored uint8 images to network inputs."""

from collections.abc import Callable

import numpy as np
import torch


def to_network_input(images: np.ndarray) -> torch.Tensor:
    """Scale uint8 images (any leading shape, ``C x H x W`` last) to float32 in [-1, 1].

    ``float32`` arrays are network inputs already (the frozen trunk features of
    :mod:`ash_lightning.run.frozen_features`) and are returned unchanged, as a copy.
    """
    if images.dtype == np.float32:
        return torch.tensor(images)
    # The float copy is writable even when ``images`` is a read-only memory map.
    return torch.from_numpy(images.astype(np.float32)).div_(127.5).sub_(1.0)


def training_input(
    image: np.ndarray, transform: Callable[[np.ndarray], np.ndarray] | None
) -> torch.Tensor:
    """Augment one ``C x H x W`` uint8 training image (when a transform is set), then scale it."""
    return to_network_input(image if transform is None else transform(image))
