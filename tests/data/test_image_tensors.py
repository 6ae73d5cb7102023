import warnings

import numpy as np
import torch

from ash_lightning.data.image_tensors import to_network_input


def test_uint8_images_map_linearly_onto_minus_one_to_one():
    images = np.array([[[[0, 255], [127, 128]]]], dtype=np.uint8)
    expected = images.astype(np.float64) / 127.5 - 1.0
    np.testing.assert_allclose(to_network_input(images).numpy(), expected, atol=1e-6)
    assert to_network_input(images).dtype == torch.float32


def test_a_read_only_mapped_row_converts_without_a_warning(tmp_path):
    path = tmp_path / "images.npy"
    np.save(path, np.arange(2 * 3 * 4 * 4, dtype=np.uint8).reshape(2, 3, 4, 4))
    mapped = np.load(path, mmap_mode="r")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        converted = to_network_input(mapped[1])
    np.testing.assert_allclose(converted.numpy(), mapped[1] / 127.5 - 1.0, atol=1e-6)
    converted.add_(1.0)  # a copy: the cache file is never written through it
    assert mapped[1, 0, 0, 0] == 48
