"""Continue a killed run from its last checkpoint, into the same run folder.

``resume=auto`` continues from ``<output_dir>/checkpoints/last.ckpt`` when there is one (and
starts afresh otherwise); ``resume=<path>`` continues from that checkpoint. Lightning
restores the weights, the optimiser, the epoch and the callbacks' state (the best
checkpoint so far), and the epoch that was cut short is trained again from its start.
Because the run writes ``results.json`` only at its very end, a killed run never has one.
"""

from pathlib import Path

from omegaconf import DictConfig

from ash_lightning.run.config_check import ConfigError
from ash_lightning.run.resumable_checkpoint import unresumable_reason

LAST_CHECKPOINT = Path("checkpoints") / "last.ckpt"


def resume_checkpoint(cfg: DictConfig) -> str | None:
    """The checkpoint ``trainer.fit`` continues from, or None to start afresh.

    An explicit ``resume`` path was checked by
    :func:`~ash_lightning.run.config_check.validate_config`, before training; the folder's
    own ``last.ckpt`` (``resume=auto``) is checked here.

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
        if not last.is_file():
            return None
        reason = unresumable_reason(last)
        if reason is not None:
            raise ConfigError(f"resume=auto: cannot continue from {last}: {reason}")
        return str(last)
    return str(Path(str(resume)).expanduser())
