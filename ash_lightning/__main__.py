"""``python -m ash_lightning [overrides]``: train, evaluate and print a retrieval table."""

import sys

import hydra
from hydra.errors import InstantiationException
from omegaconf import DictConfig

from ash_lightning.run.command_line import check_command_line, one_line_message
from ash_lightning.run.compose import CONFIG_NAME, CONFIG_PATH
from ash_lightning.run.config_check import ConfigError


@hydra.main(config_path=CONFIG_PATH, config_name=CONFIG_NAME, version_base="1.3")
def run(cfg: DictConfig) -> float:
    """Hydra task: one training run; returns its validation objective (for sweepers).

    The returned value is the monitored validation metric (``val/mAP@10`` by default) of
    the selected checkpoint, never a test metric, so a sweeper tunes on validation only.
    """
    from ash_lightning.run.job import train, validation_objective

    try:
        results = train(cfg)
    except (ConfigError, InstantiationException) as error:
        sys.exit(f"config error: {one_line_message(error)}")
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
    print(f"\nresults: {cfg.output_dir}/results.json")
    return validation_objective(cfg, results)


def main() -> None:
    """Check the command line's overrides (every sweep value), then run Hydra."""
    try:
        check_command_line(sys.argv[1:])
    except ConfigError as error:
        sys.exit(f"config error: {error}")
    run()


if __name__ == "__main__":
    main()
