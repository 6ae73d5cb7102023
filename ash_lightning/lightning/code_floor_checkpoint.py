"""Model selection that ranks epochs with collapsed validation codes below the others."""

from typing import Any

import pytorch_lightning as pl
from pytorch_lightning.callbacks import ModelCheckpoint
from torch import Tensor

DISTINCT_CODES = "val/distinct_codes"
# The monitored retrieval metrics lie in [0, 1]: shifted by 2, a handicapped score ranks below
# every unhandicapped one and stays recognisable (below -0.5 in max mode, above 1.5 in min).
HANDICAP = 2.0


class CodeFloorCheckpoint(ModelCheckpoint):
    """A :class:`ModelCheckpoint` preferring epochs whose validation codes stay diverse.

    Supervised hashing drifts towards one code per class as it trains: the validation
    mAP@k can keep rising while every image of a class gets the same code, which leaves no
    order among a class's cases. An epoch whose validation database holds fewer than
    ``min_distinct_codes_per_class`` times the number of classes distinct codes ranks below
    every epoch that holds enough; among epochs on the same side of the floor the monitored
    metric decides as usual. When no epoch reaches the floor, the best of them is kept, as
    without it. Selection stays on validation only.

    With ``save_last``, ``last.ckpt`` holds the latest validated epoch whether or not it
    was the best, so that ``resume=auto`` continues from where training stopped (Lightning
    2.6 writes it only at epochs that also saved the best checkpoint).

    Args:
        min_distinct_codes_per_class: The floor per class; 0 selects as
            :class:`ModelCheckpoint` does.
        **kwargs: :class:`ModelCheckpoint`'s arguments (``monitor``, ``mode``, ...).
    """

    def __init__(self, min_distinct_codes_per_class: float = 0.0, **kwargs: Any) -> None:
        if min_distinct_codes_per_class < 0:
            raise ValueError(
                "callbacks.model_checkpoint.min_distinct_codes_per_class must be >= 0, "
                f"got {min_distinct_codes_per_class}"
            )
        super().__init__(**kwargs)
        self.min_distinct_codes_per_class = min_distinct_codes_per_class

    def _floor(self, trainer: pl.Trainer) -> float:
        # Lightning assigns Trainer.datamodule at runtime but does not declare it.
        datamodule = getattr(trainer, "datamodule", None)
        splits = getattr(datamodule, "splits", None)
        classes = len(splits.class_names) if splits is not None else 0
        return self.min_distinct_codes_per_class * classes

    def on_train_epoch_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        """Select as :class:`ModelCheckpoint` does, then write ``last.ckpt`` if it did not."""
        super().on_train_epoch_end(trainer, pl_module)
        if self._should_save_on_train_epoch_end(trainer):
            self._keep_last(trainer)

    def on_validation_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        """Select as :class:`ModelCheckpoint` does, then write ``last.ckpt`` if it did not."""
        super().on_validation_end(trainer, pl_module)
        if not self._should_save_on_train_epoch_end(trainer):
            self._keep_last(trainer)

    def _keep_last(self, trainer: pl.Trainer) -> None:
        if self.save_last and not self._should_skip_saving_checkpoint(trainer):
            self._save_last_checkpoint(trainer, self._monitor_candidates(trainer))

    def _handicapped(self, value: Tensor) -> Tensor:
        return value - HANDICAP if self.mode == "max" else value + HANDICAP

    def _save_topk_checkpoint(
        self, trainer: pl.Trainer, monitor_candidates: dict[str, Tensor]
    ) -> None:
        distinct = monitor_candidates.get(DISTINCT_CODES)
        value = monitor_candidates.get(self.monitor) if self.monitor else None
        if value is not None and distinct is not None and float(distinct) < self._floor(trainer):
            monitor_candidates = {**monitor_candidates, str(self.monitor): self._handicapped(value)}
        super()._save_topk_checkpoint(trainer, monitor_candidates)

    @property
    def selected_score(self) -> float | None:
        """The kept checkpoint's monitored value, without the handicap."""
        if self.best_model_score is None:
            return None
        score = float(self.best_model_score)
        if self.mode == "max" and score < -0.5:
            return score + HANDICAP
        if self.mode == "min" and score > 1.5:
            return score - HANDICAP
        return score

    @property
    def selected_reaches_floor(self) -> bool | None:
        """Whether the kept checkpoint's codes reached the floor (None before any)."""
        if self.best_model_score is None:
            return None
        return self.selected_score == float(self.best_model_score)
