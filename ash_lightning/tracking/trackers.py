"""Hand a finished run to its trackers: config, summary, test figures; then end their run."""

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from hydra.utils import instantiate
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from omegaconf import DictConfig
from pytorch_lightning.core.saving import save_hparams_to_yaml
from pytorch_lightning.loggers import Logger, TensorBoardLogger, WandbLogger

from ash_lightning.report.markdown import markdown_table
from ash_lightning.tracking.run_media import RunMedia
from ash_lightning.tracking.summary import run_summary


def figure_pixels(figure: Figure) -> np.ndarray:
    """A figure rendered to ``H x W x 3`` uint8 pixels."""
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., :3].copy()


def pr_curve_figure(media: RunMedia) -> Figure:
    """Precision against recall, one point per Hamming radius (labelled r = 0 ... K)."""
    curve = media.pr_curve
    figure = Figure(figsize=(4.2, 3.6))
    FigureCanvasAgg(figure)
    axis = figure.subplots()
    axis.plot(curve.recall, curve.precision, marker="o", markersize=3)
    for radius in (0, len(curve.radius) // 2, len(curve.radius) - 1):
        axis.annotate(f"r={radius}", (curve.recall[radius], curve.precision[radius]), fontsize=8)
    axis.set_xlabel("recall")
    axis.set_ylabel("precision")
    axis.set_xlim(0, 1.02)
    axis.set_ylim(0, 1.02)
    return figure


def build_loggers(cfg: DictConfig) -> list[Logger]:
    """The configured logger (``logger=csv|tensorboard|wandb``), or none for ``logger=null``."""
    return [instantiate(cfg.logger)] if cfg.get("logger") else []


def wants_media(loggers: Sequence[Logger]) -> bool:
    """Whether a tracker shows figures (W&B, TensorBoard), so that they are worth drawing."""
    return any(isinstance(logger, WandbLogger | TensorBoardLogger) for logger in loggers)


def start_tracking(loggers: Sequence[Logger], config: dict[str, Any]) -> None:
    """Start the W&B run with the resolved config (Hydra's own node left out).

    Only W&B is started here, so that its run has a config even if the job fails; the
    other loggers create their files where Lightning trains (a ``ddp_spawn`` worker must
    be the first to write them), and TensorBoard gets the config at the end, with the
    final metrics.
    """
    for logger in loggers:
        if isinstance(logger, WandbLogger):
            logger.log_hyperparams(config)


def _report_wandb(logger: WandbLogger, summary: dict[str, Any], media: RunMedia | None) -> None:
    import wandb

    run = logger.experiment
    run.summary.update(summary)
    if media is None:
        return
    curve = media.pr_curve
    pr_table = wandb.Table(
        columns=["radius", "precision", "recall", "returned"],
        data=[
            [int(r), float(p), float(c), float(n)]
            for r, p, c, n in zip(
                curve.radius, curve.precision, curve.recall, curve.returned, strict=True
            )
        ],
    )
    logged: dict[str, Any] = {
        "test/retrieval_grid": [
            wandb.Image(figure_pixels(figure), caption=f"fixed test query {index}")
            for index, figure in enumerate(media.retrieval_grids)
        ],
        "test/per_class_mAP": wandb.Table(
            columns=["class", "k", "mAP"], data=[list(row) for row in media.per_class_map]
        ),
        "test/bit_balance": wandb.Histogram(media.bit_balance.tolist()),
        "test/code_usage": wandb.Histogram(media.code_usage.tolist()),
        "test/pr_curve_table": pr_table,
        "test/pr_curve": wandb.plot.line(pr_table, "recall", "precision"),
    }
    if media.attention_overlays:
        logged["test/attention_overlay"] = [
            wandb.Image(figure_pixels(figure), caption=f"fixed test query {index}")
            for index, figure in enumerate(media.attention_overlays)
        ]
    run.log(logged)


def _report_tensorboard(
    logger: TensorBoardLogger,
    config: dict[str, Any],
    summary: dict[str, Any],
    media: RunMedia | None,
) -> None:
    final = {name: value for name, value in summary.items() if isinstance(value, float)}
    logger.log_hyperparams(config, metrics=final)
    # Lightning writes hparams.yaml once, at its first save, before the config was known.
    save_hparams_to_yaml(Path(logger.log_dir) / logger.NAME_HPARAMS_FILE, logger.hparams)
    if media is not None:
        writer = logger.experiment
        images = {
            **{f"test/retrieval_grid/{i}": f for i, f in enumerate(media.retrieval_grids)},
            **{f"test/attention_overlay/{i}": f for i, f in enumerate(media.attention_overlays)},
            "test/pr_curve": pr_curve_figure(media),
        }
        for tag, figure in images.items():
            writer.add_image(tag, figure_pixels(figure), dataformats="HWC")
        writer.add_histogram("test/bit_balance", media.bit_balance)
        writer.add_histogram("test/code_usage", media.code_usage)
        rows = [[name, str(k), f"{value:.4f}"] for name, k, value in media.per_class_map]
        writer.add_text("test/per_class_mAP", markdown_table(["class", "k", "mAP"], rows))
    logger.save()


def report_to_trackers(
    loggers: Sequence[Logger],
    config: dict[str, Any],
    results: dict[str, Any],
    media: RunMedia | None,
) -> None:
    """Give each tracker the run's summary and test figures.

    W&B gets the summary (test metrics, selected epoch, timings) and logs the retrieval
    grids, attention overlays, a table of per-class mAP@k, histograms of bit balance and
    code usage and the precision-recall curve over Hamming radius; TensorBoard gets the
    config as hparams with the final metrics, and the same figures as images.

    Args:
        loggers: The run's loggers.
        config: The resolved config, without Hydra's node.
        results: The content of ``results.json``.
        media: The test figures, or None (a tuning trial, or a process that is not rank 0).
    """
    summary = run_summary(results)
    for logger in loggers:
        if isinstance(logger, WandbLogger):
            _report_wandb(logger, summary, media)
        elif isinstance(logger, TensorBoardLogger):
            _report_tensorboard(logger, config, summary, media)


def finish_tracking(loggers: Sequence[Logger], failed: bool = False) -> None:
    """End each tracker's run, so that the next job of a multirun starts its own."""
    for logger in loggers:
        logger.finalize("failed" if failed else "success")
        if isinstance(logger, WandbLogger):  # its run exists since start_tracking
            logger.experiment.finish(exit_code=1 if failed else 0)
