"""``python -m ash_lightning [overrides]``: train, evaluate and print a retrieval table."""

import sys
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.errors import InstantiationException
from hydra.types import RunMode
from omegaconf import DictConfig

from ash_lightning.run.command_line import check_command_line, one_line_message
from ash_lightning.run.compose import CONFIG_NAME, CONFIG_PATH
from ash_lightning.run.config_check import ConfigError
from ash_lightning.run.failed_jobs import failures_of_last_multirun, record_failure


@hydra.main(config_path=CONFIG_PATH, config_name=CONFIG_NAME, version_base="1.3")
def run(cfg: DictConfig) -> float:
    """Hydra task: one training run; returns its validation objective (for sweepers).

    The returned value is the monitored validation metric (``val/mAP@10`` by default) of
    the selected checkpoint, never a test metric, so a sweeper tunes on validation only.
    """
    from pytorch_lightning.utilities import rank_zero_only

    from ash_lightning.data.manifest import BadImageError, CacheError, ManifestError
    from ash_lightning.lightning.numeric_fault import NumericFault
    from ash_lightning.lightning.preemption import Preempted
    from ash_lightning.run.job import train, validation_objective
    from ash_lightning.run.run_folder import discard_run_folder, holds_nothing_yet
    from ash_lightning.run.trained_run import TrainedRunError

    output_dir = Path(cfg.output_dir)
    fresh = holds_nothing_yet(output_dir)
    try:
        results = train(cfg)
    except Exception as error:
        bad_input: tuple[type[Exception], ...] = (ConfigError, InstantiationException)
        bad_input += (ManifestError, BadImageError, CacheError, TrainedRunError)
        if isinstance(error, ConfigError | InstantiationException):
            message = f"config error: {one_line_message(error)}"
        elif isinstance(error, bad_input):
            message = f"data error: {error}"
        elif isinstance(error, NumericFault | Preempted):
            message = f"training stopped: {error}"
        else:
            message = one_line_message(error)
        if HydraConfig.get().mode != RunMode.MULTIRUN:
            if isinstance(error, bad_input) and fresh:
                discard_run_folder(output_dir, within=Path.cwd())
            if isinstance(error, bad_input + (NumericFault, Preempted)):
                sys.exit(message)
            raise
        # One failing job of a sweep must not stop the others (run/failed_jobs.py).
        record_failure(output_dir, error, message)
        return float("nan")
    # A DDP child process: the parent prints. rank_zero_only.rank is set at run time.
    if rank_zero_only.rank != 0:  # type: ignore[attr-defined]
        return validation_objective(cfg, results)
    stage = results["table_stage"]
    queries = results["queries"] if stage == "test" else results["val_queries"]
    untouched = "" if stage == "test" else "; test=false: the test split is untouched"
    print(
        f"\nRetrieval on {queries} {stage} queries against a database of "
        f"{results['database']} ({cfg.bits} bits, {cfg.metrics.convention} metrics, "
        f"{results['metrics'][stage]['ranking']} ranking{untouched}):\n"
    )
    print(results["table"])
    selection = results.get("selection")
    if selection:
        print(
            f"\nselected on validation: epoch {selection['epoch']} of "
            f"{results['timings_s']['epochs']}, {selection['monitor']} = {selection['score']:.4f}"
        )
    print(f"\nresults: {output_dir}/results.json")
    return validation_objective(cfg, results)


def main() -> None:
    """Check the command line's overrides (every sweep value), then run Hydra."""
    try:
        check_command_line(sys.argv[1:])
    except ConfigError as error:
        sys.exit(f"config error: {error}")
    run()
    if failures_of_last_multirun():
        sys.exit(1)


if __name__ == "__main__":
    main()
