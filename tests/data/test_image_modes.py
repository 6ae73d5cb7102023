"""Palette, grey-alpha, RGBA, CMYK and EXIF-rotated files decode to the pixels they show."""

import numpy as np
import pytest
from PIL import Image

from ash_lightning.data.manifest.preprocessing import decode_image

PIXELS = np.arange(2 * 3 * 3, dtype=np.uint8).reshape(2, 3, 3) * 14


def test_a_palette_image_decodes_to_its_palette_colours(tmp_path):
    palette = np.array([[255, 0, 0], [0, 128, 255], [7, 8, 9]], dtype=np.uint8)
    indices = np.array([[0, 1, 2], [2, 1, 0]], dtype=np.uint8)
    image = Image.fromarray(indices, mode="P")
    image.putpalette(palette.ravel().tolist())
    image.save(tmp_path / "palette.png")
    np.testing.assert_array_equal(decode_image(tmp_path / "palette.png", 3), palette[indices])


@pytest.mark.parametrize(("mode", "channels"), [("LA", 1), ("RGBA", 3)])
def test_alpha_is_dropped_and_the_colour_kept(tmp_path, mode, channels):
    colour = PIXELS[:, :, :channels]
    alpha = np.full((2, 3, 1), 40, dtype=np.uint8)
    Image.fromarray(np.concatenate([colour, alpha], axis=2), mode=mode).save(tmp_path / "a.png")
    np.testing.assert_array_equal(decode_image(tmp_path / "a.png", channels), colour)


def test_cmyk_primaries_decode_to_their_rgb(tmp_path):
    cmyk = np.array([[[0, 0, 0, 0], [255, 0, 0, 0], [0, 0, 0, 255]]], dtype=np.uint8)
    Image.fromarray(cmyk, mode="CMYK").save(tmp_path / "cmyk.tiff")
    expected = np.array([[[255, 255, 255], [0, 255, 255], [0, 0, 0]]], dtype=np.uint8)
    np.testing.assert_array_equal(decode_image(tmp_path / "cmyk.tiff", 3), expected)


@pytest.mark.parametrize(("orientation", "turns"), [(1, 0), (3, 2), (6, -1), (8, 1)])
def test_the_exif_orientation_is_applied(tmp_path, orientation, turns):
    image = Image.fromarray(PIXELS)
    exif = image.getexif()
    exif[0x0112] = orientation  # Orientation
    image.save(tmp_path / "photo.png", exif=exif.tobytes())
    np.testing.assert_array_equal(
        decode_image(tmp_path / "photo.png", 3), np.rot90(PIXELS, k=turns)
    )
