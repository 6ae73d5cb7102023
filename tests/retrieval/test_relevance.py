import numpy as np
import pytest

from ash_lightning.retrieval.relevance import relevance_matrix


def test_single_label_relevance_is_label_equality():
    query_labels = np.array([0, 2])
    database_labels = np.array([0, 1, 2, 0, 2])
    indices = np.array([[3, 1, 0], [4, 0, 2]])
    expected = np.array([[True, False, True], [True, False, True]])
    np.testing.assert_array_equal(
        relevance_matrix(query_labels, database_labels, indices), expected
    )


def test_multi_label_relevance_is_at_least_one_shared_label():
    query_labels = np.array([[1, 0, 1], [0, 0, 0]])
    database_labels = np.array([[1, 0, 0], [0, 1, 0], [0, 1, 1], [1, 1, 1]])
    indices = np.array([[0, 1, 2, 3], [3, 2, 1, 0]])
    expected = np.array([[True, False, True, True], [False, False, False, False]])
    np.testing.assert_array_equal(
        relevance_matrix(query_labels, database_labels, indices), expected
    )


def test_rejects_mismatched_or_malformed_inputs():
    indices = np.zeros((2, 3), dtype=np.int64)
    with pytest.raises(ValueError, match="both be 1-D"):
        relevance_matrix(np.zeros(2), np.zeros((4, 3)), indices)
    with pytest.raises(ValueError, match="classes"):
        relevance_matrix(np.zeros((2, 2)), np.zeros((4, 3)), indices)
    with pytest.raises(ValueError, match="rows"):
        relevance_matrix(np.zeros(3), np.zeros(4), indices)
    with pytest.raises(ValueError, match=r"\[0, 4\)"):
        relevance_matrix(np.zeros(2), np.zeros(4), indices + 4)
    with pytest.raises(ValueError, match="only 0 and 1"):
        relevance_matrix(np.full((2, 3), 2), np.zeros((4, 3)), indices)
    with pytest.raises(ValueError, match="2-D"):
        relevance_matrix(np.zeros(2), np.zeros(4), np.zeros(2, dtype=np.int64))
