"""A diverging run stops at the first non-finite loss, in one line, before any metric."""

import pytest
from ash_process import run_ash

from ash_lightning.lightning.numeric_fault import NumericFault
from ash_lightning.run.job import train

ABSURD = ("optimizer.lr=1e6", "trainer.max_epochs=2")


def test_an_absurd_learning_rate_stops_at_the_first_nan_loss(tiny_config, tmp_path):
    with pytest.raises(NumericFault, match=r"the loss is nan at epoch 1, step \d+: .*lower the"):
        train(tiny_config(*ABSURD))
    assert not (tmp_path / "results.json").exists()


def test_the_command_line_says_it_in_one_line(tmp_path):
    result = run_ash(
        *ABSURD,
        "data.size=tiny",
        "data.image_size=32",
        "model.head.hidden_features=256",
        "trainer.enable_progress_bar=false",
        f"hydra.run.dir={tmp_path / 'run'}",
        cwd=tmp_path,
        timeout=600,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("training stopped: the loss is nan at epoch 1")
    assert "optimizer.lr=1e+06" in last
    assert not (tmp_path / "run" / "results.json").exists()
