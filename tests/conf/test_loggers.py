from pathlib import Path

import pytest
import yaml
from hydra.utils import instantiate
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

from ash_lightning.run.job import train


@pytest.fixture
def clean_wandb_env(monkeypatch):
    """No WANDB_MODE / WANDB_DIR from outside; restores what wandb and Lightning set.

    Lightning's offline WandbLogger writes WANDB_MODE and wandb writes WANDB_SERVICE into
    os.environ. ``delenv`` of an unset variable records nothing to restore, so each is set
    first (recording the original) and then deleted.
    """
    for name in ("WANDB_MODE", "WANDB_DIR", "WANDB_SERVICE"):
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    monkeypatch.setenv("WANDB_SILENT", "true")
    yield
    import wandb

    wandb.teardown()  # stops the wandb-core service process


def test_tensorboard_gets_the_config_as_hparams_with_the_final_metrics_and_the_figures(
    tiny_config, tmp_path
):
    results = train(tiny_config("logger=tensorboard", "trainer.max_epochs=1"))
    hparams = yaml.safe_load((tmp_path / "tensorboard" / "hparams.yaml").read_text())
    assert (
        hparams["bits"] == 12
        and hparams["model"]["_target_"] == results["config"]["model"]["_target_"]
    )
    events = EventAccumulator(str(tmp_path / "tensorboard"), size_guidance={"images": 0})
    events.Reload()
    tags = events.Tags()
    assert {"test/retrieval_grid/0", "test/attention_overlay/0", "test/pr_curve"} <= set(
        tags["images"]
    )
    assert {"test/bit_balance", "test/code_usage"} <= set(tags["histograms"])
    session = events.PluginTagToContent("hparams")
    assert "_hparams_/session_start_info" in session
    final = events.Scalars("test/mAP@10")
    assert final[-1].value == pytest.approx(results["metrics"]["test"]["metrics"]["mAP@10"])


def test_wandb_logger_is_offline_by_default(tiny_config, tmp_path, clean_wandb_env):
    logger = instantiate(tiny_config("logger=wandb").logger)
    assert Path(logger.save_dir) == tmp_path
    run = logger.experiment
    try:
        assert run.offline and run.settings._offline
        assert run.settings.mode in {"offline", "dryrun"}
        run_dir = Path(run.settings.sync_dir)
        assert run_dir.parent == tmp_path / "wandb"
        assert run_dir.name.startswith("offline-run-")
    finally:
        run.finish()
    assert list(run_dir.glob("run-*.wandb"))


@pytest.mark.slow
def test_wandb_offline_run_writes_locally(tiny_config, tmp_path, clean_wandb_env):
    train(tiny_config("logger=wandb", "trainer.max_epochs=1"))
    assert list((tmp_path / "wandb").glob("offline-run-*"))


def test_a_shallow_run_shows_its_retrieval_grids_without_attention(tiny_config, tmp_path):
    train(tiny_config("model=itq", "logger=tensorboard", shallow=True))
    events = EventAccumulator(str(tmp_path / "tensorboard"), size_guidance={"images": 0})
    events.Reload()
    images = set(events.Tags()["images"])
    assert "test/retrieval_grid/0" in images
    assert not any(tag.startswith("test/attention_overlay") for tag in images)
