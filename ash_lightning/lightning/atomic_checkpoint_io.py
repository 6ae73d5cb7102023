"""Checkpoints written through a temporary file in the same folder, then renamed.

Lightning's own writer goes through a temporary file in the system's temporary folder and
moves it into place, which on another file system is a copy: a kill or a full disk during
that copy leaves a truncated ``last.ckpt`` at its final path. Here the rename is atomic, so
the previous checkpoint stays loadable until the new one is complete and flushed.
"""

import os
import tempfile
from pathlib import Path
from typing import Any

import torch
from lightning_fabric.plugins.io.torch_io import TorchCheckpointIO

from ash_lightning.data.file_permissions import permissions


class AtomicCheckpointIO(TorchCheckpointIO):
    """``torch.save`` to ``.<name>.*.tmp`` beside the target, ``fsync``, then ``os.replace``."""

    def save_checkpoint(
        self, checkpoint: dict[str, Any], path: Any, storage_options: Any | None = None
    ) -> None:
        """Write ``checkpoint`` to ``path`` atomically.

        Args:
            checkpoint: The state Lightning collected.
            path: The checkpoint file.
            storage_options: Not supported (as in Lightning's local writer).
        """
        if storage_options is not None:
            raise TypeError("AtomicCheckpointIO takes no storage_options")
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        try:
            os.fchmod(handle, permissions(0o666))
            with os.fdopen(handle, "wb") as stream:
                torch.save(checkpoint, stream)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(name, target)
        except BaseException:
            Path(name).unlink(missing_ok=True)
            raise
