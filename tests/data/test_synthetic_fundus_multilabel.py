from __future__ import annotations

import numpy as np
import pytest

from ash_lightning.data.synthetic import (
    FUNDUS_CLASSES,
    chunking,
    generate_fundus,
    generate_fundus_multilabel,
)
from ash_lightning.data.synthetic.chunking import chunk_size

#: Large enough for every DR haemorrhage and AMD druse to show (at 32 px a few fade out).
IMAGE_SIZE = 64
NORMAL = np.array([1, 0, 0, 0, 0], dtype=np.uint8)


def label_sets(*diseases: tuple[str, ...], repeat: int = 1) -> np.ndarray:
    """Multi-hot rows with the given diseases (``normal`` when none), each repeated."""
    rows = []
    for names in diseases:
        row = np.zeros(len(FUNDUS_CLASSES), dtype=np.uint8)
        row[[FUNDUS_CLASSES.index(name) for name in names]] = 1
        rows.append(row if names else NORMAL)
    return np.repeat(np.stack(rows), repeat, axis=0)


def changed_fraction(first: np.ndarray, second: np.ndarray, threshold: int = 15) -> np.ndarray:
    """Per image, the fraction of pixels where some channel differs by more than ``threshold``."""
    delta = np.abs(first.astype(np.int16) - second.astype(np.int16)).max(axis=1)
    return (delta > threshold).mean(axis=(1, 2))


def test_same_seed_same_bytes_other_seed_other_images(monkeypatch: pytest.MonkeyPatch) -> None:
    labels = label_sets((), ("dr", "amd"), ("glaucoma", "myopia", "dr"), repeat=50)
    assert chunk_size(96) < len(labels)
    first = generate_fundus_multilabel(labels, 96, seed=7)
    assert first.shape == (150, 3, 96, 96) and first.dtype == np.uint8
    monkeypatch.setattr(chunking, "_worker_count", lambda: 1)
    assert first.tobytes() == generate_fundus_multilabel(labels, 96, seed=7).tobytes()
    other = generate_fundus_multilabel(labels, 96, seed=8)
    assert len({image.tobytes() for image in np.concatenate([first, other])}) == 300


def test_one_label_rows_render_as_the_single_label_generator() -> None:
    classes = np.arange(40) % len(FUNDUS_CLASSES)
    one_hot = np.eye(len(FUNDUS_CLASSES), dtype=np.uint8)[classes]
    single = generate_fundus(classes, 32, seed=4)
    assert generate_fundus_multilabel(one_hot, 32, seed=4).tobytes() == single.tobytes()


@pytest.mark.parametrize("disease", FUNDUS_CLASSES[1:])
def test_switching_a_disease_on_adds_its_lesions_to_the_same_eye(disease: str) -> None:
    # The random stream does not depend on the labels: the same seed draws the same eyes, so
    # adding a disease to an image that already has another one changes only its lesions.
    others = [name for name in FUNDUS_CLASSES[1:] if name != disease]
    count = 30
    without = label_sets(*[(name,) for name in others], repeat=count)
    with_it = label_sets(*[(name, disease) for name in others], repeat=count)
    changed = changed_fraction(
        generate_fundus_multilabel(with_it, IMAGE_SIZE, seed=5),
        generate_fundus_multilabel(without, IMAGE_SIZE, seed=5),
    )
    assert changed.min() > 0.0
    assert changed.mean() > 0.002
    assert changed.max() < 0.05


def test_several_diseases_carry_each_of_their_lesions() -> None:
    def render(*diseases: str) -> np.ndarray:
        return generate_fundus_multilabel(label_sets(diseases, repeat=30), IMAGE_SIZE, seed=6)

    normal, both = render(), render("dr", "glaucoma")
    for disease in ("dr", "glaucoma"):
        single = render(disease)
        assert changed_fraction(both, single).min() > 0.0
        assert changed_fraction(single, normal).min() > 0.0


@pytest.mark.parametrize(
    "labels",
    [
        np.array([0, 1, 2]),
        np.zeros((2, 4), dtype=np.uint8),
        np.array([[1, 0, 0, 0, 2]]),
        np.array([[1.0, 0.0, 0.0, 0.0, 0.0]]),
        np.array([[0, 0, 0, 0, 0]]),
        np.array([[1, 1, 0, 0, 0]]),
    ],
)
def test_invalid_labels_are_rejected(labels: np.ndarray) -> None:
    with pytest.raises(ValueError):
        generate_fundus_multilabel(labels, 16, seed=0)
