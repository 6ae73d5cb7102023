"""Split sizes and class balance of the synthetic data sets, computed without any image.

Fang et al. (BIBM 2020) use, for ASOCT-Cataract, 7,000 training (database) images and 700
queries of five subcapsular grades (the per-grade counts are not given, so the synthetic
grades are balanced); for Fundus-iSee, 10,000 images (AMD 720, DR 270, glaucoma 450,
myopia 790, normal 7,770) of which 10 % of each class are the queries. The validation split
(not in the paper) mirrors the query split and is generated separately. Smaller named sizes
keep the same class proportions; every class keeps at least `MIN_PER_CLASS` images in every
non-empty split so that every query has a relevant database image. The multi-label fundus set
(``fundus_multilabel``) has the fundus totals, but its labels are drawn per image
(`fundus_label_sets`), so only its totals are planned here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

Kind = Literal["asoct", "fundus", "fundus_multilabel"]
NamedSize = Literal["tiny", "small", "paper"]
#: A named size, or custom ``(database, val, test)`` totals as a sequence or a mapping.
SizeSpec = NamedSize | Sequence[int] | Mapping[str, int]

SPLITS = ("database", "val", "test")
NUM_CLASSES = 5
MIN_PER_CLASS = 2

#: Fundus-iSee class counts in the order normal, DR, glaucoma, AMD, myopia (paper, Sec. IV).
FUNDUS_ISEE_COUNTS = (7770, 270, 450, 720, 790)

#: ``(database, val, test)`` totals of the named sizes.
NAMED_SIZES: dict[str, dict[str, tuple[int, int, int]]] = {
    "asoct": {"tiny": (200, 50, 50), "small": (1500, 150, 150), "paper": (7000, 700, 700)},
    "fundus": {"tiny": (250, 60, 60), "small": (2000, 200, 200), "paper": (9000, 1000, 1000)},
    "fundus_multilabel": {
        "tiny": (250, 60, 60),
        "small": (2000, 200, 200),
        "paper": (9000, 1000, 1000),
    },
}

_CLASS_WEIGHTS = {
    "asoct": np.ones(NUM_CLASSES),
    "fundus": np.asarray(FUNDUS_ISEE_COUNTS, dtype=np.float64),
}


@dataclass(frozen=True)
class SplitCounts:
    """Images per class in each split.

    Attributes:
        database: Per-class counts of the database (training) split.
        val: Per-class counts of the validation queries.
        test: Per-class counts of the test queries.
    """

    database: tuple[int, ...]
    val: tuple[int, ...]
    test: tuple[int, ...]


def class_counts(total: int, weights: np.ndarray, minimum: int = MIN_PER_CLASS) -> tuple[int, ...]:
    """Apportions ``total`` images to classes by the largest-remainder method.

    Counts are proportional to ``weights`` and sum to ``total``; then every class is raised
    to ``minimum``, taking images from the largest classes. Ties go to the earlier class.

    Args:
        total: Number of images (0 gives all-zero counts).
        weights: Non-negative class weights, shape ``(C,)``.
        minimum: Minimum count per class when ``total > 0``.

    Returns:
        The per-class counts.

    Raises:
        ValueError: If ``total`` is negative or too small for the minimum.
    """
    if total < 0:
        raise ValueError(f"a split size must be non-negative, got {total}")
    if total == 0:
        return (0,) * weights.size
    if total < minimum * weights.size:
        raise ValueError(f"{total} images cannot give {minimum} to each of {weights.size} classes")
    quota = total * weights / weights.sum()
    counts = np.floor(quota).astype(np.int64)
    order = np.argsort(-(quota - counts), kind="stable")
    counts[order[: total - counts.sum()]] += 1
    for index in np.flatnonzero(counts < minimum):
        need = minimum - counts[index]
        counts[index] = minimum
        while need:
            donor = int(np.argmax(counts))
            counts[donor] -= 1
            need -= 1
    return tuple(int(count) for count in counts)


def split_totals(kind: Kind, size: SizeSpec) -> tuple[int, int, int]:
    """Resolves a size specification to ``(database, val, test)`` totals.

    Args:
        kind: ``"asoct"``, ``"fundus"`` or ``"fundus_multilabel"``.
        size: ``"tiny"``, ``"small"``, ``"paper"``, a ``(database, val, test)`` sequence, or
            a mapping with the keys ``database``, ``val`` and ``test``.

    Returns:
        The three totals.

    Raises:
        ValueError: If the kind or the size is not understood, or a total is negative or
            too small to give `MIN_PER_CLASS` images to each of the `NUM_CLASSES` labels.
    """
    if kind not in NAMED_SIZES:
        raise ValueError(f"kind must be one of {sorted(NAMED_SIZES)}, got {kind!r}")
    if isinstance(size, str):
        if size not in NAMED_SIZES[kind]:
            raise ValueError(f"size must be one of {sorted(NAMED_SIZES[kind])}, got {size!r}")
        return NAMED_SIZES[kind][size]
    if isinstance(size, Mapping):
        if set(size) != set(SPLITS):
            raise ValueError(f"a size mapping needs exactly the keys {SPLITS}, got {sorted(size)}")
        values = [size[split] for split in SPLITS]
    else:
        values = list(size)
        if len(values) != len(SPLITS):
            raise ValueError(f"a size sequence needs {len(SPLITS)} totals {SPLITS}, got {values}")
    database, val, test = (int(value) for value in values)
    for total in (database, val, test):
        if total < 0:
            raise ValueError(f"a split size must be non-negative, got {total}")
        if 0 < total < MIN_PER_CLASS * NUM_CLASSES:
            raise ValueError(
                f"{total} images cannot give {MIN_PER_CLASS} to each of {NUM_CLASSES} classes"
            )
    return database, val, test


def split_sizes(kind: Kind, size: SizeSpec) -> SplitCounts:
    """Per-class image counts of each split, for a kind and a size.

    Args:
        kind: ``"asoct"`` (balanced grades) or ``"fundus"`` (Fundus-iSee proportions).
        size: See `split_totals`.

    Returns:
        The per-class counts of the database, validation and test splits.

    Raises:
        ValueError: If the kind or the size is not understood, or the kind is multi-label
            (its per-label counts do not partition a split; see `split_totals`).
    """
    database, val, test = split_totals(kind, size)
    if kind not in _CLASS_WEIGHTS:
        raise ValueError(f"{kind} labels are multi-hot: a split has totals, not class counts")
    weights = _CLASS_WEIGHTS[kind]
    return SplitCounts(
        database=class_counts(database, weights),
        val=class_counts(val, weights),
        test=class_counts(test, weights),
    )
