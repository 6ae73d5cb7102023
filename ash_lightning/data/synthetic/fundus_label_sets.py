"""Random disease sets of the multi-label synthetic fundus images.

Multi-label retrieval as in attention-guided hashing with a weighted likelihood (Zhu et al.,
2022, on ChestX-ray14): an image carries any set of labels, relevance is at least one shared
label and the NDCG gain is the number of shared labels. Each disease is present independently
with its probability in `DISEASE_PROBABILITIES` (DR 0.3, glaucoma 0.25, AMD 0.25, myopia 0.2)
and ``normal`` is set exactly when no disease is, so every image has a label: about 31.5 % of
the images are normal and 38 % of the diseased ones have two or more diseases. A split whose
draw leaves a label on fewer than `MIN_PER_CLASS` images gets that label forced on reserved
images, so that every query has a relevant database image.
"""

from __future__ import annotations

import numpy as np

from ash_lightning.data.synthetic.fundus_scene import FUNDUS_CLASSES, NORMAL
from ash_lightning.data.synthetic.sizes import MIN_PER_CLASS

#: Probability that an image has each disease, independently of the other diseases.
DISEASE_PROBABILITIES: dict[str, float] = {"dr": 0.3, "glaucoma": 0.25, "amd": 0.25, "myopia": 0.2}

_DISEASE_COLUMNS = np.array([FUNDUS_CLASSES.index(name) for name in DISEASE_PROBABILITIES])


def _set_normal(multi_hot: np.ndarray) -> None:
    """Sets ``normal`` exactly in the rows without any disease, in place."""
    multi_hot[:, NORMAL] = ~multi_hot[:, _DISEASE_COLUMNS].any(axis=1)


def draw_fundus_label_sets(rng: np.random.Generator, count: int) -> np.ndarray:
    """Draws the multi-hot labels of one split of multi-label fundus images.

    Diseases are drawn independently with `DISEASE_PROBABILITIES`. Then, while a label has
    fewer than `MIN_PER_CLASS` images, it is forced on its own block of `MIN_PER_CLASS`
    reserved images (``normal`` by clearing their diseases, a disease by adding it); the
    blocks are disjoint, so a forced label stays and at most one round per label is needed.

    Args:
        rng: Random generator.
        count: Number of images (0, or at least ``MIN_PER_CLASS * 5``).

    Returns:
        Multi-hot labels over `FUNDUS_CLASSES`, uint8 of shape ``(count, 5)``.

    Raises:
        ValueError: If ``count`` is negative or too small for the minimum per label.
    """
    labels = len(FUNDUS_CLASSES)
    if count < 0 or 0 < count < MIN_PER_CLASS * labels:
        raise ValueError(
            f"a multi-label split needs 0 or at least {MIN_PER_CLASS * labels} images, got {count}"
        )
    multi_hot = np.zeros((count, labels), dtype=bool)
    if count == 0:
        return multi_hot.astype(np.uint8)
    probabilities = np.array(list(DISEASE_PROBABILITIES.values()))
    multi_hot[:, _DISEASE_COLUMNS] = rng.random((count, probabilities.size)) < probabilities
    _set_normal(multi_hot)
    reserved = rng.permutation(count)[: MIN_PER_CLASS * labels].reshape(labels, MIN_PER_CLASS)
    while (short := np.flatnonzero(multi_hot.sum(axis=0) < MIN_PER_CLASS)).size:
        for label in short:
            if label == NORMAL:
                multi_hot[reserved[label]] = False
            else:
                multi_hot[reserved[label], label] = True
        _set_normal(multi_hot)
    return multi_hot.astype(np.uint8)
