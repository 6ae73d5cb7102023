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
    """Hydra task: one training run; returns test mAP@10 (for sweepers)."""
    from ash_lightning.run.job import train

    try:
        results = train(cfg)
    except (ConfigError, InstantiationException) as error:
        sys.exit(f"config error: {one_line_message(error)}")
    print(
        f"\nRetrieval on {results['queries']} test queries against a database of "
        f"{results['database']} ({cfg.bits} bits, {cfg.metrics.convention} metrics, "
        f"{results['metrics']['test']['ranking']} ranking):\n"
    )
    print(results["table"])
    print(f"\nresults: {cfg.output_dir}/results.json")
    return float(results["metrics"]["test"]["metrics"].get("mAP@10", float("nan")))


def main() -> None:
    """Check the command line's overrides (every sweep value), then run Hydra."""
    try:
        check_command_line(sys.argv[1:])
    except ConfigError as error:
        sys.exit(f"config error: {error}")
    run()


if __name__ == "__main__":
    main()
