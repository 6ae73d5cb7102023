"""The share of a training run spent evaluating, with the default callbacks and with each lever.

    python benchmarks/evaluation_share.py [--epochs 10] [extra overrides...]

Runs the default job (``python -m ash_lightning``: ASH-U, synthetic ASOCT, 64 px) in this
process once per setting, with a callback that clocks every training epoch, every
validation (the retrieval evaluation re-encodes the database and the validation queries;
the checkpoint saved after it is not counted) and Lightning's sanity check. Prints, per
setting, the seconds of each and the evaluation share of the fit, (validation + sanity
check) / fit. The test evaluation is not part of the fit and stays exact and full in every
setting.
"""

import argparse
import tempfile
import time
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytorch_lightning as pl
from hydra.core.global_hydra import GlobalHydra
from omegaconf import DictConfig
from pytorch_lightning.callbacks import ModelCheckpoint
from pytorch_lightning.loggers import Logger

from ash_lightning.data.retrieval_datamodule import RetrievalDataModule
from ash_lightning.run import deep_fit
from ash_lightning.run.compose import compose_config
from ash_lightning.run.job import train

SETTINGS = {
    "default": (),
    "no sanity check": ("+trainer.num_sanity_val_steps=0",),
    "channels_last (training too)": ("model.channels_last=true",),
    "validate every 2nd epoch": ("trainer.check_val_every_n_epoch=2",),
    "validation database of 500": ("data.val_database_size=500",),
    "validation database of 300, no sanity check": (
        "data.val_database_size=300",
        "+trainer.num_sanity_val_steps=0",
    ),
    "validation=light (every 2nd epoch, database of 500, no sanity check)": ("validation=light",),
}


class StageClock(pl.Callback):
    """Wall seconds of training epochs, validations and the sanity check."""

    def __init__(self) -> None:
        self.seconds = {"train epochs": 0.0, "validation": 0.0, "sanity check": 0.0}
        self._started: dict[str, float] = {}

    def _start(self, name: str) -> None:
        self._started[name] = time.perf_counter()

    def _stop(self, name: str) -> None:
        self.seconds[name] += time.perf_counter() - self._started.pop(name)

    def on_train_epoch_start(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        """Start an epoch's clock."""
        self._start("train epochs")

    def on_train_epoch_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        """Stop an epoch's clock."""
        self._stop("train epochs")

    def on_sanity_check_start(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        """Start the sanity check's clock."""
        self._start("sanity check")

    def on_sanity_check_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        """Stop the sanity check's clock."""
        self._stop("sanity check")

    def on_validation_start(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        """Start a fit validation's clock."""
        if not trainer.sanity_checking and trainer.state.fn == "fit":
            self._start("validation")

    def on_validation_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        """Stop a fit validation's clock."""
        if "validation" in self._started:
            self._stop("validation")


def clocked_run(overrides: Sequence[str], output_dir: Path) -> dict[str, Any]:
    """Train one job with a :class:`StageClock` on its trainer; its seconds and fit time."""
    clock = StageClock()
    build = deep_fit.build_trainer

    def with_clock(
        cfg: DictConfig, datamodule: RetrievalDataModule, loggers: Sequence[Logger]
    ) -> pl.Trainer:
        trainer = build(cfg, datamodule, loggers)
        # Before the checkpoint callback, whose save at the end of validation is model
        # selection's cost, not the evaluation's.
        callbacks = trainer.callbacks  # type: ignore[attr-defined]
        first_checkpoint = next(
            (n for n, c in enumerate(callbacks) if isinstance(c, ModelCheckpoint)), len(callbacks)
        )
        callbacks.insert(first_checkpoint, clock)
        return trainer

    deep_fit.build_trainer = with_clock
    try:
        results = train(compose_config(list(overrides), output_dir=output_dir))
    finally:
        deep_fit.build_trainer = build
        GlobalHydra.instance().clear()
    return {**clock.seconds, "fit": results["timings_s"]["fit"], "results": results}


def main() -> None:
    """Run each setting and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("overrides", nargs="*")
    arguments = parser.parse_args()
    warnings.filterwarnings("ignore")
    common = [f"trainer.max_epochs={arguments.epochs}", "trainer.enable_progress_bar=false"]
    print(
        "| setting | epochs incl. validation (s) | validation (s) | sanity check (s) | fit (s) | "
        "evaluation share | test mAP@10 |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as scratch:
        for number, (name, overrides) in enumerate(SETTINGS.items()):
            run = clocked_run(
                [*common, *arguments.overrides, *overrides], Path(scratch) / str(number)
            )
            share = (run["validation"] + run["sanity check"]) / run["fit"]
            test_map = run["results"]["metrics"]["test"]["metrics"]["mAP@10"]
            print(
                f"| {name} | {run['train epochs']:.1f} | {run['validation']:.1f} | "
                f"{run['sanity check']:.1f} | {run['fit']:.1f} | {share:.1%} | {test_map:.4f} |"
            )


if __name__ == "__main__":
    main()
