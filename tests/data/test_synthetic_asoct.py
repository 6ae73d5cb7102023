from __future__ import annotations

import numpy as np
import pytest

from ash_lightning.data.synthetic import ASOCT_GRADES, chunking, generate_asoct
from ash_lightning.data.synthetic.chunking import chunk_size

CHANCE = 1.0 / len(ASOCT_GRADES)
IMAGE_SIZE = 64


@pytest.fixture(scope="module")
def probe_images(probe_labels: np.ndarray) -> np.ndarray:
    return generate_asoct(probe_labels, IMAGE_SIZE, seed=2020)


def changed_fraction(first: np.ndarray, second: np.ndarray, threshold: int = 40) -> np.ndarray:
    """Per image, the fraction of pixels whose value differs by more than ``threshold``."""
    delta = np.abs(first.astype(np.int16) - second.astype(np.int16)).max(axis=1)
    return (delta > threshold).mean(axis=(1, 2))


def test_grade_names() -> None:
    assert ASOCT_GRADES == ("grade_0", "grade_1", "grade_2", "grade_3", "grade_4")


def test_shape_and_dtype_over_several_chunks() -> None:
    labels = np.arange(70) % 5
    assert chunk_size(128) < 70
    images = generate_asoct(labels, 128, seed=0)
    assert images.shape == (70, 1, 128, 128)
    assert images.dtype == np.uint8
    assert images.std() > 10


def test_empty_labels_give_no_image() -> None:
    assert generate_asoct(np.zeros(0, dtype=np.int64), 16, seed=0).shape == (0, 1, 16, 16)


def test_same_seed_same_bytes_and_other_seed_other_images() -> None:
    labels = np.arange(100) % 5
    assert chunk_size(96) < 100
    first = generate_asoct(labels, 96, seed=7)
    assert first.tobytes() == generate_asoct(labels, 96, seed=7).tobytes()
    other = generate_asoct(labels, 96, seed=8)
    assert not np.array_equal(first, other)
    assert len({image.tobytes() for image in np.concatenate([first, other])}) == 200


def test_output_does_not_depend_on_the_number_of_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    labels = np.arange(100) % 5
    threaded = generate_asoct(labels, 96, seed=3)
    monkeypatch.setattr(chunking, "_worker_count", lambda: 1)
    assert generate_asoct(labels, 96, seed=3).tobytes() == threaded.tobytes()


@pytest.mark.parametrize("labels", [np.array([0, 5]), np.array([-1]), np.array([0.0, 1.0])])
def test_invalid_labels_are_rejected(labels: np.ndarray) -> None:
    with pytest.raises(ValueError):
        generate_asoct(labels, 16, seed=0)


def test_too_small_image_is_rejected() -> None:
    with pytest.raises(ValueError):
        generate_asoct(np.zeros(1, dtype=np.int64), 4, seed=0)


def test_opacity_is_small_posterior_and_grows_with_grade() -> None:
    # The random stream does not depend on the labels, so the same seed draws the same eye:
    # images of different grades differ only by the subcapsular plaque.
    count = 40
    clear = generate_asoct(np.zeros(count, dtype=np.int64), IMAGE_SIZE, seed=3)
    areas = []
    for grade in range(1, len(ASOCT_GRADES)):
        graded = generate_asoct(np.full(count, grade), IMAGE_SIZE, seed=3)
        changed = changed_fraction(graded, clear)
        assert changed.max() < 0.03
        rows = np.nonzero(np.abs(graded.astype(int) - clear.astype(int)).max(axis=(0, 1, 3)) > 40)
        assert rows[0].min() > IMAGE_SIZE // 2
        areas.append(changed.mean())
    assert areas[0] > 0
    assert all(small < large for small, large in zip(areas, areas[1:], strict=False))


def test_global_statistics_do_not_reveal_the_grade(
    probe_images: np.ndarray, probe_labels: np.ndarray, probe, global_features
) -> None:
    accuracy = probe(global_features(probe_images), probe_labels)
    print(f"asoct global-statistics probe accuracy: {accuracy:.3f} (chance {CHANCE:.2f})")
    assert accuracy < CHANCE + 0.08


def test_local_statistics_reveal_the_grade(
    probe_images: np.ndarray, probe_labels: np.ndarray, probe, local_features
) -> None:
    accuracy = probe(local_features(probe_images), probe_labels)
    print(f"asoct local-statistics probe accuracy: {accuracy:.3f} (chance {CHANCE:.2f})")
    assert accuracy > CHANCE + 0.25
