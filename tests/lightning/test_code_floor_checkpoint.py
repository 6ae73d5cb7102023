from types import SimpleNamespace

import pytest
import pytorch_lightning as pl
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from ash_lightning.lightning import CodeFloorCheckpoint


class _Scripted(pl.LightningModule):
    """Logs a scripted val/mAP@10 and val/distinct_codes at each validation."""

    def __init__(self, scores, codes):
        super().__init__()
        self.layer = nn.Linear(1, 1)
        self.scores, self.codes = scores, codes

    def training_step(self, batch, batch_idx):
        return self.layer(batch[0]).sum()

    def validation_step(self, batch, batch_idx):
        return None

    def on_validation_epoch_end(self):
        if self.trainer.sanity_checking:
            return
        epoch = self.current_epoch
        self.log("val/mAP@10", float(self.scores[epoch]))
        self.log("val/distinct_codes", float(self.codes[epoch]))

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=0.0)


class _TwoClasses(pl.LightningDataModule):
    splits = SimpleNamespace(class_names=("a", "b"))

    def train_dataloader(self):
        return DataLoader(TensorDataset(torch.ones(2, 1)), batch_size=2)

    def val_dataloader(self):
        return DataLoader(TensorDataset(torch.ones(2, 1)), batch_size=2)


def _select(tmp_path, scores, codes, per_class, save_last=False, every_n_epochs=1):
    checkpoint = CodeFloorCheckpoint(
        min_distinct_codes_per_class=per_class,
        dirpath=tmp_path,
        filename="best",
        monitor="val/mAP@10",
        mode="max",
        save_last=save_last,
        enable_version_counter=False,
    )
    trainer = pl.Trainer(
        max_epochs=len(scores),
        callbacks=[checkpoint],
        logger=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        num_sanity_val_steps=0,
        check_val_every_n_epoch=every_n_epochs,
    )
    trainer.fit(_Scripted(scores, codes), datamodule=_TwoClasses())
    epoch = torch.load(checkpoint.best_model_path, weights_only=True)["epoch"] + 1
    return epoch, checkpoint.selected_score, checkpoint.selected_reaches_floor


def test_epochs_under_the_floor_rank_below_every_epoch_above_it(tmp_path):
    # 10 codes per class x 2 classes: the floor is 20 distinct codes.
    selected = _select(tmp_path, [0.5, 0.7, 0.9, 0.6], [30, 25, 5, 40], per_class=10)
    assert selected == (2, pytest.approx(0.7), True)


def test_when_no_epoch_reaches_the_floor_the_best_is_kept(tmp_path):
    selected = _select(tmp_path, [0.5, 0.8, 0.6], [3, 2, 1], per_class=10)
    assert selected == (2, pytest.approx(0.8), False)


def test_a_floor_of_zero_selects_as_model_checkpoint(tmp_path):
    selected = _select(tmp_path, [0.5, 0.7, 0.9, 0.6], [30, 25, 5, 40], per_class=0)
    assert selected == (3, pytest.approx(0.9), True)


def test_a_negative_floor_is_refused():
    with pytest.raises(ValueError, match="must be >= 0"):
        CodeFloorCheckpoint(min_distinct_codes_per_class=-1, monitor="val/mAP@10")


@pytest.mark.parametrize("every_n_epochs", [1, 2])  # saved after the epoch / the validation
def test_last_checkpoint_is_the_final_epoch_even_when_it_is_not_the_best(tmp_path, every_n_epochs):
    scores = [0.9, 0.9, 0.5, 0.4]
    selected = _select(tmp_path, scores, [30] * 4, 0, save_last=True, every_n_epochs=every_n_epochs)
    assert selected == (every_n_epochs, pytest.approx(0.9), True)
    last = torch.load(tmp_path / "last.ckpt", weights_only=True)
    assert last["epoch"] == 3 and last["global_step"] == 4
