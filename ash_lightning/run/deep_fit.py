"""Fit a deep hashing network with Lightning and read back its retrieval metrics."""

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytorch_lightning as pl
import torch
from hydra.utils import instantiate
from omegaconf import DictConfig
from pytorch_lightning.callbacks import ModelCheckpoint
from pytorch_lightning.loggers import Logger
from pytorch_lightning.utilities import rank_zero_info
from pytorch_lightning.utilities.exceptions import SIGTERMException
from torch import nn

from ash_lightning.data.retrieval_datamodule import RetrievalDataModule
from ash_lightning.lightning.atomic_checkpoint_io import AtomicCheckpointIO
from ash_lightning.lightning.code_floor_checkpoint import CodeFloorCheckpoint
from ash_lightning.lightning.modules import hashing_module
from ash_lightning.lightning.preemption import PreemptionCheckpoint, preempted
from ash_lightning.lightning.retrieval_evaluation import RetrievalEvaluation
from ash_lightning.losses.regime import HashingLoss
from ash_lightning.retrieval.code_statistics import CodeStatistics
from ash_lightning.retrieval.metric_keys import is_metric_key, under_prefix
from ash_lightning.run.config_check import ConfigError
from ash_lightning.run.distributed import (
    ddp_children_run_this_job,
    describe_effective_batch,
    effective_batch,
    runs_on_cpu,
)
from ash_lightning.run.fit_outcome import FitOutcome
from ash_lightning.run.network_build import apply_speed, network_speed
from ash_lightning.run.peak_memory import peak_memory_mb
from ash_lightning.run.resume import resume_checkpoint

TIMING_NAMES = ("encode_s", "index_build_s", "search_s")
CODE_STATISTICS = tuple(CodeStatistics.__dataclass_fields__)


def build_trainer(
    cfg: DictConfig, datamodule: RetrievalDataModule, loggers: Sequence[Logger]
) -> pl.Trainer:
    """The configured trainer; it reloads the training pairs every epoch when they are redrawn.

    Checkpoints are written atomically (:class:`AtomicCheckpointIO`).
    """
    callbacks = [instantiate(callback) for callback in cfg.callbacks.values()]
    found = [callback for callback in callbacks if isinstance(callback, RetrievalEvaluation)]
    if len(found) != 1:
        raise ValueError(
            f"callbacks must contain exactly one RetrievalEvaluation, found {len(found)}"
        )
    options: dict[str, Any] = {}
    if cfg.trainer.get("sync_batchnorm") and runs_on_cpu(str(cfg.trainer.accelerator)):
        rank_zero_info("sync_batchnorm needs GPUs: off for this CPU run")
        options["sync_batchnorm"] = False
    return instantiate(
        cfg.trainer,
        callbacks=callbacks,
        plugins=[AtomicCheckpointIO()],
        logger=list(loggers) or False,
        reload_dataloaders_every_n_epochs=1 if datamodule.redraw_pairs_each_epoch else 0,
        **options,
    )


def _logged(trainer: pl.Trainer, stage: str) -> dict[str, dict[str, float]]:
    """What the retrieval callback logged as ``stage/name``, split into metrics, timings, codes.

    They reach this process under ddp_spawn too.
    """
    logged = under_prefix(
        {key: float(value) for key, value in trainer.callback_metrics.items()}, stage
    )
    return {
        "metrics": {name: value for name, value in logged.items() if is_metric_key(name)},
        "timings": {name: value for name, value in logged.items() if name in TIMING_NAMES},
        "codes": {name: value for name, value in logged.items() if name in CODE_STATISTICS},
    }


def _epochs_run(trainer: pl.Trainer) -> int:
    """Epochs trained; under ``ddp_spawn`` the parent's loop never ran, its last checkpoint did."""
    checkpoint = trainer.checkpoint_callback
    if trainer.current_epoch > 0 or not isinstance(checkpoint, ModelCheckpoint):
        return int(trainer.current_epoch)
    name = f"{checkpoint.CHECKPOINT_NAME_LAST}{checkpoint.FILE_EXTENSION}"
    last = Path(checkpoint.dirpath) / name if checkpoint.dirpath else None
    if last is not None and last.is_file():
        return int(torch.load(last, map_location="cpu", weights_only=True)["epoch"]) + 1
    return int(trainer.current_epoch)


def _preemption_checkpoint(trainer: pl.Trainer) -> Path | None:
    """Where the trainer's :class:`PreemptionCheckpoint` saves, if it has one."""
    callbacks = trainer.callbacks  # type: ignore[attr-defined]
    found = [c.path for c in callbacks if isinstance(c, PreemptionCheckpoint)]
    return found[0] if found else None


def _evaluation(trainer: pl.Trainer) -> RetrievalEvaluation:
    """The trainer's retrieval callback (:func:`build_trainer` makes sure there is one)."""
    # Lightning assigns Trainer.callbacks at runtime but does not declare it.
    callbacks = trainer.callbacks  # type: ignore[attr-defined]
    return next(c for c in callbacks if isinstance(c, RetrievalEvaluation))


def _selection(trainer: pl.Trainer, output_dir: Path) -> dict[str, Any] | None:
    """The checkpoint that model selection kept: its monitor, score and epoch (1-based)."""
    checkpoint = trainer.checkpoint_callback
    if not isinstance(checkpoint, ModelCheckpoint) or not checkpoint.monitor:
        return None
    path = Path(checkpoint.best_model_path) if checkpoint.best_model_path else None
    if path is None or not path.is_file() or checkpoint.best_model_score is None:
        return None
    saved = torch.load(path, map_location="cpu", weights_only=True)
    selection = {
        "monitor": checkpoint.monitor,
        "mode": checkpoint.mode,
        "score": float(checkpoint.best_model_score),
        "epoch": int(saved["epoch"]) + 1,
        "checkpoint": str(
            path.relative_to(output_dir) if path.is_relative_to(output_dir) else path
        ),
    }
    if isinstance(checkpoint, CodeFloorCheckpoint) and checkpoint.min_distinct_codes_per_class:
        selection["score"] = checkpoint.selected_score
        selection["min_distinct_codes_per_class"] = checkpoint.min_distinct_codes_per_class
        selection["reaches_code_floor"] = checkpoint.selected_reaches_floor
    return selection


def fit_deep(
    cfg: DictConfig,
    datamodule: RetrievalDataModule,
    net: nn.Module,
    loss: HashingLoss,
    loggers: Sequence[Logger],
) -> FitOutcome:
    """Train ``net`` on pairs, triplets or labelled batches (the loss decides), then test it.

    The test ranks the test queries against the training split, the retrieval database.

    Args:
        cfg: The run configuration.
        datamodule: Training batches as ``loss.regime`` samples them, queries and database
            for evaluation.
        net: The hashing network of ``cfg.model``.
        loss: The training loss of ``cfg.loss``.
        loggers: The run's loggers (:func:`ash_lightning.tracking.trackers.build_loggers`).

    Model selection is on validation only: the checkpoint callback keeps the epoch with
    the best monitored validation metric (``val/mAP@10`` by default), the validation
    metrics are those of that checkpoint, and the test queries are encoded once, by it,
    unless ``cfg.test`` is false (a tuning trial), which leaves the test split untouched.

    Returns:
        Validation and test metrics (from the retrieval callback), timings, the selected
        checkpoint and the database codes' statistics.
    """
    try:
        net = apply_speed(net, network_speed(cfg.model))
        schedule = cfg.get("scheduler")
        module = hashing_module(
            net,
            loss,
            instantiate(cfg.optimizer),
            scheduler=instantiate(schedule) if schedule is not None else None,
        )
    except ValueError as error:
        loss_name = cfg.loss._target_.rsplit(".", 1)[-1]
        raise ConfigError(
            f"loss={loss_name} needs a model with a class head (e.g. model=ath): {error}"
        ) from error
    trainer = build_trainer(cfg, datamodule, loggers)
    batch = effective_batch(cfg, trainer)
    rank_zero_info(describe_effective_batch(batch))
    with ddp_children_run_this_job(str(cfg.output_dir)):
        started = time.perf_counter()
        try:
            trainer.fit(module, datamodule=datamodule, ckpt_path=resume_checkpoint(cfg))
        except SIGTERMException as stop:
            raise preempted(trainer, _preemption_checkpoint(trainer)) from stop
        fit_s = time.perf_counter() - started
        fit_memory = {f"fit_{name}": value for name, value in peak_memory_mb().items()}
        selection = _selection(trainer, Path(cfg.output_dir))
        selected = "best" if selection is not None else None
        if selected is not None:
            trainer.validate(module, datamodule=datamodule, ckpt_path=selected, verbose=False)
        val = _logged(trainer, "val")
        if cfg.test:
            trainer.test(module, datamodule=datamodule, ckpt_path=selected, verbose=False)
        test = _logged(trainer, "test")
    epochs = _epochs_run(trainer)
    return FitOutcome(
        test_metrics=test["metrics"],
        val_metrics=val["metrics"],
        timings_s={
            "fit": fit_s,
            "epochs": epochs,
            "fit_per_epoch": fit_s / max(epochs, 1),
            **{f"test_{name}": value for name, value in test["timings"].items()},
        },
        memory_mb=fit_memory,
        is_global_zero=trainer.is_global_zero,
        selection=selection,
        code_statistics={"val": val["codes"], "test": test["codes"]},
        test_codes=_evaluation(trainer).test_codes,
        distributed=batch,
    )
