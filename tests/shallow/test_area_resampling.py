import numpy as np
import pytest

from ash_lightning.shallow.area_resampling import area_weights


def test_divisible_sizes_average_equal_blocks():
    expected = np.array([[0.5, 0.5, 0.0, 0.0], [0.0, 0.0, 0.5, 0.5]])
    np.testing.assert_allclose(area_weights(4, 2), expected)


def test_non_divisible_sizes_share_the_middle_pixel():
    expected = np.array([[2 / 3, 1 / 3, 0.0], [0.0, 1 / 3, 2 / 3]])
    np.testing.assert_allclose(area_weights(3, 2), expected)


@pytest.mark.parametrize(("in_size", "out_size"), [(7, 3), (32, 8), (20, 6), (5, 5), (3, 7)])
def test_rows_are_averages_and_columns_preserve_the_mean(in_size, out_size):
    weights = area_weights(in_size, out_size)
    assert weights.shape == (out_size, in_size)
    assert (weights >= 0).all()
    np.testing.assert_allclose(weights.sum(axis=1), 1.0)
    np.testing.assert_allclose(weights.sum(axis=0), out_size / in_size)


def test_equal_sizes_give_the_identity():
    np.testing.assert_allclose(area_weights(6, 6), np.eye(6))


def test_rejects_empty_sizes():
    with pytest.raises(ValueError, match=">= 1"):
        area_weights(0, 2)
