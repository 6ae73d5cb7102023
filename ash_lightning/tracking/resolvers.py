"""OmegaConf resolvers that name a tracked run after its Hydra job (W&B group and tags)."""

from pathlib import Path

from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import OmegaConf


def sweep_group() -> str | None:
    """The run's group: the experiment's name, else the sweep folder of a multirun, else None."""
    hydra = HydraConfig.get()
    experiment = hydra.runtime.choices.get("experiment")
    if experiment:
        return str(experiment)
    if hydra.mode == RunMode.MULTIRUN:
        return Path(str(hydra.sweep.dir)).as_posix()
    return None


def run_tags() -> list[str]:
    """Tags ``method:<m>``, ``dataset:<d>`` and ``system:<s>`` (when a system is chosen)."""
    choices = HydraConfig.get().runtime.choices
    tags = [f"method:{choices.get('model')}", f"dataset:{choices.get('data')}"]
    if choices.get("system"):
        tags.append(f"system:{choices.get('system')}")
    return tags


def job_type(test: bool) -> str:
    """``train`` for a run that is tested, ``tune`` for a tuning trial (``test=false``)."""
    return "train" if test else "tune"


def register_resolvers() -> None:
    """Register ``ash_sweep_group``, ``ash_tags`` and ``ash_job_type`` (idempotent)."""
    OmegaConf.register_new_resolver("ash_sweep_group", sweep_group, replace=True)
    OmegaConf.register_new_resolver("ash_tags", run_tags, replace=True)
    OmegaConf.register_new_resolver("ash_job_type", job_type, replace=True)
