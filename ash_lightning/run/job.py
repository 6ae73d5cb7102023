"""Fit a hashing method, evaluate retrieval on the test queries, write ``results.json``."""

import dataclasses
import os
import platform
import time
from pathlib import Path
from typing import Any, cast

import pytorch_lightning as pl
from hydra.utils import instantiate
from omegaconf import DictConfig, OmegaConf, open_dict
from pytorch_lightning.loggers import Logger
from torch import nn

import ash_lightning
from ash_lightning.data.retrieval_datamodule import RetrievalDataModule
from ash_lightning.losses.regime import HashingLoss
from ash_lightning.report.run_table import retrieval_table
from ash_lightning.retrieval import random_code_reference
from ash_lightning.retrieval.evaluation import ranking_name
from ash_lightning.retrieval.metric_keys import TIE_AWARE, parse_metric_key, under_prefix
from ash_lightning.run.config_check import ConfigError, check_topk_fits, validate_config
from ash_lightning.run.deep_fit import fit_deep
from ash_lightning.run.fit_outcome import FitOutcome
from ash_lightning.run.frozen_features import (
    frozen_prefix_trunk,
    precompute_frozen_features,
    prefix_views,
)
from ash_lightning.run.network_build import build_network
from ash_lightning.run.results_file import RESULTS_FILENAME, write_json_atomically
from ash_lightning.run.shallow_fit import fit_shallow
from ash_lightning.run.threads import apply_thread_policy
from ash_lightning.shallow import ShallowHashingModel
from ash_lightning.tracking.run_media import RunMedia, run_media
from ash_lightning.tracking.trackers import (
    build_loggers,
    finish_tracking,
    report_to_trackers,
    start_tracking,
    wants_media,
)


def _entry(metrics: dict[str, float], cfg: DictConfig, binarize: bool) -> dict[str, Any]:
    return {
        "metrics": metrics,
        "convention": cfg.metrics.convention,
        "ranking": ranking_name(binarize),
    }


def _table_rows(cfg: DictConfig, test: dict[str, float], random: dict[str, float]) -> dict:
    """The printed table's rows: the method, then its tie-aware and other ranking, random codes.

    ``test`` and ``random`` are the test queries' metrics, or the validation queries' in a
    tuning trial (``test=false``).

    The tie-aware rows are the Hamming ranking's expected metrics under random tie-breaking,
    when recorded; when the main ranking is cosine they belong to the other (Hamming) ranking
    and say so.
    """
    rows = {cfg.method: test}
    tie_aware = under_prefix(test, TIE_AWARE)
    if tie_aware:
        label = "tie-aware" if cfg.retrieval.binarize else "hamming, tie-aware"
        rows[f"{cfg.method} ({label})"] = tie_aware
    other = ranking_name(not cfg.retrieval.binarize)
    other_metrics = under_prefix(test, other)
    if other_metrics:
        rows[f"{cfg.method} ({other})"] = other_metrics
    rows["random codes"] = random
    random_tie_aware = under_prefix(random, TIE_AWARE)
    if random_tie_aware:
        rows["random codes (tie-aware)"] = random_tie_aware
    return rows


def _resolved_without_hydra(cfg: DictConfig) -> dict[str, Any]:
    """The run's configuration, resolved, without Hydra's own node."""
    snapshot = cfg.copy()
    with open_dict(snapshot):
        snapshot.pop("hydra", None)
    # to_container is typed for any node; a DictConfig always gives a dict with str keys.
    return cast(dict[str, Any], OmegaConf.to_container(snapshot, resolve=True))


def _classes_from_data(cfg: DictConfig, datamodule: RetrievalDataModule) -> dict[str, int]:
    """``num_classes`` for a model whose config leaves it null (a class head, e.g. ATH)."""
    if "num_classes" in cfg.model and cfg.model.num_classes is None:
        return {"num_classes": len(datamodule.splits.class_names)}
    return {}


def train(cfg: DictConfig) -> dict[str, Any]:
    """Fit, test and record one run, deep (Lightning) or shallow (LSH, ITQ, MHF).

    Database = training split, queries = test split (Fang et al., BIBM 2020, §IV); the
    retrieval metrics of the trained codes are reported beside those of random codes of
    the same length, the chance reference. With ``test=false`` (a tuning trial) the test
    split is never encoded, and the table and random codes are those of the validation
    queries.

    The configured tracker (``logger=``) gets one run per call: the resolved config at the
    start, the summary and test figures at the end, and it is finished even when the run
    fails, so that the jobs of a multirun never share a tracked run.

    Args:
        cfg: The composed configuration (``conf/config.yaml`` and its groups).

    Returns:
        The content written to ``results.json`` in ``cfg.output_dir``.
    """
    validate_config(cfg)
    apply_thread_policy()
    output_dir = Path(cfg.output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    pl.seed_everything(cfg.seed, workers=True, verbose=False)
    config = _resolved_without_hydra(cfg)
    loggers = build_loggers(cfg)
    start_tracking(loggers, config)
    try:
        results, media = _fit_and_record(cfg, config, loggers)
        report_to_trackers(loggers, config, results, media)
    except BaseException:
        finish_tracking(loggers, failed=True)
        raise
    finish_tracking(loggers)
    return results


def _fit_and_record(
    cfg: DictConfig, config: dict[str, Any], loggers: list[Logger]
) -> tuple[dict[str, Any], RunMedia | None]:
    """Fit, test and write ``results.json``; the figures when a tracker shows them."""
    output_dir = Path(cfg.output_dir)
    loss = instantiate(cfg.loss)
    if not isinstance(loss, HashingLoss):
        raise ConfigError(f"loss={cfg.loss._target_} is not a HashingLoss")
    datamodule: RetrievalDataModule = instantiate(cfg.data, sampling=loss.regime.sampling)
    # Read and check the data before any network or trainer: bad input fails at once.
    datamodule.setup()
    check_topk_fits(list(cfg.topk), len(datamodule.splits.database_labels))
    model = build_network(cfg.model, **_classes_from_data(cfg, datamodule))
    if isinstance(model, ShallowHashingModel):
        if cfg.frozen_features.precompute:
            raise ConfigError("frozen_features.precompute=true is for deep models only")
        outcome = fit_shallow(cfg, datamodule, model)
    elif cfg.frozen_features.precompute:
        outcome = _fit_on_frozen_features(cfg, datamodule, model, loss, loggers)
    else:
        outcome = fit_deep(cfg, datamodule, model, loss, loggers)

    splits = datamodule.splits
    # A tuning trial (test=false) reports its validation queries and leaves the test split out.
    stage, stage_metrics, stage_labels = (
        ("test", outcome.test_metrics, splits.test_labels)
        if cfg.test
        else ("val", outcome.val_metrics, splits.val_labels)
    )
    reference = random_code_reference(
        stage_labels,
        splits.database_labels[datamodule.database_order],
        bits=cfg.bits,
        topk=cfg.topk,
        seed=cfg.seed,
        convention=cfg.metrics.convention,
        grading=datamodule.grading,
        class_names=splits.class_names,
        tie_aware=cfg.metrics.tie_aware,
    )
    metrics = {"random_codes": _entry(reference.metrics, cfg, binarize=True)}
    if cfg.test:
        metrics["test"] = _entry(outcome.test_metrics, cfg, cfg.retrieval.binarize)
    if outcome.val_metrics:
        metrics["val"] = _entry(outcome.val_metrics, cfg, cfg.retrieval.binarize)
    table = retrieval_table(_table_rows(cfg, stage_metrics, reference.metrics), cfg.topk)
    results = {
        "package_version": ash_lightning.__version__,
        "python": platform.python_version(),
        "onednn_max_cpu_isa": os.environ.get("ONEDNN_MAX_CPU_ISA"),
        "seed": cfg.seed,
        "method": cfg.method,
        "dataset": cfg.dataset,
        "bits": cfg.bits,
        "r": cfg.r,
        "tested": bool(cfg.test),
        "table_stage": stage,
        "queries": len(splits.test_labels),
        "val_queries": len(splits.val_labels),
        "database": len(splits.database_labels),
        "class_names": list(splits.class_names),
        "grading": datamodule.grading,
        "database_order_seed": datamodule.database_order_seed,
        "selection": outcome.selection,
        "distributed": outcome.distributed,
        "metrics": metrics,
        "code_statistics": outcome.code_statistics,
        "timings_s": outcome.timings_s,
        "memory_mb": outcome.memory_mb,
        "table": table,
        "config": config,
    }
    if outcome.is_global_zero:
        write_json_atomically(results, output_dir / RESULTS_FILENAME)
    return results, _media(outcome, datamodule, model, loggers)


def _fit_on_frozen_features(
    cfg: DictConfig,
    datamodule: RetrievalDataModule,
    net: nn.Module,
    loss: HashingLoss,
    loggers: list[Logger],
) -> FitOutcome:
    """:func:`fit_deep` on the frozen trunk layers' features, each image encoded once."""
    trunk = frozen_prefix_trunk(net)
    cache_dir = cfg.frozen_features.cache_dir
    started = time.perf_counter()
    datamodule.feed(
        precompute_frozen_features(
            datamodule.splits,
            trunk,
            int(cfg.data.eval_batch_size),
            None if cache_dir is None else Path(str(cache_dir)),
            prefix_views(net, trunk),
        )
    )
    precompute_s = time.perf_counter() - started
    with trunk.reading_prefix_features():
        outcome = fit_deep(cfg, datamodule, net, loss, loggers)
    return dataclasses.replace(
        outcome, timings_s={**outcome.timings_s, "frozen_features": precompute_s}
    )


def _media(
    outcome: FitOutcome,
    datamodule: RetrievalDataModule,
    model: nn.Module | ShallowHashingModel,
    loggers: list[Logger],
) -> RunMedia | None:
    """The test figures, drawn only when a tracker shows them and the run was tested."""
    if outcome.test_codes is None or not wants_media(loggers):
        return None
    splits = datamodule.splits
    return run_media(
        outcome.test_codes,
        splits.test_images,
        splits.database_images,
        splits.class_names,
        outcome.test_metrics,
        net=None if isinstance(model, ShallowHashingModel) else model,
    )


def validation_objective(cfg: DictConfig, results: dict[str, Any]) -> float:
    """The value a Hydra sweeper optimises: the monitored validation metric, never a test one.

    Deep runs give the score of the checkpoint model selection kept; shallow runs, which
    have no epochs to select from, the same metric of their validation queries.

    Args:
        cfg: The run configuration; ``callbacks.model_checkpoint.monitor`` names the metric.
        results: What :func:`train` returned.

    Returns:
        The metric, or NaN when the run did not record it.
    """
    if results.get("selection"):
        return float(results["selection"]["score"])
    key = parse_metric_key(str(cfg.callbacks.model_checkpoint.monitor))
    val = results["metrics"].get(key.stage or "val", {}).get("metrics", {})
    return float(val.get(str(key.without(stage=True)), float("nan")))
