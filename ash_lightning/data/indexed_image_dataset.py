"""Dataset of evaluation images that carries each image's position."""

import numpy as np
import torch
from torch.utils.data import Dataset

from ash_lightning.data.image_tensors import to_network_input


class IndexedImageDataset(Dataset[tuple[torch.Tensor, torch.Tensor, int]]):
    """Yields ``(image, label, index)``.

    The index lets the retrieval evaluation put codes gathered from several processes
    back in database order, dropping the duplicates a distributed sampler pads with.

    Args:
        images: ``N x C x H x W`` uint8 images.
        labels: ``N`` integer labels or ``N x C`` multi-hot labels.
    """

    def __init__(self, images: np.ndarray, labels: np.ndarray) -> None:
        if len(images) != len(labels):
            raise ValueError(f"{len(images)} images but {len(labels)} labels")
        self.images = images
        self.labels = labels

    def __len__(self) -> int:
        return len(self.images)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, torch.Tensor, int]:
        return to_network_input(self.images[index]), torch.as_tensor(self.labels[index]), index
