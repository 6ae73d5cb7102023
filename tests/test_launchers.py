"""Sweeps run through Hydra's joblib and submitit-local launchers; a failing job loses nothing."""

import json
import subprocess
from pathlib import Path

import pytest
from ash_process import run_ash

TINY = [
    "data.size=tiny",
    "data.image_size=32",
    "model.head.hidden_features=256",
    "trainer.max_epochs=1",
    "trainer.enable_progress_bar=false",
]


def _multirun(
    tmp_path: Path, name: str, *overrides: str
) -> tuple[subprocess.CompletedProcess, Path]:
    sweep = tmp_path / name
    result = run_ash(
        "-m",
        *TINY,
        *overrides,
        f"hydra.sweep.dir={sweep}",
        cwd=tmp_path,
        timeout=900,
    )
    return result, sweep


def _test_metrics(sweep: Path) -> dict[str, dict]:
    return {
        path.parent.name: json.loads(path.read_text())["metrics"]["test"]["metrics"]
        for path in sweep.glob("*/results.json")
    }


def test_joblib_and_submitit_local_run_the_same_four_jobs(tmp_path):
    runs = {}
    for launcher, options in (
        ("joblib", ["hydra.launcher.n_jobs=2"]),
        ("submitit_local", ["hydra.launcher.timeout_min=15"]),
    ):
        result, sweep = _multirun(
            tmp_path, launcher, f"hydra/launcher={launcher}", *options, "seed=0,1", "bits=8,12"
        )
        assert result.returncode == 0, result.stderr[-3000:]
        assert (sweep / "summary_test_mAPat10.md").is_file()
        runs[launcher] = _test_metrics(sweep)
        assert sorted(runs[launcher]) == ["0", "1", "2", "3"]
    assert runs["joblib"] == runs["submitit_local"]


@pytest.mark.parametrize("launcher", ["basic", "joblib"])
def test_a_failing_job_is_recorded_and_the_others_finish(tmp_path, launcher):
    result, sweep = _multirun(
        tmp_path, launcher, f"hydra/launcher={launcher}", "model.trunk.width=16,0,8"
    )
    assert result.returncode == 1
    assert sorted(_test_metrics(sweep)) == ["0", "2"]
    error = (sweep / "1" / "error.txt").read_text()
    assert error.startswith("config error:") and "Traceback" in error
    assert "1 job(s) failed; the others' results are kept:\n  1 (" in result.stderr
    assert "model.trunk.width=0" in result.stderr
    summary = (sweep / "summary_test_mAPat10.md").read_text()
    assert "(n=2)" in summary
    assert "- 1 (" in summary and "model.trunk.width=0" in summary and "config error:" in summary


def test_the_slurm_example_composes_onto_submitit(tiny_config):
    launcher = tiny_config("hydra/launcher=slurm").hydra.launcher
    assert launcher._target_.endswith("submitit_launcher.SlurmLauncher")
    assert (launcher.partition, launcher.gpus_per_node, launcher.nodes) == ("gpu", 1, 1)
    assert launcher.timeout_min == 240
