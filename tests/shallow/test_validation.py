import numpy as np
import pytest

from ash_lightning.shallow.validation import (
    check_bits,
    check_features,
    check_labels,
    label_matrix,
)


@pytest.mark.parametrize("bits", [0, -4, 2.5, True, "8"])
def test_check_bits_rejects_non_positive_or_non_integer(bits):
    with pytest.raises(ValueError, match="bits"):
        check_bits(bits)


def test_check_bits_accepts_numpy_integers():
    assert check_bits(np.int64(12)) == 12


def test_check_features_rejects_bad_arrays():
    with pytest.raises(ValueError, match="2-D"):
        check_features(np.zeros(5))
    with pytest.raises(ValueError, match="2-D"):
        check_features(np.zeros((0, 3)))
    with pytest.raises(ValueError, match="NaN"):
        check_features(np.array([[0.0, np.nan]]))
    assert check_features(np.ones((2, 3), dtype=np.float32)).dtype == np.float64


def test_check_labels_rejects_mismatches():
    with pytest.raises(ValueError, match="N = 3"):
        check_labels(np.zeros(4, dtype=int), 3)
    with pytest.raises(ValueError, match="integer"):
        check_labels(np.zeros(3), 3)
    with pytest.raises(ValueError, match="only 0 and 1"):
        check_labels(np.full((3, 2), 2), 3)


def test_label_matrix_one_hot_encodes_present_classes():
    expected = np.array([[True, False], [False, True], [True, False]])
    np.testing.assert_array_equal(label_matrix(np.array([3, 7, 3])), expected)


def test_label_matrix_keeps_multi_hot_columns():
    labels = np.array([[1, 0, 1], [0, 0, 1]])
    np.testing.assert_array_equal(label_matrix(labels), labels.astype(bool))
