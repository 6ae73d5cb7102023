"""Shared fixtures: the real configuration, shrunk for 2 CPU cores."""

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from hydra.core.global_hydra import GlobalHydra
from omegaconf import DictConfig

from ash_lightning.config_compose import compose_config

TINY_RUN = (
    "data.size=tiny",
    "data.image_size=32",
    "trainer.max_epochs=2",
    "trainer.enable_progress_bar=false",
    "trainer.accelerator=cpu",
    "model.head.hidden_features=256",
)


@pytest.fixture
def tiny_config(tmp_path: Path) -> Callable[..., DictConfig]:
    """Compose conf/ with the tiny-run overrides plus any extra ones, writing to tmp_path."""

    def make(
        *extra: str, output_dir: Path | None = None, base: Sequence[str] = TINY_RUN
    ) -> DictConfig:
        return compose_config([*base, *extra], output_dir=output_dir or tmp_path)

    yield make
    GlobalHydra.instance().clear()
