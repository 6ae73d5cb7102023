"""Dataset of evaluation images that carries each image's position."""

import numpy as np
import torch
from torch.utils.data import Dataset

from ash_lightning.data.image_tensors import to_network_input
from ash_lightning.data.mapped_rows import MappedRows


class IndexedImageDataset(Dataset[tuple[torch.Tensor, torch.Tensor, int]]):
    """Yields ``(image, label, index)``.

    The index lets the retrieval evaluation put codes gathered from several processes
    back in database order, dropping the duplicates a distributed sampler pads with.

    Args:
        images: ``N x C x H x W`` uint8 images.
        labels: ``N`` integer labels or ``N x C`` multi-hot labels.
        positions: The rows to yield, in this order (``None``: all of them). Item ``i`` is
            row ``positions[i]`` with index ``i``; the images are read in place, not copied.
    """

    def __init__(
        self, images: np.ndarray, labels: np.ndarray, positions: np.ndarray | None = None
    ) -> None:
        if len(images) != len(labels):
            raise ValueError(f"{len(images)} images but {len(labels)} labels")
        self.images = MappedRows(images)
        self.labels = labels
        self.positions = np.arange(len(images)) if positions is None else positions

    def __len__(self) -> int:
        return len(self.positions)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, torch.Tensor, int]:
        row = int(self.positions[index])
        return to_network_input(self.images[row]), torch.as_tensor(self.labels[row]), index
