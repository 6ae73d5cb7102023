"""A run killed with kill -9, or stopped by SIGTERM, and resumed finishes where it would have.

After kill -9 the resumed run reaches the metrics of an uninterrupted one exactly; after a
SIGTERM the run saves its state, stops within seconds, and resume=auto finishes it.
"""

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
from ash_process import run_ash

from ash_lightning.run.config_check import ConfigError, validate_config
from ash_lightning.run.resume import resume_checkpoint

RUN = [
    "data.size=tiny",
    "data.image_size=32",
    "model.head.hidden_features=256",
    "trainer.max_epochs=4",
    "trainer.enable_progress_bar=false",
]


def _arguments(run_dir: Path, *extra: str) -> list[str]:
    return [*RUN, f"hydra.run.dir={run_dir}", *extra]


def _command(run_dir: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "ash_lightning", *_arguments(run_dir, *extra)]


def test_kill_9_after_the_first_epoch_then_resume_auto_gives_the_same_metrics(tmp_path):
    subprocess.run(_command(tmp_path / "whole"), check=True, capture_output=True, cwd=tmp_path)
    killed = tmp_path / "killed"
    process = subprocess.Popen(
        _command(killed, "resume=auto"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=tmp_path,
    )
    last = killed / "checkpoints" / "last.ckpt"
    _wait_for(last, process)
    time.sleep(0.2)  # into the second epoch
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert last.is_file() and not (killed / "results.json").exists()
    resumed = run_ash(*_arguments(killed, "resume=auto"), cwd=tmp_path)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert "Restoring states from the checkpoint path" in resumed.stderr
    whole = json.loads((tmp_path / "whole" / "results.json").read_text())
    again = json.loads((killed / "results.json").read_text())
    assert again["metrics"] == whole["metrics"]
    assert again["selection"] == whole["selection"] and again["timings_s"]["epochs"] == 4


def _wait_for(path: Path, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 300
    while not path.is_file() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)


def test_sigterm_saves_the_state_stops_promptly_and_resume_auto_finishes(tmp_path):
    run = tmp_path / "preempted"
    process = subprocess.Popen(
        _command(run, "resume=auto", "trainer.max_epochs=6"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
    )
    last = run / "checkpoints" / "last.ckpt"
    _wait_for(last, process)
    first_epoch_step = torch.load(last, weights_only=True)["global_step"]
    time.sleep(0.5)  # into the second epoch
    signalled = time.monotonic()
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    stopped_after = time.monotonic() - signalled
    assert process.returncode == 1, err[-2000:]
    line = err.strip().splitlines()[-1]
    assert line.startswith("training stopped: stopped by SIGTERM at epoch "), line
    assert line.endswith(f"its state is in {last}: continue with resume=auto"), line
    assert stopped_after < 30 and not (run / "results.json").exists()
    assert torch.load(last, weights_only=True)["global_step"] > first_epoch_step
    resumed = subprocess.run(
        _command(run, "resume=auto", "trainer.max_epochs=6"),
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert json.loads((run / "results.json").read_text())["timings_s"]["epochs"] == 6


def test_resume_finds_last_ckpt_or_starts_afresh(tiny_config, tmp_path):
    assert resume_checkpoint(tiny_config("resume=auto")) is None
    (tmp_path / "checkpoints").mkdir()
    (tmp_path / "checkpoints" / "last.ckpt").write_bytes(b"")
    with pytest.raises(ConfigError, match="last.ckpt: it is not a readable checkpoint"):
        resume_checkpoint(tiny_config("resume=auto"))
    torch.save(
        {"state_dict": {}, "epoch": 3, "optimizer_states": []}, tmp_path / "checkpoints/last.ckpt"
    )
    assert resume_checkpoint(tiny_config("resume=auto")) == str(tmp_path / "checkpoints/last.ckpt")
    assert resume_checkpoint(tiny_config()) is None
    assert resume_checkpoint(tiny_config(f"resume={tmp_path}/checkpoints/last.ckpt")) == str(
        tmp_path / "checkpoints/last.ckpt"
    )
    with pytest.raises(ConfigError, match="resume=/nowhere.ckpt: no such checkpoint"):
        validate_config(tiny_config("resume=/nowhere.ckpt"))
    torch.save({"state_dict": {}}, tmp_path / "weights_only.ckpt")
    with pytest.raises(ConfigError, match="not a training checkpoint .no epoch, optimizer_states"):
        validate_config(tiny_config(f"resume={tmp_path}/weights_only.ckpt"))
