"""Dataset of training image triplets."""

from collections.abc import Callable

import numpy as np
import torch
from torch.utils.data import Dataset

from ash_lightning.data.image_tensors import training_input
from ash_lightning.data.mapped_rows import MappedRows
from ash_lightning.data.pair_sampling import Triplets


class TripletDataset(Dataset[tuple[torch.Tensor, ...]]):
    """Yields ``(anchor, positive, negative, anchor_label, positive_label, negative_label)``.

    Args:
        images: ``N x C x H x W`` uint8 images.
        labels: ``N`` integer or ``N x C`` multi-hot labels.
        triplets: Index triplets into ``images``.
        transform: Optional train-time augmentation of one ``C x H x W`` uint8 image.
    """

    def __init__(
        self,
        images: np.ndarray,
        labels: np.ndarray,
        triplets: Triplets,
        transform: Callable[[np.ndarray], np.ndarray] | None = None,
    ) -> None:
        self.images = MappedRows(images)
        self.labels = labels
        self.triplets = triplets
        self.transform = transform

    def __len__(self) -> int:
        return len(self.triplets)

    def _image(self, index: int) -> torch.Tensor:
        return training_input(self.images[index], self.transform)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, ...]:
        members = (
            self.triplets.anchor[index],
            self.triplets.positive[index],
            self.triplets.negative[index],
        )
        images = tuple(self._image(member) for member in members)
        labels = tuple(torch.as_tensor(self.labels[member]) for member in members)
        return (*images, *labels)
