"""A SIGTERM (a cluster pre-emption) saves the training state and stops the run promptly.

Lightning turns SIGTERM into a flag that its loops check after every batch; they then raise
``SIGTERMException`` and call every callback's ``on_exception``. :class:`PreemptionCheckpoint`
saves the state there, where ``resume=auto`` looks for it, and :class:`Preempted` is the
one-line account of the stop. On SLURM, Lightning's own SIGUSR1 requeueing
(``SLURMEnvironment(auto_requeue=True)``) goes through the same path.
"""

from pathlib import Path

import pytorch_lightning as pl
from pytorch_lightning.utilities.exceptions import SIGTERMException


class Preempted(RuntimeError):
    """Training stopped on SIGTERM after saving its state; ``resume=auto`` continues it."""


class PreemptionCheckpoint(pl.Callback):
    """Save the whole training state to ``path`` when the run is stopped by SIGTERM.

    Args:
        path: The checkpoint to write, the run's ``checkpoints/last.ckpt`` so that
            ``resume=auto`` continues from it. It is written atomically (through the
            trainer's checkpoint IO), so a second signal during the save leaves the
            previous one.
    """

    def __init__(self, path: str) -> None:
        self.path = Path(path)

    def on_exception(
        self, trainer: pl.Trainer, pl_module: pl.LightningModule, exception: BaseException
    ) -> None:
        """Save the state when the exception is Lightning's SIGTERM stop, and only then."""
        if isinstance(exception, SIGTERMException):
            trainer.save_checkpoint(self.path)


def preempted(trainer: pl.Trainer, checkpoint: Path | None) -> Preempted:
    """The error for a run stopped by SIGTERM at the trainer's current epoch and step.

    Args:
        trainer: The stopped trainer.
        checkpoint: Where :class:`PreemptionCheckpoint` saved the state, if it is configured.

    Returns:
        The error to raise.
    """
    where = (
        f"its state is in {checkpoint}: continue with resume=auto"
        if checkpoint is not None and checkpoint.is_file()
        else "no state was saved (callbacks.preemption_checkpoint is off)"
    )
    return Preempted(
        f"stopped by SIGTERM at epoch {trainer.current_epoch + 1}, step {trainer.global_step}; "
        f"{where}"
    )
