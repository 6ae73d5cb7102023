"""Dataset of training image pairs."""

from collections.abc import Callable

import numpy as np
import torch
from torch.utils.data import Dataset

from ash_lightning.data.image_tensors import training_input
from ash_lightning.data.mapped_rows import MappedRows
from ash_lightning.data.pair_sampling import Pairs


class PairDataset(Dataset[tuple[torch.Tensor, torch.Tensor, torch.Tensor]]):
    """Yields ``(image_1, image_2, dissimilar)`` for each drawn pair.

    Args:
        images: ``N x C x H x W`` uint8 images.
        pairs: Index pairs into ``images``.
        transform: Optional train-time augmentation of one ``C x H x W`` uint8 image.
    """

    def __init__(
        self,
        images: np.ndarray,
        pairs: Pairs,
        transform: Callable[[np.ndarray], np.ndarray] | None = None,
    ) -> None:
        self.images = MappedRows(images)
        self.pairs = pairs
        self.transform = transform

    def _image(self, index: int) -> torch.Tensor:
        return training_input(self.images[index], self.transform)

    def __len__(self) -> int:
        return len(self.pairs)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        first = self._image(self.pairs.first[index])
        second = self._image(self.pairs.second[index])
        return first, second, torch.tensor(self.pairs.dissimilar[index])
