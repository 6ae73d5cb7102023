"""Compose the project's real Hydra configuration outside the command line."""

from collections.abc import Sequence
from pathlib import Path

from hydra import compose, initialize_config_module
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig, open_dict

from ash_lightning.tracking.resolvers import register_resolvers

CONFIG_MODULE = "ash_lightning.conf"
CONFIG_PATH = f"pkg://{CONFIG_MODULE}"
CONFIG_NAME = "config"

# The logger configs name their runs through these; both entry points import this module.
register_resolvers()


def compose_config(
    overrides: Sequence[str] = (), output_dir: str | Path | None = None
) -> DictConfig:
    """The run configuration that ``python -m ash_lightning OVERRIDES`` would use.

    For tests and notebooks: composes the packaged ``ash_lightning/conf`` (never a copy of
    it), registers the Hydra runtime so that ``${hydra:...}`` interpolations resolve, and
    optionally points the run's outputs at ``output_dir``.

    Args:
        overrides: Hydra overrides, e.g. ``["data.size=tiny", "trainer.max_epochs=1"]``.
        output_dir: Where the run writes; defaults to Hydra's run directory.

    Returns:
        The composed configuration, including its ``hydra`` node.
    """
    with initialize_config_module(config_module=CONFIG_MODULE, version_base="1.3"):
        cfg = compose(CONFIG_NAME, overrides=list(overrides), return_hydra_config=True)
    HydraConfig.instance().set_config(cfg)
    if output_dir is not None:
        with open_dict(cfg):
            cfg.output_dir = str(output_dir)
    return cfg
