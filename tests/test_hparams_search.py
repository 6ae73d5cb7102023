import json

import pytest
import yaml
from ash_process import run_ash

from ash_lightning.run.command_line import check_command_line
from ash_lightning.run.config_check import ConfigError


def test_the_optuna_search_composes_with_its_space_and_maximises(tiny_config):
    cfg = tiny_config("hparams_search=optuna")
    sweeper = cfg.hydra.sweeper
    assert sweeper._target_.endswith("OptunaSweeper") and sweeper.direction == "maximize"
    assert set(sweeper.params) == {"optimizer.lr", "optimizer.weight_decay", "r"}
    assert cfg.hydra.mode.name == "MULTIRUN"
    assert cfg.test is False and cfg.hydra.callbacks.sweep_summary.metric == "val/mAP@10"


def test_interval_and_tag_sweeps_pass_the_command_line_check_by_their_ends():
    check_command_line(["optimizer.lr=tag(log,interval(0.0001,0.1))", "data.size=tiny"])
    with pytest.raises(ConfigError, match="r=1.5"):
        check_command_line(["r=interval(0.1,1.5)", "data.size=tiny"])


@pytest.mark.slow
def test_the_sweeper_optimises_the_validation_score(tmp_path):
    sweep = tmp_path / "optuna"
    result = run_ash(
        "hparams_search=optuna",
        "data.size=tiny",
        "data.image_size=32",
        "model.head.hidden_features=256",
        "trainer.max_epochs=1",
        "trainer.enable_progress_bar=false",
        "hydra.sweeper.n_trials=2",
        f"hydra.sweep.dir={sweep}",
        cwd=tmp_path,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    best = yaml.safe_load((sweep / "optimization_results.yaml").read_text())["best_value"]
    trials = [json.loads(path.read_text()) for path in sweep.glob("*/results.json")]
    assert len(trials) == 2
    assert best == pytest.approx(max(trial["selection"]["score"] for trial in trials))
    assert all(not trial["tested"] and "test" not in trial["metrics"] for trial in trials)
    assert (sweep / "summary_val_mAPat10.md").is_file()
