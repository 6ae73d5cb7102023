"""Database / validation / test splits of the synthetic ophthalmic data sets.

Follows the retrieval protocol of Fang et al. (BIBM 2020): the training images form the
retrieval database and a disjoint query set is searched against it (7,000 + 700 images for
ASOCT-Cataract; 9,000 + 1,000 for Fundus-iSee, 10 % of each class as queries). A validation
query split of the same composition as the test split is added for model selection. The three
splits are drawn from distinct seeds spawned from one `numpy.random.SeedSequence`, so no image
is shared between them, and the same arguments always give byte-identical arrays.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ash_lightning.data.retrieval_splits import RetrievalSplits
from ash_lightning.data.synthetic.asoct import ASOCT_GRADES, generate_asoct
from ash_lightning.data.synthetic.fundus import FUNDUS_CLASSES, generate_fundus
from ash_lightning.data.synthetic.sizes import Kind, SizeSpec, split_sizes

_GENERATORS: dict[str, tuple[Callable[[np.ndarray, int, int], np.ndarray], tuple[str, ...]]] = {
    "asoct": (generate_asoct, ASOCT_GRADES),
    "fundus": (generate_fundus, FUNDUS_CLASSES),
}


def _split(
    counts: tuple[int, ...],
    seed: np.random.SeedSequence,
    image_size: int,
    generate: Callable[[np.ndarray, int, int], np.ndarray],
) -> tuple[np.ndarray, np.ndarray]:
    """Shuffles the labels of one split and generates its images from its own seed."""
    label_seed, image_seed = seed.spawn(2)
    labels = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    np.random.default_rng(label_seed).shuffle(labels)
    images = generate(labels, image_size, int(image_seed.generate_state(1, np.uint64)[0]))
    return images, labels


def make_synthetic_splits(
    kind: Kind, size: SizeSpec, image_size: int, seed: int
) -> RetrievalSplits:
    """Generates the database, validation and test splits of a synthetic data set.

    Args:
        kind: ``"asoct"`` (5 subcapsular grades, grey) or ``"fundus"`` (5 classes, RGB).
        size: ``"tiny"``, ``"small"``, ``"paper"`` or custom ``(database, val, test)``
            totals (see `ash_lightning.data.synthetic.sizes.split_sizes`).
        image_size: Side of the square images, in pixels.
        seed: Non-negative random seed.

    Returns:
        The three splits and the class names.

    Raises:
        ValueError: If the kind or the size is not understood.
    """
    counts = split_sizes(kind, size)
    generate, class_names = _GENERATORS[kind]
    database_seed, val_seed, test_seed = np.random.SeedSequence(seed).spawn(3)
    database = _split(counts.database, database_seed, image_size, generate)
    val = _split(counts.val, val_seed, image_size, generate)
    test = _split(counts.test, test_seed, image_size, generate)
    return RetrievalSplits(
        database_images=database[0],
        database_labels=database[1],
        val_images=val[0],
        val_labels=val[1],
        test_images=test[0],
        test_labels=test[1],
        class_names=class_names,
    )
