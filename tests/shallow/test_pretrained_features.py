import numpy as np
import pytest
import torch

from ash_lightning.data.image_tensors import to_network_input
from ash_lightning.shallow import PretrainedFeatures, ShallowHashingModel, Unhashed


@pytest.fixture(scope="module")
def features():
    return PretrainedFeatures(batch_size=3)


def _images(n=5, channels=1, size=32, seed=0):
    return np.random.default_rng(seed).integers(0, 256, (n, channels, size, size), dtype=np.uint8)


def test_pretrained_features_are_the_frozen_pooled_trunk_output_in_batches(features):
    images = _images()
    out = features(images)
    assert out.shape == (5, 1280) and out.dtype == np.float32
    assert not features.trunk.training
    assert not any(p.requires_grad for p in features.trunk.parameters())
    with torch.no_grad():
        whole = features.trunk(to_network_input(images)).numpy()
    np.testing.assert_allclose(out, whole, rtol=1e-5, atol=1e-6)  # 3 + 2 vs 5 at once


def test_pretrained_features_take_grey_and_rgb_images(features):
    grey = _images(n=2)
    np.testing.assert_array_equal(features(grey), features(np.repeat(grey, 3, axis=1)))


def test_pretrained_features_refuse_float_images(features):
    with pytest.raises(ValueError, match="uint8"):
        features(np.zeros((1, 1, 32, 32), dtype=np.float32))


def test_unhashed_codes_are_the_centred_features():
    rng = np.random.default_rng(0)
    database, queries, labels = rng.random((20, 6)), rng.random((4, 6)), np.arange(20) % 2
    hasher = Unhashed(center=True).fit(database, labels)
    assert hasher.bits == 6
    np.testing.assert_allclose(hasher.encode(queries), queries - database.mean(0), rtol=1e-6)
    plain = Unhashed().fit(database, labels)  # plain cosine kNN by default
    np.testing.assert_allclose(plain.encode(queries), queries, rtol=1e-6)


def test_unhashed_model_on_pretrained_features(features):
    model = ShallowHashingModel(Unhashed(center=False), features)
    images = _images(n=4)
    model.fit(images, np.arange(4) % 2)
    np.testing.assert_allclose(model.encode(images), features(images), rtol=1e-6)
    assert model.bits == 1280
