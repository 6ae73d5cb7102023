import numpy as np
import pytest

from ash_lightning.retrieval.hamming_pr_curve import hamming_pr_curve


def _brute_force(queries, query_labels, database, database_labels, radius):
    """Per query: count the items within ``radius`` bits, and the relevant ones, in loops."""
    returned = relevant_returned = relevant_total = 0
    for query, query_label in zip(queries, query_labels, strict=True):
        for item, item_label in zip(database, database_labels, strict=True):
            relevant = (
                bool(np.any(query_label & item_label))
                if np.ndim(query_label)
                else (query_label == item_label)
            )
            within = sum((q >= 0) != (b >= 0) for q, b in zip(query, item, strict=True)) <= radius
            relevant_total += relevant
            returned += within
            relevant_returned += within and relevant
    precision = relevant_returned / returned if returned else 1.0
    return precision, relevant_returned / relevant_total, returned / len(queries)


@pytest.mark.parametrize("multi_label", [False, True])
def test_the_curve_matches_counting_every_pair(multi_label):
    rng = np.random.default_rng(0)
    queries, database = rng.normal(size=(13, 6)), rng.normal(size=(40, 6))
    if multi_label:
        query_labels = rng.integers(0, 2, (13, 3))
        database_labels = rng.integers(0, 2, (40, 3))
    else:
        query_labels, database_labels = rng.integers(0, 3, 13), rng.integers(0, 3, 40)
    curve = hamming_pr_curve(queries, query_labels, database, database_labels)
    assert list(curve.radius) == list(range(7))
    for radius in range(7):
        expected = _brute_force(queries, query_labels, database, database_labels, radius)
        got = (curve.precision[radius], curve.recall[radius], curve.returned[radius])
        np.testing.assert_allclose(got, expected)
    assert curve.recall[-1] == 1.0 and curve.returned[-1] == 40


def test_collapsed_codes_return_everything_at_radius_zero():
    labels = np.array([0, 1, 0, 1])
    curve = hamming_pr_curve(np.ones((2, 4)), labels[:2], np.ones((4, 4)), labels)
    assert curve.returned[0] == 4 and curve.precision[0] == 0.5 and curve.recall[0] == 1.0
