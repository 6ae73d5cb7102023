"""Features from the frozen trunk of a trained run, for the shallow hashers."""

from pathlib import Path

import numpy as np
import torch
from torch import nn

from ash_lightning.data.image_tensors import to_network_input
from ash_lightning.run.trained_run import load_trained_run


class TrunkFeatures:
    """Flattened trunk features of a trained hashing network (frozen, eval mode).

    Lets LSH, ITQ and MHF hash learned features instead of raw pixels, the two-stage setting
    the ASH paper (§II) contrasts with end-to-end deep hashing. The network is rebuilt from
    the run's ``results.json`` configuration and loaded from its checkpoint.

    Args:
        run_dir: Folder of a finished deep run (holds ``results.json`` and checkpoints).
        checkpoint: Checkpoint path relative to ``run_dir``; by default the one model
            selection kept (``checkpoints/best.ckpt``, or ``last.ckpt`` for older runs).
        batch_size: Images per forward pass.
    """

    def __init__(
        self, run_dir: str | Path, checkpoint: str | None = None, batch_size: int = 256
    ) -> None:
        trunk = load_trained_run(Path(run_dir) / (checkpoint or "")).net.trunk
        if not isinstance(trunk, nn.Module):
            raise TypeError(f"the network of {run_dir} has no trunk module")
        self.trunk: nn.Module = trunk
        self.batch_size = batch_size

    def __call__(self, images: np.ndarray) -> np.ndarray:
        """Map uint8 ``(n, C, H, W)`` images to float32 ``(n, F)`` trunk features."""
        chunks = []
        with torch.no_grad():
            for start in range(0, len(images), self.batch_size):
                batch = to_network_input(images[start : start + self.batch_size])
                chunks.append(self.trunk(batch).numpy())
        return np.concatenate(chunks).astype(np.float32)
