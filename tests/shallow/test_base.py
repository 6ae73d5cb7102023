import numpy as np
import pytest

from ash_lightning.shallow import ITQ, LSH, MetricHashingForest, ShallowHasher

HASHERS = {"lsh": LSH, "itq": ITQ, "mhf": MetricHashingForest}


@pytest.fixture(params=sorted(HASHERS))
def hasher_class(request):
    return HASHERS[request.param]


def test_is_an_abstract_base():
    with pytest.raises(TypeError):
        ShallowHasher(8)


@pytest.mark.parametrize("bits", [1, 10, 16])
def test_codes_have_shape_n_by_bits(hasher_class, small_problem, bits):
    features, labels = small_problem
    hasher = hasher_class(bits=bits).fit(features, labels)
    codes = hasher.encode(features[:37])
    assert hasher.bits == bits
    assert codes.shape == (37, bits)
    assert codes.dtype == np.float32


def test_codes_are_deterministic_for_a_seed(hasher_class, small_problem):
    features, labels = small_problem
    first = hasher_class(bits=12, seed=3).fit(features, labels).encode(features)
    second = hasher_class(bits=12, seed=3).fit(features, labels).encode(features)
    other = hasher_class(bits=12, seed=4).fit(features, labels).encode(features)
    np.testing.assert_array_equal(first, second)
    assert not np.array_equal(first >= 0, other >= 0)


def test_encode_before_fit_raises(hasher_class, small_problem):
    hasher = hasher_class(bits=8)
    assert not hasher.is_fitted
    with pytest.raises(RuntimeError, match="before fit"):
        hasher.encode(small_problem[0])
    assert hasher.fit(*small_problem).is_fitted


@pytest.mark.parametrize("bits", [0, -2])
def test_bad_bits_raise(hasher_class, bits):
    with pytest.raises(ValueError, match="bits"):
        hasher_class(bits=bits)


def test_encode_rejects_a_different_feature_dimension(hasher_class, small_problem):
    features, labels = small_problem
    hasher = hasher_class(bits=8).fit(features, labels)
    with pytest.raises(ValueError, match="dimension"):
        hasher.encode(features[:, :10])


def test_fit_rejects_mismatched_labels(hasher_class, small_problem):
    features, labels = small_problem
    with pytest.raises(ValueError, match="labels"):
        hasher_class(bits=8).fit(features, labels[:-1])


def test_fit_accepts_multi_hot_labels(hasher_class, small_problem):
    features, labels = small_problem
    multi_hot = np.eye(3, dtype=np.int64)[labels]
    multi_hot[::7, 0] = 1
    assert hasher_class(bits=8).fit(features, multi_hot).encode(features).shape == (300, 8)
