import numpy as np
import pytest

from ash_lightning.run.command_line import check_command_line
from ash_lightning.run.config_check import ConfigError
from ash_lightning.run.job import train
from ash_lightning.shallow import TrunkFeatures


def test_shallow_hasher_on_a_trained_trunk(tiny_config, tmp_path):
    deep_run = tmp_path / "deep"
    train(tiny_config("trainer.max_epochs=1", output_dir=deep_run))
    features = TrunkFeatures(deep_run)
    images = np.zeros((3, 1, 32, 32), dtype=np.uint8)
    # ASH-U trunk at 32 px: 32 channels x 2 x 2
    assert features(images).shape == (3, 128)
    results = train(
        tiny_config(
            "model=mhf",
            "model/features=trunk",
            f"model.features.run_dir={deep_run}",
            shallow=True,
            output_dir=tmp_path / "mhf",
        )
    )
    assert results["config"]["model"]["features"]["run_dir"] == str(deep_run)
    assert results["metrics"]["test"]["metrics"]["mAP@10"] >= 0.0


def test_trunk_features_need_a_run_folder():
    with pytest.raises(ConfigError, match="model.features.run_dir is required"):
        check_command_line(["model=lsh", "model/features=trunk"])
