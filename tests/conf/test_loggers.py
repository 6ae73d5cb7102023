from pathlib import Path

import pytest
from hydra.utils import instantiate

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


def test_tensorboard_logger_writes_events(tiny_config, tmp_path):
    train(tiny_config("logger=tensorboard", "trainer.max_epochs=1"))
    assert list((tmp_path / "tensorboard").rglob("events.out.tfevents.*"))


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
