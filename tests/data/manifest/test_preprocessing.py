from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageFile

from ash_lightning.data.manifest.preprocessing import (
    BadImageError,
    crop_black_border,
    decode_image,
    preprocess,
    resize_square,
)


def colour_image(width: int = 40, height: int = 30, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (height, width, 3), dtype=np.uint8)


def fundus_like(height: int = 30, width: int = 40) -> np.ndarray:
    image = np.zeros((height, width, 3), dtype=np.uint8)
    image[5:25, 8:31] = (200, 80, 40)
    image[5, 8] = (11, 0, 0)  # one channel just above the threshold still counts
    return image


def save(image: np.ndarray, path: Path) -> Path:
    Image.fromarray(image).save(path)
    return path


def truncated_jpeg(path: Path) -> Path:
    save(colour_image(64, 64), path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def not_an_image(path: Path) -> Path:
    path.write_text("not an image")
    return path


def empty_file(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def missing_file(path: Path) -> Path:
    return path


@pytest.mark.parametrize(("channels", "suffix"), [(3, "png"), (1, "png"), (3, "jpg"), (1, "jpg")])
def test_decode_shapes_and_channels(tmp_path: Path, channels: int, suffix: str) -> None:
    source = colour_image()
    decoded = decode_image(save(source, tmp_path / f"a.{suffix}"), channels)
    assert decoded.shape == (30, 40, channels)
    assert decoded.dtype == np.uint8
    if channels == 3 and suffix == "png":
        np.testing.assert_array_equal(decoded, source)


@pytest.mark.parametrize(
    "make",
    [truncated_jpeg, not_an_image, empty_file, missing_file],
)
def test_bad_files_raise_naming_the_file(tmp_path: Path, make: Callable[[Path], Path]) -> None:
    path = make(tmp_path / "broken.jpg")
    with pytest.raises(BadImageError, match="broken.jpg") as caught:
        decode_image(path, 3)
    assert "\n" not in str(caught.value)
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_decode_rejects_other_channel_counts(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="channels"):
        decode_image(save(colour_image(), tmp_path / "a.png"), 4)


def test_crop_black_border_exact_box() -> None:
    cropped = crop_black_border(fundus_like())
    assert cropped.shape == (20, 23, 3)
    np.testing.assert_array_equal(cropped, fundus_like()[5:25, 8:31])


def test_crop_black_border_leaves_all_black_image_alone() -> None:
    black = np.full((30, 40, 3), 10, dtype=np.uint8)
    assert crop_black_border(black) is black


@pytest.mark.parametrize("channels", [3, 1])
def test_resize_square_shape_and_dtype(channels: int) -> None:
    resized = resize_square(colour_image()[:, :, :channels], 16)
    assert resized.shape == (16, 16, channels)
    assert resized.dtype == np.uint8


def test_preprocess_returns_chw_of_cropped_image(tmp_path: Path) -> None:
    path = save(fundus_like(), tmp_path / "fundus.png")
    out = preprocess(path, 8, 3, crop_border=True)
    assert out.shape == (3, 8, 8)
    assert out.dtype == np.uint8 and out.flags.c_contiguous
    assert out[:, 1:, 1:].min() > 10  # no black surround left
    grey = preprocess(path, 8, 1, crop_border=False)
    assert grey.shape == (1, 8, 8)
    assert grey[0, 0, 0] == 0  # the surround is kept without cropping
