"""Fixtures: one tiny trained ASH-U run, its synthetic data as files, and a flat index of it."""

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import torch
from hydra.core.global_hydra import GlobalHydra
from omegaconf import OmegaConf

from ash_lightning.data.synthetic import make_synthetic_splits
from ash_lightning.data.synthetic_export import export_splits
from ash_lightning.index.__main__ import main
from ash_lightning.run.compose import compose_config
from ash_lightning.run.job import train
from ash_lightning.run.network_build import build_network

from .helpers import IMAGE_SIZE

TINY_ASH_U = (
    "data.size=tiny",
    f"data.image_size={IMAGE_SIZE}",
    "trainer.max_epochs=1",
    "trainer.enable_progress_bar=false",
    "trainer.accelerator=cpu",
    "model.head.hidden_features=256",
)


@dataclass(frozen=True)
class Indexed:
    """A trained run, its data exported to files, and a flat index of them."""

    run: Path
    data: Path
    index: Path


@pytest.fixture(scope="session")
def trained_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 1-epoch ASH-U run (attention gate, 12 bits) on tiny synthetic ASOCT at 32 px."""
    run = tmp_path_factory.mktemp("runs") / "ash_u"
    train(compose_config(list(TINY_ASH_U), output_dir=run))
    GlobalHydra.instance().clear()
    return run


@pytest.fixture(scope="session")
def exported_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Tiny synthetic ASOCT (200 + 50 + 50 images) as PNGs with labels.csv."""
    out = tmp_path_factory.mktemp("data") / "asoct"
    export_splits(make_synthetic_splits("asoct", "tiny", IMAGE_SIZE, seed=0), out)
    return out


@pytest.fixture(scope="session")
def indexed(trained_run: Path, exported_data: Path, tmp_path_factory) -> Indexed:
    """A flat index of the exported data, built once through the command line; do not change."""
    index = tmp_path_factory.mktemp("indexes") / "flat"
    main(
        [
            "build",
            f"--checkpoint={trained_run}",
            f"--data={exported_data}",
            f"--out={index}",
            "--no-progress",
        ]
    )
    return Indexed(trained_run, exported_data, index)


@pytest.fixture
def index_copy(indexed: Indexed, tmp_path: Path) -> Path:
    """A private copy of the flat index, free to change."""
    return shutil.copytree(indexed.index, tmp_path / "index")


@pytest.fixture(scope="session")
def fabricate_run(trained_run: Path) -> Callable[..., Path]:
    """A copy of the trained run with other bits or image size and fresh random weights."""

    def make(target: Path, bits: int = 12, image_size: int = IMAGE_SIZE) -> Path:
        shutil.copytree(trained_run, target)
        results = json.loads((target / "results.json").read_text())
        config = results["config"]
        config["bits"] = config["model"]["head"]["bits"] = bits
        config["data"]["image_size"] = config["model"]["image_size"] = image_size
        (target / "results.json").write_text(json.dumps(results))
        torch.manual_seed(bits + image_size)
        net = build_network(OmegaConf.create(config["model"]))
        state = {f"net.{key}": value for key, value in net.state_dict().items()}
        for name in ("best.ckpt", "last.ckpt"):
            torch.save({"state_dict": state}, target / "checkpoints" / name)
        return target

    return make
