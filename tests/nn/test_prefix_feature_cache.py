import numpy as np
import pytest
import torch
from sigterm_process import sigterm_when_ready

from ash_lightning.data.image_tensors import to_network_input
from ash_lightning.data.sigterm_unwinds import EXIT_STATUS
from ash_lightning.nn import ASHAttention, EfficientNetTrunk, prefix_feature_cache
from ash_lightning.nn.prefix_feature_cache import cached_prefix_features, features_key
from ash_lightning.shallow import PretrainedFeatures


@pytest.fixture(scope="module")
def trunk():
    return EfficientNetTrunk(ASHAttention, attention_stage=8, freeze_stages=8)


def _images(count=6, side=32, seed=0):
    return np.random.default_rng(seed).integers(0, 256, (count, 3, side, side), dtype=np.uint8)


def test_the_features_are_each_image_alone_through_the_prefix(trunk, tmp_path):
    images = _images()
    features = cached_prefix_features(images, trunk, batch_size=4, cache_dir=tmp_path)
    assert features.dtype == np.float32 and isinstance(features, np.memmap)
    for image, feature in zip(images, features, strict=True):
        alone = trunk.prefix_features(to_network_input(image[None]))[0].numpy()
        np.testing.assert_allclose(feature, alone, rtol=1e-5, atol=1e-5)
    in_memory = cached_prefix_features(images, trunk, batch_size=4, cache_dir=None)
    np.testing.assert_allclose(in_memory, features, rtol=1e-5, atol=1e-5)


def test_a_second_call_reads_the_file_and_leaves_no_temporary_one(trunk, tmp_path, monkeypatch):
    images = _images()
    first = np.array(cached_prefix_features(images, trunk, batch_size=8, cache_dir=tmp_path))

    def refuse(*args):
        raise AssertionError("encoded again although the cache holds these features")

    monkeypatch.setattr(prefix_feature_cache, "_encode_chunks", refuse)
    second = cached_prefix_features(images, trunk, batch_size=8, cache_dir=tmp_path)
    np.testing.assert_array_equal(second, first)
    assert [path.name for path in tmp_path.iterdir()] == [f"{features_key(images, trunk)}.npy"]


@pytest.mark.parametrize("damage", ["garbage", "empty", "truncated"])
def test_a_damaged_file_is_encoded_again(trunk, tmp_path, damage):
    images = _images()
    first = np.array(cached_prefix_features(images, trunk, batch_size=8, cache_dir=tmp_path))
    path = tmp_path / f"{features_key(images, trunk)}.npy"
    written = path.read_bytes()
    damaged = {"garbage": b"not an array", "empty": b"", "truncated": written[:-100]}
    path.write_bytes(damaged[damage])
    again = cached_prefix_features(images, trunk, batch_size=8, cache_dir=tmp_path)
    np.testing.assert_array_equal(again, first)


def test_a_file_of_other_length_is_encoded_again(trunk, tmp_path):
    images = _images()
    path = tmp_path / f"{features_key(images, trunk)}.npy"
    np.save(path, np.zeros((2, 1280, 1, 1), np.float32))
    again = cached_prefix_features(images, trunk, batch_size=8, cache_dir=tmp_path)
    assert len(again) == len(images) and np.abs(again).sum() > 0


def test_the_key_follows_the_images_and_the_prefix(trunk):
    images = _images()
    key = features_key(images, trunk)
    changed = images.copy()
    changed[0, 0, 0, 0] ^= 1
    assert features_key(changed, trunk) != key
    assert features_key(images[:5], trunk) != key
    other = EfficientNetTrunk(ASHAttention, attention_stage=8, freeze_stages=8)
    assert features_key(images, other) == key
    with torch.no_grad():
        next(other.stem.parameters()).add_(1e-3)
    assert features_key(images, other) != key
    shorter = EfficientNetTrunk(ASHAttention, attention_stage=8, freeze_stages=5)
    assert features_key(images, shorter) != key
    imagenet = EfficientNetTrunk(
        ASHAttention, attention_stage=8, freeze_stages=8, normalization="imagenet"
    )
    assert features_key(images, imagenet) != key


def test_pretrained_features_read_the_file_a_deep_recipe_wrote(trunk, tmp_path, monkeypatch):
    images = _images()
    uncached = PretrainedFeatures()(images)
    cached_prefix_features(images, trunk, batch_size=8, cache_dir=tmp_path)
    monkeypatch.setattr(prefix_feature_cache, "_encode_chunks", None)
    pooled = PretrainedFeatures(cache_dir=tmp_path)(images)
    np.testing.assert_allclose(pooled, uncached, rtol=1e-5, atol=1e-5)


def test_views_stack_each_flipped_image_alone_on_the_channels(trunk, tmp_path):
    images = _images(count=5)
    views = ((), (-1,), (-2,))
    features = cached_prefix_features(images, trunk, 2, tmp_path, views=views)
    plain = cached_prefix_features(images, trunk, 2, tmp_path)
    assert features.shape == (5, 3 * plain.shape[1], *plain.shape[2:])
    for image, feature in zip(images, features, strict=True):
        for dims, stored in zip(views, np.split(feature, 3), strict=True):
            flipped = np.flip(image, axis=dims) if dims else image
            alone = trunk.prefix_features(to_network_input(flipped[None].copy()))[0].numpy()
            np.testing.assert_allclose(stored, alone, rtol=1e-5, atol=1e-5)
    in_memory = cached_prefix_features(images, trunk, 2, None, views=views)
    np.testing.assert_allclose(in_memory, features, rtol=1e-5, atol=1e-5)


def test_the_key_follows_the_views_and_keeps_the_plain_key(trunk):
    images = _images()
    plain = features_key(images, trunk)
    assert features_key(images, trunk, ((),)) == plain
    mirrors = features_key(images, trunk, ((), (-1,), (-2,)))
    assert mirrors != plain
    assert features_key(images, trunk, ((), (-2,), (-1,))) != mirrors


def test_no_images_is_one_clear_error(trunk, tmp_path):
    with pytest.raises(ValueError, match="no images to encode"):
        cached_prefix_features(_images()[:0], trunk, 2, tmp_path)


def test_a_write_stopped_by_sigterm_leaves_nothing_behind(tmp_path):
    snippet = """
    import sys, time
    from pathlib import Path
    import numpy as np
    from ash_lightning.nn.prefix_feature_cache import _write

    def chunks():
        yield np.zeros((2, 4, 1, 1), np.float32)
        print("ready", flush=True)
        time.sleep(60)
        yield np.zeros((2, 4, 1, 1), np.float32)

    _write(Path(sys.argv[1]) / "features.npy", 4, chunks())
    """
    assert sigterm_when_ready(snippet, str(tmp_path)) == EXIT_STATUS
    assert list(tmp_path.iterdir()) == []
