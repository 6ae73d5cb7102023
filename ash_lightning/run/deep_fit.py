"""Fit a deep hashing network with Lightning and read back its retrieval metrics."""

import time

import pytorch_lightning as pl
from hydra.utils import instantiate
from omegaconf import DictConfig
from torch import nn

from ash_lightning.data.retrieval_datamodule import RetrievalDataModule
from ash_lightning.lightning.modules import hashing_module
from ash_lightning.lightning.retrieval_evaluation import RetrievalEvaluation
from ash_lightning.losses.regime import HashingLoss
from ash_lightning.retrieval.metric_keys import under_prefix
from ash_lightning.run.config_check import ConfigError
from ash_lightning.run.fit_outcome import FitOutcome
from ash_lightning.run.peak_memory import peak_memory_mb

TIMING_NAMES = ("encode_s", "index_build_s", "search_s")


def build_trainer(cfg: DictConfig, datamodule: RetrievalDataModule) -> pl.Trainer:
    """The configured trainer; it reloads the training pairs every epoch when they are redrawn."""
    callbacks = [instantiate(callback) for callback in cfg.callbacks.values()]
    found = [callback for callback in callbacks if isinstance(callback, RetrievalEvaluation)]
    if len(found) != 1:
        raise ValueError(
            f"callbacks must contain exactly one RetrievalEvaluation, found {len(found)}"
        )
    logger = instantiate(cfg.logger) if cfg.get("logger") else False
    return instantiate(
        cfg.trainer,
        callbacks=callbacks,
        logger=logger,
        reload_dataloaders_every_n_epochs=1 if datamodule.redraw_pairs_each_epoch else 0,
    )


def _logged(trainer: pl.Trainer, stage: str, timings: bool = False) -> dict[str, float]:
    """Retrieval metrics (or timings) logged as ``stage/name``, keyed by ``name``.

    They reach this process under ddp_spawn too.
    """
    logged = under_prefix(
        {key: float(value) for key, value in trainer.callback_metrics.items()}, stage
    )
    return {name: value for name, value in logged.items() if (name in TIMING_NAMES) == timings}


def fit_deep(
    cfg: DictConfig, datamodule: RetrievalDataModule, net: nn.Module, loss: HashingLoss
) -> FitOutcome:
    """Train ``net`` on pairs, triplets or labelled batches (the loss decides), then test it.

    The test ranks the test queries against the training split, the retrieval database.

    Args:
        cfg: The run configuration.
        datamodule: Training batches as ``loss.regime`` samples them, queries and database
            for evaluation.
        net: The hashing network of ``cfg.model``.
        loss: The training loss of ``cfg.loss``.

    Returns:
        Validation and test metrics (from the retrieval callback) and timings.
    """
    try:
        module = hashing_module(net, loss, instantiate(cfg.optimizer))
    except ValueError as error:
        loss_name = cfg.loss._target_.rsplit(".", 1)[-1]
        raise ConfigError(
            f"loss={loss_name} needs a model with a class head (e.g. model=ath): {error}"
        ) from error
    trainer = build_trainer(cfg, datamodule)
    started = time.perf_counter()
    trainer.fit(module, datamodule=datamodule)
    fit_s = time.perf_counter() - started
    fit_memory = {f"fit_{name}": value for name, value in peak_memory_mb().items()}
    val_metrics = _logged(trainer, "val")
    trainer.test(module, datamodule=datamodule, verbose=False)
    test_timings = _logged(trainer, "test", timings=True)
    return FitOutcome(
        test_metrics=_logged(trainer, "test"),
        val_metrics=val_metrics,
        timings_s={
            "fit": fit_s,
            "epochs": trainer.current_epoch,
            "fit_per_epoch": fit_s / max(trainer.current_epoch, 1),
            **{f"test_{name}": value for name, value in test_timings.items()},
        },
        memory_mb=fit_memory,
        is_global_zero=trainer.is_global_zero,
    )
