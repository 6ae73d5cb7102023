"""A checkpoint write that fails half-way leaves the previous checkpoint whole."""

import pytest
import torch

import ash_lightning.lightning.atomic_checkpoint_io as module
from ash_lightning.lightning.atomic_checkpoint_io import AtomicCheckpointIO


def test_a_checkpoint_is_replaced_whole_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "checkpoints" / "last.ckpt"
    writer = AtomicCheckpointIO()
    writer.save_checkpoint({"epoch": 1, "state_dict": {"w": torch.ones(3)}}, path)
    writer.save_checkpoint({"epoch": 2, "state_dict": {"w": torch.zeros(3)}}, path)
    assert torch.load(path, weights_only=True)["epoch"] == 2
    assert [p.name for p in path.parent.iterdir()] == ["last.ckpt"]


def test_a_write_that_fails_half_way_keeps_the_previous_checkpoint(tmp_path, monkeypatch):
    path = tmp_path / "last.ckpt"
    writer = AtomicCheckpointIO()
    writer.save_checkpoint({"epoch": 1, "state_dict": {"w": torch.ones(1000)}}, path)

    def disk_full(checkpoint, stream):
        stream.write(b"\x80\x02 half a checkpoint")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(module.torch, "save", disk_full)
    with pytest.raises(OSError, match="No space left"):
        writer.save_checkpoint({"epoch": 2, "state_dict": {}}, path)
    monkeypatch.undo()
    assert torch.load(path, weights_only=True)["epoch"] == 1
    assert [p.name for p in tmp_path.iterdir()] == ["last.ckpt"]
