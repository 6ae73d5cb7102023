"""Conversion of stored uint8 images to network inputs."""

import numpy as np
import torch


def to_network_input(images: np.ndarray) -> torch.Tensor:
    """Scale uint8 images (any leading shape, ``C x H x W`` last) to float32 in [-1, 1]."""
    return torch.from_numpy(np.ascontiguousarray(images)).float().div_(127.5).sub_(1.0)
