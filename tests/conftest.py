"""Shared fixtures: the real configuration, shrunk for 2 CPU cores."""

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from hydra.core.global_hydra import GlobalHydra
from omegaconf import DictConfig

from ash_lightning.run.compose import compose_config

TINY_TRAINER = (
    "trainer.max_epochs=2",
    "trainer.enable_progress_bar=false",
    "trainer.accelerator=cpu",
)
TINY_RUN = ("data.size=tiny", "data.image_size=32", *TINY_TRAINER)
SMALLER_HEAD = ("model.head.hidden_features=256",)


@pytest.fixture
def tiny_config(tmp_path: Path) -> Callable[..., DictConfig]:
    """Compose conf/ with the tiny-run overrides plus any extra ones, writing to tmp_path.

    Deep models also get a smaller hidden FC; ``shallow=True`` leaves the model alone.
    """

    def make(*extra: str, output_dir: Path | None = None, shallow: bool = False) -> DictConfig:
        base: Sequence[str] = TINY_RUN if shallow else (*TINY_RUN, *SMALLER_HEAD)
        return compose_config([*base, *extra], output_dir=output_dir or tmp_path)

    yield make
    GlobalHydra.instance().clear()


@pytest.fixture
def trainer_only_config(tmp_path: Path) -> Callable[..., DictConfig]:
    """Compose conf/ with the tiny trainer and head overrides only (for real-image data configs)."""

    def make(*extra: str, output_dir: Path | None = None) -> DictConfig:
        return compose_config(
            [*TINY_TRAINER, *SMALLER_HEAD, *extra], output_dir=output_dir or tmp_path
        )

    yield make
    GlobalHydra.instance().clear()
