import pytest

from ash_lightning.run.train import train


def test_tensorboard_logger_writes_events(tiny_config, tmp_path):
    train(tiny_config("logger=tensorboard", "trainer.max_epochs=1"))
    assert list((tmp_path / "tensorboard").rglob("events.out.tfevents.*"))


def test_wandb_logger_is_offline_by_default(tiny_config):
    cfg = tiny_config("logger=wandb")
    assert cfg.logger.offline is True


@pytest.mark.slow
def test_wandb_offline_run_writes_locally(tiny_config, tmp_path, monkeypatch):
    monkeypatch.setenv("WANDB_SILENT", "true")
    train(tiny_config("logger=wandb", "trainer.max_epochs=1"))
    assert list((tmp_path / "wandb").glob("offline-run-*"))
