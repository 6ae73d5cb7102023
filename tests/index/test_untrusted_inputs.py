"""A run folder, checkpoint or index from someone else can be refused, but never runs code."""

import json
import os
import shutil
from pathlib import Path

import pytest
import torch

from ash_lightning.run.trained_run import TrainedRunError, load_trained_run

from .helpers import run_cli


class _Payload:
    """Unpickling this runs a shell command that creates ``marker``."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def _copy(trained_run: Path, tmp_path: Path) -> Path:
    return shutil.copytree(trained_run, tmp_path / "run")


@pytest.mark.parametrize("where", ["model", "model.trunk.attention", "data"])
def test_a_run_whose_config_names_os_system_is_refused_without_running_it(
    trained_run, tmp_path, where
):
    run = _copy(trained_run, tmp_path)
    marker = tmp_path / "pwned"
    results = json.loads((run / "results.json").read_text())
    node = results["config"]
    for key in where.split("."):
        node = node[key]
    node["_target_"] = "os.system"
    node["_args_"] = [f"touch {marker}"]
    (run / "results.json").write_text(json.dumps(results))
    with pytest.raises(TrainedRunError, match=rf"{where}\._target_ = 'os.system' is not one"):
        load_trained_run(run)
    assert not marker.exists()


def test_a_checkpoint_carrying_a_pickled_payload_is_refused_without_running_it(
    trained_run, tmp_path, indexed, capsys
):
    run = _copy(trained_run, tmp_path)
    marker = tmp_path / "pwned"
    checkpoint = run / "checkpoints" / "best.ckpt"
    saved = torch.load(checkpoint, map_location="cpu", weights_only=True)
    saved["payload"] = _Payload(marker)
    torch.save(saved, checkpoint)
    with pytest.raises(TrainedRunError, match="holds more than weights and plain data"):
        load_trained_run(run)
    image = indexed.data / "images/test/test_00000.png"
    argv = ["query", str(indexed.index), str(image), f"--checkpoint={run}"]
    code, _, err = run_cli(argv, capsys)
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "holds more than weights" in err
    assert not marker.exists()
