from __future__ import annotations

import numpy as np
import pytest

from ash_lightning.data.manifest.errors import ManifestError
from ash_lightning.data.manifest.split_checks import check_splits

NAMES = ("amd", "dr", "normal")


def indices(database: list[int], test: list[int], val: list[int] | None = None) -> dict:
    split = {"database": np.array(database, dtype=np.int64), "test": np.array(test)}
    if val is not None:
        split["val"] = np.array(val, dtype=np.int64)
    return split


def assert_error(labels: np.ndarray, split: dict, message: str) -> None:
    with pytest.raises(ManifestError) as info:
        check_splits(labels, split, NAMES)
    assert str(info.value) == message


def test_valid_single_label_split_passes() -> None:
    labels = np.array([0, 0, 1, 1, 2, 2])
    check_splits(labels, indices([0, 2, 4], [1, 3], [5]), NAMES)
    check_splits(labels, indices([0, 2, 4], [1, 3]), NAMES)


def test_test_query_label_missing_from_database() -> None:
    labels = np.array([0, 0, 1, 2, 2])
    assert_error(
        labels,
        indices([0, 2], [1, 3, 4]),
        "test query label 'normal' has no database image (2 queries)",
    )


def test_val_query_label_missing_from_database() -> None:
    labels = np.array([0, 0, 1, 2])
    assert_error(
        labels,
        indices([0, 2], [1], [3]),
        "val query label 'normal' has no database image (1 query)",
    )


def test_several_orphan_labels_listed() -> None:
    labels = np.array([0, 0, 1, 2])
    assert_error(
        labels,
        indices([0], [1, 2, 3]),
        "test query labels have no database image: 'dr' (1 query), 'normal' (1 query)",
    )


@pytest.mark.parametrize(
    ("name", "split"), [("database", indices([], [0])), ("test", indices([0], []))]
)
def test_empty_database_or_test(name: str, split: dict) -> None:
    assert_error(np.array([0, 0]), split, f"the {name} split is empty")


def test_multi_hot_query_needs_one_label_in_database() -> None:
    labels = np.array([[1, 0, 0], [1, 1, 0], [0, 1, 1], [0, 0, 1]], dtype=np.uint8)
    check_splits(labels, indices([0], [1]), NAMES)
    assert_error(
        labels,
        indices([0], [1, 2, 3]),
        "test query labels have no database image: 'dr' (1 query), 'normal' (2 queries)",
    )
