"""Encode stored uint8 images with a trained network, batch by batch, with a progress bar."""

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm

from ash_lightning.data.image_tensors import to_network_input


def encode_images(
    net: nn.Module,
    images: np.ndarray,
    batch_size: int = 256,
    progress: bool = False,
    description: str = "encoding",
    device: str | torch.device = "cpu",
) -> np.ndarray:
    """Relaxed codes of ``images``: the retrieval stage of Fang et al., BIBM 2020, §III.

    Images are scaled exactly as in training and evaluation
    (:func:`~ash_lightning.data.image_tensors.to_network_input`) and encoded without
    gradients in eval mode.

    Args:
        net: A hashing network, ``N x C x H x W`` -> ``N x K``.
        images: ``N x C x H x W`` uint8 images.
        batch_size: Images per forward pass.
        progress: Show a progress bar (on standard error).
        description: The progress bar's label.
        device: Where the network runs (``"cpu"``, ``"cuda"``); it is moved there.

    Returns:
        ``N x K`` float32 outputs (sign them for the binary codes).

    Raises:
        ValueError: ``images`` is not ``N x C x H x W`` uint8, or ``batch_size < 1``.
    """
    if images.ndim != 4 or images.dtype != np.uint8:
        raise ValueError(f"images must be N x C x H x W uint8, got {images.dtype} {images.shape}")
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    net.eval().to(device)
    outputs = []
    starts = range(0, len(images), batch_size)
    with torch.no_grad():
        for start in tqdm(starts, desc=description, unit="batch", disable=not progress):
            batch = to_network_input(images[start : start + batch_size]).to(device)
            outputs.append(net(batch).float().cpu().numpy())
    if not outputs:
        return np.zeros((0, 0), dtype=np.float32)
    return np.concatenate(outputs)
