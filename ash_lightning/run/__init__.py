"""Running an experiment: compose and check the config, fit, evaluate, write and reload results.

``compose_config(overrides)`` gives the configuration ``python -m ash_lightning OVERRIDES``
would use, ``train(cfg)`` is the whole job as a function, and ``load_trained_run(folder)``
reloads a finished deep run to serve it. The names are imported on first use, so that
reading a results file does not import Lightning.
"""

from typing import TYPE_CHECKING

from ash_lightning import lazy_exports

if TYPE_CHECKING:
    from ash_lightning.run.compose import compose_config
    from ash_lightning.run.config_check import ConfigError
    from ash_lightning.run.failed_jobs import FailedJobs
    from ash_lightning.run.job import train
    from ash_lightning.run.results_file import read_results
    from ash_lightning.run.trained_run import TrainedRun, TrainedRunError, load_trained_run

_MODULES = {
    "ConfigError": "ash_lightning.run.config_check",
    "FailedJobs": "ash_lightning.run.failed_jobs",
    "TrainedRun": "ash_lightning.run.trained_run",
    "TrainedRunError": "ash_lightning.run.trained_run",
    "compose_config": "ash_lightning.run.compose",
    "load_trained_run": "ash_lightning.run.trained_run",
    "read_results": "ash_lightning.run.results_file",
    "train": "ash_lightning.run.job",
}

__all__ = [
    "ConfigError",
    "FailedJobs",
    "TrainedRun",
    "TrainedRunError",
    "compose_config",
    "load_trained_run",
    "read_results",
    "train",
]

__getattr__ = lazy_exports(__name__, _MODULES)
