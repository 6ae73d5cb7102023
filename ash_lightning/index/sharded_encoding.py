"""Encode a collection on several processes, devices or nodes with Lightning's ``predict``.

For an archive too large for one process, ``ash-index build --devices N`` runs
``Trainer.predict`` under a distributed strategy (the same ``ddp``/``ddp_spawn`` strategies
as training; several nodes through SLURM or the Hydra submitit launcher). Each process
decodes and encodes its share of the files (Lightning's distributed sampler), a
:class:`CodeShardWriter` writes what it encoded to one shard file per process, and the
process of global rank 0 merges the shards in database order, so the index is the one a
single process builds. No scheduler of our own: Lightning starts and joins the processes.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytorch_lightning as pl
import torch
from pytorch_lightning.callbacks import BasePredictionWriter
from torch import nn
from torch.utils.data import DataLoader, Dataset

from ash_lightning.data.image_tensors import to_network_input
from ash_lightning.data.manifest import BadImageError
from ash_lightning.data.manifest.preprocessing import preprocess
from ash_lightning.index.encode import BadImagePolicy, EncodedFiles
from ash_lightning.retrieval.codes import binarize, pack_bits

Item = tuple[torch.Tensor, int, str]


@dataclass(frozen=True)
class Distribution:
    """Where ``predict`` runs.

    Attributes:
        devices: Processes (or devices) per node.
        num_nodes: Nodes.
        accelerator: ``cpu``, ``gpu`` or ``auto``.
        strategy: ``ddp_spawn`` (the default; the calling process goes on after the
            encoding) or ``ddp`` (every process runs the command, rank 0 writes the index).
    """

    devices: int = 1
    num_nodes: int = 1
    accelerator: str = "cpu"
    strategy: str = "ddp_spawn"


class ImageFiles(Dataset[Item]):
    """Image files decoded on demand: ``(C x S x S uint8, position, error or "")``."""

    def __init__(self, root: Path, paths: list[str], preprocessing: dict[str, Any]) -> None:
        self.root = root
        self.paths = paths
        self.preprocessing = preprocessing

    def __len__(self) -> int:
        return len(self.paths)

    def __getitem__(self, position: int) -> Item:
        size, channels = self.preprocessing["image_size"], self.preprocessing["channels"]
        try:
            image = preprocess(
                self.root / self.paths[position],
                size,
                channels,
                self.preprocessing["crop_black_border"],
            )
            return torch.from_numpy(image), position, ""
        except BadImageError as error:
            return torch.zeros((channels, size, size), dtype=torch.uint8), position, str(error)


class CodeEncoder(pl.LightningModule):
    """``predict_step``: a batch of files to their positions, outputs and errors."""

    def __init__(self, net: nn.Module) -> None:
        super().__init__()
        self.net = net

    def predict_step(self, batch: Any, batch_idx: int) -> dict[str, Any]:
        """Encode one batch without gradients."""
        images, positions, errors = batch
        outputs = self.net(to_network_input(images.cpu().numpy()).to(self.device))
        return {"positions": positions, "outputs": outputs.float().cpu(), "errors": errors}


class CodeShardWriter(BasePredictionWriter):
    """Keep each batch this process encoded; save them as ``shard-<global rank>.npz``."""

    def __init__(self, folder: Path) -> None:
        super().__init__(write_interval="batch")
        self.folder = folder
        self._batches: list[dict[str, Any]] = []

    def write_on_batch_end(
        self,
        trainer: pl.Trainer,
        pl_module: pl.LightningModule,
        prediction: Any,
        batch_indices: Any,
        batch: Any,
        batch_idx: int,
        dataloader_idx: int,
    ) -> None:
        """Keep one batch's positions, outputs and errors."""
        self._batches.append(prediction)

    def on_predict_epoch_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        """Write this process's shard."""
        batches, self._batches = self._batches, []
        np.savez(
            self.folder / f"shard-{trainer.global_rank}.npz",
            positions=np.concatenate([batch["positions"].numpy() for batch in batches]),
            outputs=np.concatenate([batch["outputs"].numpy() for batch in batches]),
            errors=np.array([error for batch in batches for error in batch["errors"]], dtype=str),
        )


def merge_shards(folder: Path, paths: list[str]) -> tuple[EncodedFiles, list[str]]:
    """The shards' codes in database order, the sampler's repeated padding items removed.

    Args:
        folder: The shards.
        paths: The files, in database order.

    Returns:
        The encoded files, and the error of each unreadable one.

    Raises:
        BadImageError: No readable file.
        RuntimeError: The shards do not cover every file.
    """
    shards = [np.load(path) for path in sorted(folder.glob("shard-*.npz"))]
    positions = np.concatenate([shard["positions"] for shard in shards]).astype(np.int64)
    outputs = np.concatenate([shard["outputs"] for shard in shards])
    errors = np.concatenate([shard["errors"] for shard in shards])
    unique, first = np.unique(positions, return_index=True)
    if len(unique) != len(paths):
        raise RuntimeError(f"the shards hold {len(unique)} of the {len(paths)} files")
    outputs, errors = outputs[first], errors[first]
    kept = np.flatnonzero(errors == "")
    if kept.size == 0:
        raise BadImageError(f"none of the {len(paths)} images is readable")
    bad = np.flatnonzero(errors != "")
    encoded = EncodedFiles(
        pack_bits(binarize(outputs[kept])), kept, tuple(paths[position] for position in bad)
    )
    return encoded, [str(errors[position]) for position in bad]


def encode_files_sharded(
    net: nn.Module,
    root: Path,
    paths: list[str],
    preprocessing: dict[str, Any],
    distribution: Distribution,
    scratch: Path,
    batch_size: int = 64,
    on_bad_image: BadImagePolicy = "error",
) -> EncodedFiles | None:
    """Encode image files with ``Trainer.predict`` over ``distribution``.

    Args:
        net: The run's network.
        root: Folder the paths are relative to.
        paths: The image files, in database order.
        preprocessing: ``image_size``, ``channels``, ``crop_black_border`` of the run.
        distribution: Processes, nodes, accelerator and strategy.
        scratch: An empty folder visible to every process (a shared file system across
            nodes) for the shards.
        batch_size: Files per batch and process.
        on_bad_image: ``"error"`` refuses an unreadable file (after the encoding, naming
            the first); ``"skip"`` leaves it out.

    Returns:
        The codes in database order, on the process of global rank 0; None on the others
        (under ``ddp``), which must not write the index.

    Raises:
        BadImageError: An unreadable file with ``"error"``, or none readable.
    """
    trainer = pl.Trainer(
        accelerator=distribution.accelerator,
        devices=distribution.devices,
        num_nodes=distribution.num_nodes,
        strategy=distribution.strategy,
        logger=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        callbacks=[CodeShardWriter(scratch)],
    )
    loader = DataLoader(ImageFiles(root, paths, preprocessing), batch_size=batch_size)
    trainer.predict(CodeEncoder(net.eval()), loader, return_predictions=False)
    if not trainer.is_global_zero:
        return None
    encoded, errors = merge_shards(scratch, paths)
    if errors and on_bad_image == "error":
        raise BadImageError(errors[0])
    return encoded
