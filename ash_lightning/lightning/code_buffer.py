"""Accumulates encoded batches and gathers them across processes in dataset order."""

import numpy as np
import pytorch_lightning as pl
import torch
from torch import Tensor


def _all_gather_rows(pl_module: pl.LightningModule, tensor: Tensor) -> Tensor:
    """Every process's ``tensor``, stacked by the strategy and flattened to one batch."""
    gathered = pl_module.all_gather(tensor)
    if not isinstance(gathered, Tensor):
        raise TypeError(f"all_gather of a tensor returned a {type(gathered).__name__}")
    return gathered.flatten(0, 1)


class CodeBuffer:
    """Relaxed codes, labels and dataset indices of one evaluation loader.

    Under DDP every process encodes a shard, and the distributed sampler pads shards to
    equal length by repeating samples. :meth:`gather` collects every shard and puts each
    sample back at its dataset index, so nothing is dropped or counted twice.
    """

    def __init__(self) -> None:
        self.outputs: list[Tensor] = []
        self.labels: list[Tensor] = []
        self.indices: list[Tensor] = []

    def append(self, outputs: Tensor, labels: Tensor, indices: Tensor) -> None:
        """Store one batch (detached)."""
        self.outputs.append(outputs.detach().float())
        self.labels.append(labels.detach())
        self.indices.append(indices.detach())

    def gather(
        self, pl_module: pl.LightningModule, dataset_size: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """All processes' codes and labels, in dataset order.

        Args:
            pl_module: Module whose strategy performs the all-gather.
            dataset_size: Number of samples in the loader's dataset.

        Returns:
            ``(outputs, labels)`` as NumPy arrays with ``dataset_size`` rows.

        Raises:
            RuntimeError: Some dataset index was never encoded.
        """
        outputs = torch.cat(self.outputs)
        labels = torch.cat(self.labels)
        indices = torch.cat(self.indices)
        if pl_module.trainer.world_size > 1:
            outputs = _all_gather_rows(pl_module, outputs)
            labels = _all_gather_rows(pl_module, labels)
            indices = _all_gather_rows(pl_module, indices)
        indices_np = indices.cpu().numpy()
        seen = np.zeros(dataset_size, dtype=bool)
        seen[indices_np] = True
        if not seen.all():
            raise RuntimeError(f"{int((~seen).sum())} of {dataset_size} samples were not encoded")
        ordered_outputs = np.empty((dataset_size, outputs.shape[1]), dtype=np.float32)
        ordered_outputs[indices_np] = outputs.cpu().numpy()
        labels_np = labels.cpu().numpy()
        ordered_labels = np.empty((dataset_size, *labels_np.shape[1:]), dtype=labels_np.dtype)
        ordered_labels[indices_np] = labels_np
        return ordered_outputs, ordered_labels
