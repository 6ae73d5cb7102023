"""Train a hashing model, evaluate retrieval on the test queries, write ``results.json``."""

import platform
import time
from pathlib import Path
from typing import Any

import pytorch_lightning as pl
from hydra.utils import instantiate
from omegaconf import DictConfig, OmegaConf, open_dict

import ash_lightning
from ash_lightning.callbacks.retrieval_evaluation import RetrievalEvaluation
from ash_lightning.config_check import validate_config
from ash_lightning.data.retrieval_datamodule import RetrievalDataModule
from ash_lightning.hashing_module import PairwiseHashingModule
from ash_lightning.results_file import RESULTS_FILENAME, write_json_atomically
from ash_lightning.retrieval import random_code_reference
from ash_lightning.retrieval_table import metric_keys, retrieval_table


def _check_single_evaluation(callbacks: list[pl.Callback]) -> None:
    found = [callback for callback in callbacks if isinstance(callback, RetrievalEvaluation)]
    if len(found) != 1:
        raise ValueError(
            f"callbacks must contain exactly one RetrievalEvaluation, found {len(found)}"
        )


def _logged(trainer: pl.Trainer, stage: str, names: list[str]) -> dict[str, float]:
    """Metrics logged as ``stage/name`` (they reach this process under ddp_spawn too)."""
    logged = trainer.callback_metrics
    return {name: float(logged[f"{stage}/{name}"]) for name in names if f"{stage}/{name}" in logged}


def _entry(metrics: dict[str, float], cfg: DictConfig) -> dict[str, Any]:
    return {
        "metrics": metrics,
        "convention": cfg.metrics.convention,
        "ranking": "hamming" if cfg.retrieval.binarize else "cosine",
    }


def _resolved_without_hydra(cfg: DictConfig) -> dict[str, Any]:
    """The run's configuration, resolved, without Hydra's own node."""
    snapshot = cfg.copy()
    with open_dict(snapshot):
        snapshot.pop("hydra", None)
    return OmegaConf.to_container(snapshot, resolve=True)


def build_trainer(cfg: DictConfig, datamodule: RetrievalDataModule) -> pl.Trainer:
    """The configured trainer; it reloads the training pairs every epoch when they are redrawn."""
    callbacks = [instantiate(callback) for callback in cfg.callbacks.values()]
    logger = instantiate(cfg.logger) if cfg.get("logger") else False
    return instantiate(
        cfg.trainer,
        callbacks=callbacks,
        logger=logger,
        reload_dataloaders_every_n_epochs=1 if datamodule.redraw_pairs_each_epoch else 0,
    )


def train(cfg: DictConfig) -> dict[str, Any]:
    """Train, test and record one run.

    Database = training split, queries = test split (Fang et al., BIBM 2020, §IV); the
    retrieval metrics of the trained codes are reported beside those of random codes of
    the same length, the chance reference.

    Args:
        cfg: The composed configuration (``conf/config.yaml`` and its groups).

    Returns:
        The content written to ``results.json`` in ``cfg.output_dir``.
    """
    validate_config(cfg)
    output_dir = Path(cfg.output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    pl.seed_everything(cfg.seed, workers=True)

    datamodule: RetrievalDataModule = instantiate(cfg.data)
    module = PairwiseHashingModule(
        net=instantiate(cfg.model), loss=instantiate(cfg.loss), optimizer=instantiate(cfg.optimizer)
    )
    trainer = build_trainer(cfg, datamodule)
    _check_single_evaluation(trainer.callbacks)
    names = metric_keys(cfg.topk)
    timing_names = ["encode_s", "index_build_s", "search_s"]

    started = time.perf_counter()
    trainer.fit(module, datamodule=datamodule)
    fit_s = time.perf_counter() - started
    val_metrics = _logged(trainer, "val", names)
    trainer.test(module, datamodule=datamodule, verbose=False)
    test_metrics = _logged(trainer, "test", names)
    test_timings = _logged(trainer, "test", timing_names)

    splits = datamodule.splits
    reference = random_code_reference(
        splits.test_labels,
        splits.database_labels,
        bits=cfg.bits,
        topk=cfg.topk,
        seed=cfg.seed,
        convention=cfg.metrics.convention,
    )
    metrics = {"test": _entry(test_metrics, cfg), "random_codes": _entry(reference.metrics, cfg)}
    if val_metrics:
        metrics["val"] = _entry(val_metrics, cfg)
    table = retrieval_table({cfg.method: test_metrics, "random codes": reference.metrics}, cfg.topk)
    results = {
        "package_version": ash_lightning.__version__,
        "python": platform.python_version(),
        "seed": cfg.seed,
        "method": cfg.method,
        "dataset": cfg.dataset,
        "bits": cfg.bits,
        "r": cfg.r,
        "queries": len(splits.test_labels),
        "database": len(splits.database_labels),
        "metrics": metrics,
        "timings_s": {
            "fit": fit_s,
            "epochs": trainer.current_epoch,
            "fit_per_epoch": fit_s / max(trainer.current_epoch, 1),
            **{f"test_{name}": value for name, value in test_timings.items()},
        },
        "table": table,
        "config": _resolved_without_hydra(cfg),
    }
    if trainer.is_global_zero:
        write_json_atomically(results, output_dir / RESULTS_FILENAME)
    return results
