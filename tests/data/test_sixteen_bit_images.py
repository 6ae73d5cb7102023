"""16-bit grey scans keep their grey levels instead of being clipped to black and white."""

import numpy as np
import pytest
from PIL import Image

from ash_lightning.data.manifest.preprocessing import decode_image


@pytest.mark.parametrize("channels", [1, 3])
def test_a_16_bit_grey_png_is_scaled_to_8_bits(tmp_path, channels):
    levels = np.array([[0, 257, 32896], [65535, 1000, 50000]], dtype=np.uint16)
    path = tmp_path / "scan.png"
    Image.fromarray(levels).save(path)
    assert Image.open(path).mode.startswith("I")
    decoded = decode_image(path, channels)
    expected = np.rint(levels / 257.0).astype(np.uint8)  # 0, 1, 128, 255, 4, 195
    assert decoded.shape == (2, 3, channels)
    for channel in range(channels):
        np.testing.assert_array_equal(decoded[:, :, channel], expected)


def test_8_bit_images_are_unchanged(tmp_path):
    pixels = np.arange(24, dtype=np.uint8).reshape(2, 4, 3) * 10
    Image.fromarray(pixels).save(tmp_path / "rgb.png")
    np.testing.assert_array_equal(decode_image(tmp_path / "rgb.png", 3), pixels)
