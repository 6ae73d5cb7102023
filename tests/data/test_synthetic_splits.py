from __future__ import annotations

import numpy as np
import pytest

from ash_lightning.data.retrieval_splits import RetrievalSplits
from ash_lightning.data.synthetic import (
    ASOCT_GRADES,
    FUNDUS_CLASSES,
    make_synthetic_splits,
    split_sizes,
    split_totals,
)
from ash_lightning.data.synthetic.sizes import FUNDUS_ISEE_COUNTS, MIN_PER_CLASS, class_counts

TOTALS = {
    ("asoct", "tiny"): (200, 50, 50),
    ("asoct", "small"): (1500, 150, 150),
    ("asoct", "paper"): (7000, 700, 700),
    ("fundus", "tiny"): (250, 60, 60),
    ("fundus", "small"): (2000, 200, 200),
    ("fundus", "paper"): (9000, 1000, 1000),
}


@pytest.mark.parametrize(("kind", "size"), sorted(TOTALS))
def test_named_sizes_have_the_documented_totals_and_a_minimum_per_class(
    kind: str, size: str
) -> None:
    counts = split_sizes(kind, size)
    totals = (sum(counts.database), sum(counts.val), sum(counts.test))
    assert totals == TOTALS[kind, size]
    for split in (counts.database, counts.val, counts.test):
        assert len(split) == 5
        assert min(split) >= 2


@pytest.mark.parametrize("size", ["tiny", "small", "paper"])
def test_asoct_grades_are_balanced(size: str) -> None:
    counts = split_sizes("asoct", size)
    for split in (counts.database, counts.val, counts.test):
        assert max(split) - min(split) <= 1


def test_fundus_paper_size_reproduces_fundus_isee() -> None:
    counts = split_sizes("fundus", "paper")
    # 10 % of each class are the queries, the rest the database (Fang et al., Sec. IV).
    assert counts.test == tuple(count // 10 for count in FUNDUS_ISEE_COUNTS)
    assert counts.val == counts.test
    total = tuple(db + q for db, q in zip(counts.database, counts.test, strict=True))
    assert total == FUNDUS_ISEE_COUNTS
    assert counts.database[FUNDUS_CLASSES.index("normal")] == 6993


@pytest.mark.parametrize("size", ["tiny", "small"])
def test_fundus_smaller_sizes_keep_the_proportions(size: str) -> None:
    counts = split_sizes("fundus", size)
    share = np.asarray(FUNDUS_ISEE_COUNTS) / sum(FUNDUS_ISEE_COUNTS)
    database = np.asarray(counts.database) / sum(counts.database)
    assert np.abs(database - share).max() < 0.01
    assert np.argmax(counts.test) == FUNDUS_CLASSES.index("normal")


def test_custom_sizes_as_sequence_or_mapping() -> None:
    as_tuple = split_sizes("fundus", (100, 0, 30))
    as_mapping = split_sizes("fundus", {"database": 100, "val": 0, "test": 30})
    assert as_tuple == as_mapping
    assert sum(as_tuple.database) == 100
    assert as_tuple.val == (0, 0, 0, 0, 0)
    assert sum(as_tuple.test) == 30


@pytest.mark.parametrize(
    ("kind", "size"),
    [
        ("oct", "tiny"),
        ("asoct", "huge"),
        ("asoct", (10, 10)),
        ("asoct", {"database": 10, "test": 10}),
        ("fundus", (9, 10, 10)),
        ("asoct", (100, -1, 10)),
    ],
)
def test_invalid_kinds_and_sizes_are_rejected(kind: str, size: object) -> None:
    with pytest.raises(ValueError):
        split_sizes(kind, size)


def test_class_counts_raise_small_classes_to_the_minimum() -> None:
    counts = class_counts(20, np.array([97.0, 1.0, 1.0, 1.0]), minimum=2)
    assert counts == (14, 2, 2, 2)


@pytest.fixture(scope="module")
def tiny_fundus() -> RetrievalSplits:
    return make_synthetic_splits("fundus", "tiny", image_size=32, seed=11)


def test_splits_match_the_planned_sizes(tiny_fundus: RetrievalSplits) -> None:
    counts = split_sizes("fundus", "tiny")
    for name, planned in (
        ("database", counts.database),
        ("val", counts.val),
        ("test", counts.test),
    ):
        images = getattr(tiny_fundus, f"{name}_images")
        labels = getattr(tiny_fundus, f"{name}_labels")
        assert images.shape == (sum(planned), 3, 32, 32)
        assert images.dtype == np.uint8
        assert labels.dtype == np.int64
        assert tuple(np.bincount(labels, minlength=5)) == planned
    assert tiny_fundus.class_names == FUNDUS_CLASSES


def test_labels_are_shuffled(tiny_fundus: RetrievalSplits) -> None:
    labels = tiny_fundus.database_labels
    assert np.any(np.diff(labels) < 0)
    assert not np.array_equal(labels, np.sort(labels))


def test_no_image_is_shared_between_or_within_splits(tiny_fundus: RetrievalSplits) -> None:
    hashes = [
        {image.tobytes() for image in images}
        for images in (tiny_fundus.database_images, tiny_fundus.val_images, tiny_fundus.test_images)
    ]
    sizes = (
        len(tiny_fundus.database_images),
        len(tiny_fundus.val_images),
        len(tiny_fundus.test_images),
    )
    assert tuple(len(split) for split in hashes) == sizes
    assert len(set.union(*hashes)) == sum(sizes)


def test_same_arguments_give_identical_bytes(tiny_fundus: RetrievalSplits) -> None:
    again = make_synthetic_splits("fundus", "tiny", image_size=32, seed=11)
    for name in ("database", "val", "test"):
        assert getattr(again, f"{name}_images").tobytes() == (
            getattr(tiny_fundus, f"{name}_images").tobytes()
        )
        assert np.array_equal(
            getattr(again, f"{name}_labels"), getattr(tiny_fundus, f"{name}_labels")
        )


def test_another_seed_gives_other_splits(tiny_fundus: RetrievalSplits) -> None:
    other = make_synthetic_splits("fundus", "tiny", image_size=32, seed=12)
    assert not np.array_equal(other.test_images, tiny_fundus.test_images)
    assert not np.array_equal(other.database_labels, tiny_fundus.database_labels)


def test_asoct_splits_small_size() -> None:
    splits = make_synthetic_splits("asoct", "small", image_size=16, seed=0)
    assert splits.database_images.shape == (1500, 1, 16, 16)
    assert splits.val_images.shape == (150, 1, 16, 16)
    assert splits.test_images.shape == (150, 1, 16, 16)
    assert tuple(np.bincount(splits.test_labels)) == (30, 30, 30, 30, 30)
    assert splits.class_names == ASOCT_GRADES


def test_custom_size_splits() -> None:
    splits = make_synthetic_splits("asoct", (20, 0, 10), image_size=16, seed=0)
    assert splits.database_images.shape == (20, 1, 16, 16)
    assert splits.val_images.shape == (0, 1, 16, 16)
    assert splits.val_labels.shape == (0,)
    assert splits.test_images.shape == (10, 1, 16, 16)


@pytest.mark.parametrize("size", ["tiny", "small", "paper"])
def test_multilabel_fundus_has_the_fundus_totals_but_no_class_partition(size: str) -> None:
    assert split_totals("fundus_multilabel", size) == TOTALS["fundus", size]
    with pytest.raises(ValueError, match="multi-hot"):
        split_sizes("fundus_multilabel", size)


@pytest.mark.parametrize("kind", ["asoct", "fundus", "fundus_multilabel"])
@pytest.mark.parametrize("size", [(100, -1, 10), (100, 10, 9), "huge"])
def test_totals_reject_negative_too_small_or_unknown_sizes(kind: str, size: object) -> None:
    with pytest.raises(ValueError):
        split_totals(kind, size)


@pytest.fixture(scope="module")
def tiny_multilabel() -> RetrievalSplits:
    return make_synthetic_splits("fundus_multilabel", "tiny", image_size=32, seed=11)


def test_multilabel_splits_have_multi_hot_labels_on_every_image(
    tiny_multilabel: RetrievalSplits,
) -> None:
    assert tiny_multilabel.class_names == FUNDUS_CLASSES
    for name, total in zip(("database", "val", "test"), TOTALS["fundus", "tiny"], strict=True):
        images = getattr(tiny_multilabel, f"{name}_images")
        labels = getattr(tiny_multilabel, f"{name}_labels")
        assert images.shape == (total, 3, 32, 32) and images.dtype == np.uint8
        assert labels.shape == (total, 5) and labels.dtype == np.uint8
        assert np.array_equal(labels[:, 0] == 1, labels[:, 1:].sum(axis=1) == 0)
        assert labels.sum(axis=0).min() >= MIN_PER_CLASS
    diseases = tiny_multilabel.database_labels[:, 1:].sum(axis=1)
    assert (diseases >= 2).sum() > 0.2 * (diseases >= 1).sum()


def test_multilabel_splits_are_reproducible_and_disjoint(tiny_multilabel: RetrievalSplits) -> None:
    again = make_synthetic_splits("fundus_multilabel", "tiny", image_size=32, seed=11)
    other = make_synthetic_splits("fundus_multilabel", "tiny", image_size=32, seed=12)
    for name in ("database", "val", "test"):
        for field in ("images", "labels"):
            array = getattr(tiny_multilabel, f"{name}_{field}")
            assert getattr(again, f"{name}_{field}").tobytes() == array.tobytes()
            assert not np.array_equal(getattr(other, f"{name}_{field}"), array)
    images = (
        tiny_multilabel.database_images,
        tiny_multilabel.val_images,
        tiny_multilabel.test_images,
    )
    assert len({image.tobytes() for split in images for image in split}) == sum(map(len, images))


def test_multilabel_custom_size_with_an_empty_split() -> None:
    splits = make_synthetic_splits("fundus_multilabel", (20, 0, 10), image_size=16, seed=0)
    assert splits.database_labels.shape == (20, 5)
    assert splits.val_images.shape == (0, 3, 16, 16) and splits.val_labels.shape == (0, 5)
    assert splits.test_labels.sum(axis=0).min() >= MIN_PER_CLASS
