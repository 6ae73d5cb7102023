import json
import math

import numpy as np
import pytest
import torch

from ash_lightning.data.retrieval_datamodule import DATABASE_LOADER, QUERY_LOADER
from ash_lightning.data.synthetic_datamodule import SyntheticDataModule
from ash_lightning.run.job import train


def test_bad_arguments_fail_at_construction_before_any_generation():
    with pytest.raises(ValueError, match="data.size"):
        SyntheticDataModule("asoct", size="huge")
    with pytest.raises(ValueError, match="data.kind"):
        SyntheticDataModule("oct", size="tiny")
    with pytest.raises(ValueError, match="data.channels=3"):
        SyntheticDataModule("asoct", size="tiny", channels=3)
    with pytest.raises(ValueError, match="data.channels=1"):
        SyntheticDataModule("fundus_multilabel", size="tiny", channels=1)
    with pytest.raises(ValueError, match="data.size"):
        SyntheticDataModule("fundus_multilabel", size=(100, 5, 20))
    with pytest.raises(ValueError, match="data.batch_size"):
        SyntheticDataModule("asoct", size="tiny", batch_size=0)


def test_pairs_are_redrawn_each_epoch_unless_disabled():
    module = SyntheticDataModule("asoct", size="tiny", image_size=16, seed=3)
    first, second = module.pairs_for_epoch(0), module.pairs_for_epoch(1)
    assert len(first) == 200
    assert not np.array_equal(first.first, second.first)
    np.testing.assert_array_equal(first.first, module.pairs_for_epoch(0).first)
    frozen = SyntheticDataModule(
        "asoct", size="tiny", image_size=16, seed=3, redraw_pairs_each_epoch=False
    )
    np.testing.assert_array_equal(
        frozen.pairs_for_epoch(0).second, frozen.pairs_for_epoch(5).second
    )


def test_loaders_queries_first_then_database():
    module = SyntheticDataModule(
        "fundus", size="tiny", image_size=16, eval_batch_size=64, batch_size=5
    )
    val, test = module.val_dataloader(), module.test_dataloader()
    assert len(val[QUERY_LOADER].dataset) == len(module.splits.val_labels)
    assert len(test[QUERY_LOADER].dataset) == len(module.splits.test_labels)
    assert len(test[DATABASE_LOADER].dataset) == len(module.splits.database_labels) == 250
    images, labels, indices = next(iter(test[DATABASE_LOADER]))
    assert images.shape == (64, 3, 16, 16) and images.dtype.is_floating_point
    assert -1.0 <= images.min() and images.max() <= 1.0
    assert indices.tolist() == list(range(64))
    first, second, dissimilar = next(iter(module.train_dataloader()))
    assert first.shape == second.shape == (5, 3, 16, 16) and dissimilar.shape == (5,)


def test_labelled_images_cover_the_database_once_per_epoch_in_a_new_order():
    module = SyntheticDataModule("asoct", size="tiny", image_size=16, seed=2, batch_size=8)
    first, second = module.images_for_epoch(0), module.images_for_epoch(1)
    assert sorted(first.tolist()) == sorted(second.tolist()) == list(range(200))
    assert not np.array_equal(first, second)
    np.testing.assert_array_equal(first, module.images_for_epoch(0))
    labelled = SyntheticDataModule(
        "asoct", size="tiny", image_size=16, seed=2, batch_size=8, sampling="images"
    )
    images, labels = next(iter(labelled.train_dataloader()))
    assert images.shape == (8, 1, 16, 16) and labels.shape == (8,)
    np.testing.assert_array_equal(labels.numpy(), module.splits.database_labels[first[:8]])


def test_the_incomplete_last_batch_of_labelled_images_is_dropped():
    for sampling, batches in (("images", [33] * 6), ("pairs", [33] * 6 + [2])):
        module = SyntheticDataModule(
            "asoct", size="tiny", image_size=16, batch_size=33, sampling=sampling
        )
        assert [len(batch[-1]) for batch in module.train_dataloader()] == batches


def test_more_labelled_images_than_the_database_repeat_it_whole():
    module = SyntheticDataModule("asoct", size="tiny", image_size=16, pairs_per_epoch=450)
    order = module.images_for_epoch(0)
    assert len(order) == 450
    assert np.bincount(order[:400], minlength=200).tolist() == [2] * 200


def test_unknown_sampling_is_refused():
    with pytest.raises(ValueError, match="sampling must be one of"):
        SyntheticDataModule("asoct", size="tiny", sampling="quads")


def test_multilabel_fundus_loaders_carry_multi_hot_labels():
    module = SyntheticDataModule(
        "fundus_multilabel", size="tiny", image_size=16, channels=3, batch_size=5
    )
    assert module.splits.database_labels.shape == (250, 5)
    assert module.splits.class_names[0] == "normal"
    _, labels, _ = next(iter(module.test_dataloader()[QUERY_LOADER]))
    assert labels.shape[1:] == (5,)
    first, second, dissimilar = next(iter(module.train_dataloader()))
    assert first.shape == second.shape == (5, 3, 16, 16) and dissimilar.shape == (5,)
    images = SyntheticDataModule(
        "fundus_multilabel", size="tiny", image_size=16, batch_size=5, sampling="images"
    )
    _, labels = next(iter(images.train_dataloader()))
    assert labels.shape == (5, 5)
    triplets = SyntheticDataModule(
        "fundus_multilabel", size="tiny", image_size=16, sampling="triplets"
    ).triplets_for_epoch(0)
    assert len(triplets) == 250


def test_ash_u_trains_on_multilabel_fundus(tiny_config, tmp_path):
    cfg = tiny_config(
        "data=synthetic_fundus_multilabel", "data.size=[50,20,20]", "trainer.max_epochs=1"
    )
    results = train(cfg)
    written = json.loads((tmp_path / "results.json").read_text())
    assert written["metrics"] == results["metrics"]
    assert results["method"] == "ash_u" and results["dataset"] == "synthetic_fundus_multilabel"
    metrics = results["metrics"]["test"]["metrics"]
    assert "mAP@10" in metrics
    assert all(math.isfinite(value) and 0.0 <= value <= 1.0 for value in metrics.values())


def test_validation_can_rank_against_a_seeded_subset_of_the_database_and_the_test_never():
    def module(**options):
        return SyntheticDataModule("fundus", size="tiny", image_size=16, **options)

    subset = module(val_database_size=60)
    positions = subset.val_database_positions
    assert len(positions) == 60 == len(np.unique(positions))
    assert np.all(np.diff(positions) > 0) and positions.max() < 250
    np.testing.assert_array_equal(positions, module(val_database_size=60).val_database_positions)
    val_database = subset.val_dataloader()[DATABASE_LOADER].dataset
    assert len(val_database) == 60 and len(subset.val_database_order) == 60
    items = [val_database[index] for index in range(60)]
    assert [item[2] for item in items] == list(range(60))
    labels = np.array([int(item[1]) for item in items])
    np.testing.assert_array_equal(labels, subset.splits.database_labels[positions])
    whole = subset.database_dataloader().dataset
    torch.testing.assert_close(items[-1][0], whole[int(positions[-1])][0])
    assert len(subset.test_dataloader()[DATABASE_LOADER].dataset) == 250
    assert len(module().val_dataloader()[DATABASE_LOADER].dataset) == 250
    assert len(module(val_database_size=10**6).val_database_positions) == 250
    with pytest.raises(ValueError, match="data.val_database_size must be >= 1 or null, got 0"):
        module(val_database_size=0)
