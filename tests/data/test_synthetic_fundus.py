from __future__ import annotations

import numpy as np
import pytest

from ash_lightning.data.synthetic import FUNDUS_CLASSES, chunking, generate_fundus
from ash_lightning.data.synthetic.chunking import chunk_size

CHANCE = 1.0 / len(FUNDUS_CLASSES)
IMAGE_SIZE = 64


@pytest.fixture(scope="module")
def probe_images(probe_labels: np.ndarray) -> np.ndarray:
    return generate_fundus(probe_labels, IMAGE_SIZE, seed=2020)


def changed_fraction(first: np.ndarray, second: np.ndarray, threshold: int = 15) -> np.ndarray:
    """Per image, the fraction of pixels where some channel differs by more than ``threshold``."""
    delta = np.abs(first.astype(np.int16) - second.astype(np.int16)).max(axis=1)
    return (delta > threshold).mean(axis=(1, 2))


def test_class_names_follow_the_package_order() -> None:
    assert FUNDUS_CLASSES == ("normal", "dr", "glaucoma", "amd", "myopia")


def test_shape_and_dtype_over_several_chunks() -> None:
    labels = np.arange(70) % 5
    assert chunk_size(128) < 70
    images = generate_fundus(labels, 128, seed=0)
    assert images.shape == (70, 3, 128, 128)
    assert images.dtype == np.uint8
    assert images.std() > 10


def test_fundus_is_reddish_inside_a_dark_border() -> None:
    images = generate_fundus(np.arange(20) % 5, 64, seed=1).astype(np.float64)
    corner = images[:, :, :4, :4].mean(axis=(0, 2, 3))
    centre = images[:, :, 24:40, 24:40].mean(axis=(0, 2, 3))
    assert np.all(corner < centre)
    assert centre[0] > centre[1] > centre[2]


def test_same_seed_same_bytes_and_other_seed_other_images() -> None:
    labels = np.arange(100) % 5
    assert chunk_size(96) < 100
    first = generate_fundus(labels, 96, seed=7)
    assert first.tobytes() == generate_fundus(labels, 96, seed=7).tobytes()
    other = generate_fundus(labels, 96, seed=8)
    assert not np.array_equal(first, other)
    assert len({image.tobytes() for image in np.concatenate([first, other])}) == 200


def test_output_does_not_depend_on_the_number_of_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    labels = np.arange(100) % 5
    threaded = generate_fundus(labels, 96, seed=3)
    monkeypatch.setattr(chunking, "_worker_count", lambda: 1)
    assert generate_fundus(labels, 96, seed=3).tobytes() == threaded.tobytes()


@pytest.mark.parametrize("labels", [np.array([0, 5]), np.array([-1]), np.array([[0, 1]])])
def test_invalid_labels_are_rejected(labels: np.ndarray) -> None:
    with pytest.raises(ValueError):
        generate_fundus(labels, 16, seed=0)


@pytest.mark.parametrize("label", range(1, len(FUNDUS_CLASSES)))
def test_each_disease_changes_only_a_small_region(label: int) -> None:
    # The random stream does not depend on the labels, so the same seed draws the same eye
    # for every class: a diseased image differs from its normal twin only by its lesions.
    count = 40
    normal = generate_fundus(np.zeros(count, dtype=np.int64), IMAGE_SIZE, seed=5)
    diseased = generate_fundus(np.full(count, label), IMAGE_SIZE, seed=5)
    changed = changed_fraction(diseased, normal)
    assert changed.mean() > 0.002
    assert changed.max() < 0.05


def test_global_statistics_do_not_reveal_the_class(
    probe_images: np.ndarray, probe_labels: np.ndarray, probe, global_features
) -> None:
    accuracy = probe(global_features(probe_images), probe_labels)
    print(f"fundus global-statistics probe accuracy: {accuracy:.3f} (chance {CHANCE:.2f})")
    assert accuracy < CHANCE + 0.08


def test_local_statistics_reveal_the_class(
    probe_images: np.ndarray, probe_labels: np.ndarray, probe, local_features
) -> None:
    accuracy = probe(local_features(probe_images), probe_labels)
    print(f"fundus local-statistics probe accuracy: {accuracy:.3f} (chance {CHANCE:.2f})")
    assert accuracy > CHANCE + 0.25
