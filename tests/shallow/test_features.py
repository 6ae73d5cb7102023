import numpy as np
import pytest

from ash_lightning.shallow.features import RawPixelFeatures


def test_shape_dtype_and_range():
    images = np.random.default_rng(0).integers(0, 256, size=(5, 3, 20, 20), dtype=np.uint8)
    features = RawPixelFeatures(size=8)(images)
    assert features.shape == (5, 3 * 8 * 8)
    assert features.dtype == np.float32
    assert features.min() >= 0.0
    assert features.max() <= 1.0


def test_black_and_white_images_map_to_zero_and_one():
    images = np.zeros((2, 1, 9, 9), dtype=np.uint8)
    images[1] = 255
    features = RawPixelFeatures(size=4)(images)
    np.testing.assert_array_equal(features[0], 0.0)
    np.testing.assert_allclose(features[1], 1.0, atol=1e-6)


def test_exact_block_average_of_a_4x4_image():
    image = np.arange(16, dtype=np.uint8).reshape(1, 1, 4, 4)
    expected = np.array([2.5, 4.5, 10.5, 12.5]) / 255.0
    np.testing.assert_allclose(RawPixelFeatures(size=2)(image)[0], expected, rtol=1e-6)


def test_exact_area_average_of_a_3x3_image_to_2x2():
    pixels = np.array([[0, 30, 60], [90, 120, 150], [180, 210, 240]], dtype=np.uint8)
    weights = np.array([[2 / 3, 1 / 3, 0.0], [0.0, 1 / 3, 2 / 3]])
    expected = (weights @ pixels @ weights.T).ravel() / 255.0
    features = RawPixelFeatures(size=2)(pixels.reshape(1, 1, 3, 3))
    np.testing.assert_allclose(features[0], expected, rtol=1e-6)
    assert features[0, 0] == pytest.approx((4 * 0 + 2 * 30 + 2 * 90 + 120) / 9 / 255, rel=1e-6)


def test_non_divisible_size_preserves_the_mean_intensity():
    images = np.random.default_rng(1).integers(0, 256, size=(4, 2, 23, 17), dtype=np.uint8)
    features = RawPixelFeatures(size=5)(images).reshape(4, 2, 25)
    np.testing.assert_allclose(features.mean(axis=2), images.mean(axis=(2, 3)) / 255.0, rtol=1e-5)


def test_channels_come_first_in_the_flattened_vector():
    images = np.zeros((1, 2, 8, 8), dtype=np.uint8)
    images[0, 1] = 255
    features = RawPixelFeatures(size=4)(images)[0]
    np.testing.assert_array_equal(features[:16], 0.0)
    np.testing.assert_allclose(features[16:], 1.0, atol=1e-6)


def test_chunking_does_not_change_the_result():
    images = np.random.default_rng(2).integers(0, 256, size=(7, 1, 12, 12), dtype=np.uint8)
    np.testing.assert_array_equal(
        RawPixelFeatures(size=5, chunk_size=2)(images), RawPixelFeatures(size=5)(images)
    )


def test_rejects_bad_inputs():
    with pytest.raises(ValueError, match=r"\(n, C, H, W\)"):
        RawPixelFeatures()(np.zeros((2, 8, 8), dtype=np.uint8))
    with pytest.raises(ValueError, match="uint8"):
        RawPixelFeatures()(np.zeros((2, 1, 8, 8), dtype=np.float32))
    with pytest.raises(ValueError, match="size"):
        RawPixelFeatures(size=0)
