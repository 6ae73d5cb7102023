"""Dataset of training image pairs."""

import numpy as np
import torch
from torch.utils.data import Dataset

from ash_lightning.data.image_tensors import to_network_input
from ash_lightning.data.pair_sampling import Pairs


class PairDataset(Dataset[tuple[torch.Tensor, torch.Tensor, torch.Tensor]]):
    """Yields ``(image_1, image_2, dissimilar)`` for each drawn pair.

    Args:
        images: ``N x C x H x W`` uint8 images.
        pairs: Index pairs into ``images``.
    """

    def __init__(self, images: np.ndarray, pairs: Pairs) -> None:
        self.images = images
        self.pairs = pairs

    def __len__(self) -> int:
        return len(self.pairs)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        first = to_network_input(self.images[self.pairs.first[index]])
        second = to_network_input(self.images[self.pairs.second[index]])
        return first, second, torch.tensor(self.pairs.dissimilar[index])
