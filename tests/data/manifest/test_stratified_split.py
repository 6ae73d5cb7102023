from __future__ import annotations

import numpy as np
import pytest

from ash_lightning.data.manifest.errors import ManifestError
from ash_lightning.data.manifest.stratified_split import split_indices, splits_from_column


def assert_partition(split: dict[str, np.ndarray], n: int) -> None:
    assert set(split) == {"database", "val", "test"}
    for indices in split.values():
        np.testing.assert_array_equal(indices, np.sort(indices))
    together = np.concatenate(list(split.values()))
    assert len(together) == n
    np.testing.assert_array_equal(np.sort(together), np.arange(n))


def test_same_seed_same_split_other_seed_differs() -> None:
    labels = np.repeat(np.arange(4), 50)
    first, again, other = (split_indices(labels, seed=s) for s in (3, 3, 4))
    for name in first:
        np.testing.assert_array_equal(first[name], again[name])
    assert not np.array_equal(first["test"], other["test"])


def test_disjoint_and_covering() -> None:
    labels = np.random.default_rng(0).integers(0, 5, size=137)
    assert_partition(split_indices(labels), 137)


def test_stratified_proportions() -> None:
    labels = np.repeat(np.arange(3), [100, 40, 20])
    split = split_indices(labels, query_fraction=0.1, val_fraction=0.05)
    for name, expected in (("test", [10, 4, 2]), ("val", [5, 2, 1])):
        np.testing.assert_array_equal(np.bincount(labels[split[name]], minlength=3), expected)
    np.testing.assert_array_equal(np.bincount(labels[split["database"]]), [85, 34, 17])


def test_minimum_counts_for_small_classes() -> None:
    labels = np.repeat(np.arange(4), [1, 2, 3, 6])
    split = split_indices(labels, query_fraction=0.1, val_fraction=0.05)
    assert_partition(split, len(labels))
    np.testing.assert_array_equal(np.bincount(labels[split["test"]], minlength=4), [0, 1, 1, 1])
    np.testing.assert_array_equal(np.bincount(labels[split["val"]], minlength=4), [0, 0, 1, 1])
    np.testing.assert_array_equal(np.bincount(labels[split["database"]]), [1, 1, 1, 4])


def test_zero_val_fraction_gives_empty_val() -> None:
    split = split_indices(np.repeat(np.arange(2), 30), val_fraction=0.0)
    assert len(split["val"]) == 0
    assert len(split["test"]) == 6


def test_multi_hot_stratified_by_first_positive_label() -> None:
    labels = np.zeros((40, 3), dtype=np.uint8)
    labels[:20, 0] = 1
    labels[20:, 1] = 1
    labels[::2, 2] = 1
    split = split_indices(labels, query_fraction=0.1, val_fraction=0.0)
    assert_partition(split, 40)
    np.testing.assert_array_equal(np.bincount(labels[split["test"]].argmax(axis=1)), [2, 2])


@pytest.mark.parametrize(
    ("query_fraction", "val_fraction", "fragment"),
    [
        (1.0, 0.0, "query_fraction"),
        (-0.1, 0.0, "query_fraction"),
        (0.1, 1.2, "val_fraction"),
        (0.6, 0.4, "below 1"),
    ],
)
def test_invalid_fractions(query_fraction: float, val_fraction: float, fragment: str) -> None:
    with pytest.raises(ManifestError, match=fragment):
        split_indices(np.zeros(10, dtype=np.int64), query_fraction, val_fraction)


def test_splits_from_column() -> None:
    split = splits_from_column(("test", "database", "database", "test"))
    np.testing.assert_array_equal(split["database"], [1, 2])
    np.testing.assert_array_equal(split["test"], [0, 3])
    assert split["val"].dtype == np.int64 and len(split["val"]) == 0


def test_splits_from_column_rejects_unknown_name() -> None:
    with pytest.raises(ManifestError, match="train"):
        splits_from_column(("train", "test"))
