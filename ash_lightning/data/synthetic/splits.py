"""Database / validation / test splits of the synthetic ophthalmic data sets.

Follows the retrieval protocol of Fang et al. (BIBM 2020): the training images form the
retrieval database and a disjoint query set is searched against it (7,000 + 700 images for
ASOCT-Cataract; 9,000 + 1,000 for Fundus-iSee, 10 % of each class as queries). A validation
query split of the same composition as the test split is added for model selection. The three
splits are drawn from distinct seeds spawned from one `numpy.random.SeedSequence`, so no image
is shared between them, and the same arguments always give byte-identical arrays. The
multi-label fundus set (attention-guided hashing, Zhu et al., 2022) draws a disease set per
image from the split's seed instead of shuffling planned class counts.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np

from ash_lightning.data.retrieval_splits import RetrievalSplits
from ash_lightning.data.synthetic.asoct import ASOCT_GRADES, generate_asoct
from ash_lightning.data.synthetic.fundus import (
    FUNDUS_CLASSES,
    generate_fundus,
    generate_fundus_multilabel,
)
from ash_lightning.data.synthetic.fundus_label_sets import draw_fundus_label_sets
from ash_lightning.data.synthetic.sizes import Kind, SizeSpec, split_sizes, split_totals

#: Renders images from ``(labels, image_size, seed)``.
ImageGenerator = Callable[[np.ndarray, int, int], np.ndarray]
#: Draws the labels of one split from the split's own random generator.
LabelDrawer = Callable[[np.random.Generator], np.ndarray]

_GENERATORS: dict[str, tuple[ImageGenerator, tuple[str, ...]]] = {
    "asoct": (generate_asoct, ASOCT_GRADES),
    "fundus": (generate_fundus, FUNDUS_CLASSES),
    "fundus_multilabel": (generate_fundus_multilabel, FUNDUS_CLASSES),
}


def _shuffled_classes(counts: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    """Class labels with the planned per-class counts, in random order."""
    labels = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    rng.shuffle(labels)
    return labels


def _label_drawers(kind: Kind, size: SizeSpec) -> tuple[LabelDrawer, ...]:
    """The label drawer of the database, validation and test splits."""
    if kind == "fundus_multilabel":
        totals = split_totals(kind, size)
        return tuple(partial(draw_fundus_label_sets, count=total) for total in totals)
    counts = split_sizes(kind, size)
    return tuple(
        partial(_shuffled_classes, split) for split in (counts.database, counts.val, counts.test)
    )


def _split(
    draw_labels: LabelDrawer,
    seed: np.random.SeedSequence,
    image_size: int,
    generate: ImageGenerator,
) -> tuple[np.ndarray, np.ndarray]:
    """Draws the labels of one split and generates its images, from the split's own seed."""
    label_seed, image_seed = seed.spawn(2)
    labels = draw_labels(np.random.default_rng(label_seed))
    images = generate(labels, image_size, int(image_seed.generate_state(1, np.uint64)[0]))
    return images, labels


def make_synthetic_splits(
    kind: Kind, size: SizeSpec, image_size: int, seed: int
) -> RetrievalSplits:
    """Generates the database, validation and test splits of a synthetic data set.

    Args:
        kind: ``"asoct"`` (5 subcapsular grades, grey), ``"fundus"`` (5 classes, RGB) or
            ``"fundus_multilabel"`` (uint8 multi-hot over the same 5 labels, RGB).
        size: ``"tiny"``, ``"small"``, ``"paper"`` or custom ``(database, val, test)``
            totals (see `ash_lightning.data.synthetic.sizes.split_totals`).
        image_size: Side of the square images, in pixels.
        seed: Non-negative random seed.

    Returns:
        The three splits and the class names.

    Raises:
        ValueError: If the kind or the size is not understood.
    """
    drawers = _label_drawers(kind, size)
    generate, class_names = _GENERATORS[kind]
    seeds = np.random.SeedSequence(seed).spawn(3)
    database, val, test = (
        _split(draw, split_seed, image_size, generate)
        for draw, split_seed in zip(drawers, seeds, strict=True)
    )
    return RetrievalSplits(
        database_images=database[0],
        database_labels=database[1],
        val_images=val[0],
        val_labels=val[1],
        test_images=test[0],
        test_labels=test[1],
        class_names=class_names,
    )
