"""A small file that declares a huge image is refused before decoding, or skipped."""

import numpy as np
import pytest
from PIL import Image

from ash_lightning.data.manifest import BadImageError, load_images
from ash_lightning.data.manifest.preprocessing import decode_image


def test_a_declared_30000_squared_png_is_refused_in_one_line(tmp_path, png_bomb):
    bomb = png_bomb(tmp_path / "bomb.png")
    assert bomb.stat().st_size < 2000
    # Pillow's own check (above twice its default limit) answers first, as one line too.
    with pytest.raises(BadImageError, match=r"bomb\.png: Image size \(900000000 pixels\) exceeds"):
        decode_image(bomb, 1)


def test_the_limit_is_configurable_and_skip_leaves_the_bomb_out(tmp_path, png_bomb):
    Image.fromarray(np.zeros((20, 20, 3), dtype=np.uint8)).save(tmp_path / "fine.png")
    png_bomb(tmp_path / "bomb.png", side=400)
    with pytest.raises(BadImageError, match="400 x 400 pixels exceeds the limit of 1000"):
        load_images(tmp_path, ["fine.png", "bomb.png"], 8, max_pixels=1000)
    loaded = load_images(
        tmp_path, ["fine.png", "bomb.png"], 8, max_pixels=1000, on_bad_image="skip"
    )
    assert loaded.bad == ("bomb.png",) and list(loaded.kept) == [0]
