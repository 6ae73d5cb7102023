"""Dataset of single training images with their labels, for losses over in-batch pairs."""

from collections.abc import Callable

import numpy as np
import torch
from torch.utils.data import Dataset

from ash_lightning.data.image_tensors import training_input
from ash_lightning.data.mapped_rows import MappedRows


class LabelledImageDataset(Dataset[tuple[torch.Tensor, torch.Tensor]]):
    """Yields ``(image, label)`` for the images of one epoch, in the drawn order.

    Losses that compare every pair inside a batch (the fine triplet loss of mirror
    attention, the weighted likelihood of attention-guided hashing) train on batches of
    labelled images instead of pre-drawn pairs.

    Args:
        images: ``N x C x H x W`` uint8 images.
        labels: ``N`` integer labels or ``N x C`` multi-hot labels.
        order: Positions into ``images`` for this epoch.
        transform: Optional train-time augmentation of one ``C x H x W`` uint8 image.
    """

    def __init__(
        self,
        images: np.ndarray,
        labels: np.ndarray,
        order: np.ndarray,
        transform: Callable[[np.ndarray], np.ndarray] | None = None,
    ) -> None:
        if len(images) != len(labels):
            raise ValueError(f"{len(images)} images but {len(labels)} labels")
        self.images = MappedRows(images)
        self.labels = labels
        self.order = order
        self.transform = transform

    def __len__(self) -> int:
        return len(self.order)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, torch.Tensor]:
        position = self.order[index]
        image = training_input(self.images[position], self.transform)
        return image, torch.as_tensor(self.labels[position])
