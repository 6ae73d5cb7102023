import dataclasses

import numpy as np
import pytest
import torch

from ash_lightning.data.image_tensors import to_network_input
from ash_lightning.data.retrieval_splits import RetrievalSplits
from ash_lightning.data.synthetic_datamodule import SyntheticDataModule
from ash_lightning.nn import ASHAttention, EfficientNetTrunk, HashHead, HashingNetwork, NoAttention
from ash_lightning.run.config_check import ConfigError
from ash_lightning.run.frozen_features import (
    frozen_prefix_trunk,
    precompute_frozen_features,
    prefix_views,
)
from ash_lightning.run.job import train
from ash_lightning.run.network_build import build_network


@pytest.fixture(scope="module")
def trunk():
    return EfficientNetTrunk(ASHAttention, attention_stage=8, freeze_stages=8)


def _splits(seed=0, sizes=(7, 3, 4), side=32):
    rng = np.random.default_rng(seed)

    def images(count):
        return rng.integers(0, 256, (count, 3, side, side), dtype=np.uint8)

    labels = [np.arange(count) % 2 for count in sizes]
    return RetrievalSplits(
        images(sizes[0]),
        labels[0],
        images(sizes[1]),
        labels[1],
        images(sizes[2]),
        labels[2],
        ("a", "b"),
    )


def test_each_image_gets_the_prefix_output_of_that_image_alone(trunk, tmp_path):
    splits = _splits()
    features = precompute_frozen_features(splits, trunk, batch_size=3, cache_dir=tmp_path)
    for name in ("database", "val", "test"):
        images = getattr(splits, f"{name}_images")
        stored = getattr(features, f"{name}_images")
        assert stored.dtype == np.float32 and len(stored) == len(images)
        for image, feature in zip(images, stored, strict=True):
            alone = trunk.prefix_features(to_network_input(image[None]))[0].numpy()
            np.testing.assert_allclose(feature, alone, rtol=1e-5, atol=1e-5)
    assert features.database_labels is splits.database_labels
    assert features.class_names == splits.class_names


def test_only_a_trunk_with_frozen_layers_can_be_precomputed():
    def network(freeze):
        trunk = EfficientNetTrunk(NoAttention, freeze_stages=freeze)
        return HashingNetwork(trunk, lambda width: HashHead(width, 8), image_size=32)

    assert frozen_prefix_trunk(network(8)).prefix_end == 7
    with pytest.raises(ConfigError, match="needs a pretrained trunk with frozen layers"):
        frozen_prefix_trunk(network(-1))


def test_the_datamodule_feeds_the_inputs_it_is_given_and_keeps_the_images():
    datamodule = SyntheticDataModule(kind="asoct", size="tiny", image_size=16)
    datamodule.setup()
    splits = datamodule.splits
    fed = dataclasses.replace(
        splits, test_images=np.zeros((len(splits.test_labels), 5, 1, 1), np.float32)
    )
    datamodule.feed(fed)
    queries, _ = datamodule.test_dataloader()
    batch, labels, _ = next(iter(queries))
    assert batch.shape[1:] == (5, 1, 1) and batch.dtype == torch.float32
    torch.testing.assert_close(labels, torch.as_tensor(splits.test_labels[: len(labels)]))
    assert datamodule.splits.test_images.dtype == np.uint8
    with pytest.raises(ValueError, match="database inputs for"):
        datamodule.feed(dataclasses.replace(splits, database_images=splits.database_images[:2]))


def test_a_run_on_precomputed_features_scores_as_the_run_on_images(tiny_config, tmp_path):
    recipe = ("system=ash_pretrained", "trainer.max_epochs=2")  # the recipe precomputes
    on_images = train(
        tiny_config(*recipe, "frozen_features.precompute=false", output_dir=tmp_path / "images")
    )
    on_features = train(tiny_config(*recipe, output_dir=tmp_path / "features"))
    images_test = on_images["metrics"]["test"]["metrics"]
    features_test = on_features["metrics"]["test"]["metrics"]
    assert features_test == pytest.approx(images_test, abs=1e-6)
    assert on_features["selection"]["score"] == pytest.approx(on_images["selection"]["score"])
    assert on_features["timings_s"]["frozen_features"] > 0
    assert len(list((tmp_path / "frozen_features").glob("*.npy"))) == 3  # the three splits


def test_mirror_attention_reads_the_stored_maps_of_its_three_views(tiny_config, tmp_path):
    cfg = tiny_config("system=mirror_pretrained")
    assert cfg.frozen_features.precompute is True
    net = build_network(cfg.model).eval()
    trunk = frozen_prefix_trunk(net)
    views = prefix_views(net, trunk)
    assert views == ((), (-1,), (-2,))
    splits = _splits(side=int(cfg.data.image_size))
    features = precompute_frozen_features(splits, trunk, 3, tmp_path, views)
    with torch.no_grad():
        on_images = net(to_network_input(splits.test_images))
        with trunk.reading_prefix_features():
            on_features = net(torch.as_tensor(np.array(features.test_images)))
    torch.testing.assert_close(on_features, on_images, rtol=1e-4, atol=1e-4)


def test_mirror_attention_over_another_encoder_is_refused(tiny_config):
    net = build_network(tiny_config("system=mirror_pretrained").model)
    other = EfficientNetTrunk(NoAttention, freeze_stages=8)
    with pytest.raises(ConfigError, match="only when its encoder is the pretrained trunk"):
        prefix_views(net, other)
    plain = HashingNetwork(other, lambda width: HashHead(width, 8), image_size=32)
    assert prefix_views(plain, other) == ((),)


def test_a_mirror_run_on_precomputed_features_scores_as_the_run_on_images(tiny_config, tmp_path):
    recipe = ("system=mirror_pretrained", "trainer.max_epochs=2")
    on_images = train(
        tiny_config(*recipe, "frozen_features.precompute=false", output_dir=tmp_path / "images")
    )
    on_features = train(tiny_config(*recipe, output_dir=tmp_path / "features"))
    features_test = on_features["metrics"]["test"]["metrics"]
    assert features_test == pytest.approx(on_images["metrics"]["test"]["metrics"], abs=1e-6)
    assert on_features["timings_s"]["frozen_features"] > 0
