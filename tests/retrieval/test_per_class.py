import numpy as np
import pytest

from ash_lightning.retrieval.metrics import mean_average_precision
from ash_lightning.retrieval.per_class import class_members, per_class_map


def test_single_and_multi_label_members():
    np.testing.assert_array_equal(
        class_members(np.array([1, 0, 1]), 3),
        [[False, True, False], [True, False, True], [False, False, False]],
    )
    np.testing.assert_array_equal(
        class_members(np.array([[1, 1], [0, 1]]), 2), [[True, False], [True, True]]
    )


def test_labels_that_do_not_fit_the_classes_are_refused():
    with pytest.raises(ValueError, match=r"\[0, 2\)"):
        class_members(np.array([0, 2]), 2)
    with pytest.raises(ValueError, match="3 columns for 2 classes"):
        class_members(np.zeros((2, 3)), 2)


def test_per_class_map_is_the_map_of_each_class_rows():
    rng = np.random.default_rng(0)
    rel = rng.random((40, 10)) < 0.4
    labels = rng.integers(0, 3, 40)
    metrics = per_class_map(rel, labels, ("a", "b", "c"), [5, 10], "authors")
    for label, name in enumerate("abc"):
        for k in (5, 10):
            expected = mean_average_precision(rel[labels == label], k, "authors")
            assert metrics[f"mAP@{k}/{name}"] == expected
    assert len(metrics) == 6
