"""Continue a killed run from its last checkpoint, into the same run folder.

``resume=auto`` continues from ``<output_dir>/checkpoints/last.ckpt`` when there is one (and
starts afresh otherwise); ``resume=<path>`` continues from that checkpoint. Lightning
restores the weights, the optimiser, the epoch and the callbacks' state (the best
checkpoint so far), and the epoch that was cut short is trained again from its start.
Because the run writes ``results.json`` only at its very end, a killed run never has one.
"""

from pathlib import Path

from omegaconf import DictConfig

LAST_CHECKPOINT = Path("checkpoints") / "last.ckpt"


def resume_checkpoint(cfg: DictConfig) -> str | None:
    """The checkpoint ``trainer.fit`` continues from, or None to start afresh.

    An explicit ``resume`` path was checked to exist by
    :func:`~ash_lightning.run.config_check.validate_config`, before training.

    Args:
        cfg: The run configuration (``resume``, ``output_dir``).

    Returns:
        A checkpoint path, or None.
    """
    resume = cfg.get("resume")
    if resume is None:
        return None
    if resume == "auto":
        last = Path(cfg.output_dir) / LAST_CHECKPOINT
        return str(last) if last.is_file() else None
    return str(Path(str(resume)).expanduser())
