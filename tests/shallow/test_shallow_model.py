import numpy as np
import pytest

from ash_lightning.data.synthetic import make_synthetic_splits
from ash_lightning.retrieval import evaluate_retrieval, random_code_reference
from ash_lightning.shallow import (
    ITQ,
    LSH,
    MetricHashingForest,
    RawPixelFeatures,
    ShallowHashingModel,
)


@pytest.fixture(scope="module")
def splits():
    return make_synthetic_splits("asoct", "tiny", 32, 0)


@pytest.mark.parametrize("hasher_class", [MetricHashingForest, ITQ, LSH])
def test_end_to_end_on_tiny_synthetic_asoct(splits, hasher_class):
    model = ShallowHashingModel(hasher_class(bits=24), RawPixelFeatures(8))
    assert model.fit(splits.database_images, splits.database_labels) is model
    queries = model.encode(splits.test_images)
    database = model.encode(splits.database_images)
    assert model.bits == 24
    assert queries.shape == (splits.test_images.shape[0], 24)
    assert database.shape == (splits.database_images.shape[0], 24)
    result = evaluate_retrieval(
        queries, splits.test_labels, database, splits.database_labels, [5, 10, 20]
    )
    names = ("mHR", "mAP", "mRR", "NDCG")
    overall = {f"{m}@{k}" for k in (5, 10, 20) for m in names}
    assert set(result.metrics) == overall | {f"tie_aware/{name}" for name in overall}
    assert all(0.0 <= value <= 1.0 for value in result.metrics.values())


def test_mhf_beats_chance_on_tiny_synthetic_asoct(splits):
    model = ShallowHashingModel(MetricHashingForest(bits=32), RawPixelFeatures(8))
    model.fit(splits.database_images, splits.database_labels)
    result = evaluate_retrieval(
        model.encode(splits.test_images),
        splits.test_labels,
        model.encode(splits.database_images),
        splits.database_labels,
        [10],
    )
    chance = random_code_reference(splits.test_labels, splits.database_labels, 32, [10], seed=0)
    assert result.metrics["mAP@10"] > chance.metrics["mAP@10"] + 0.1


def test_encode_goes_through_the_features(splits):
    calls = []

    def features(images: np.ndarray) -> np.ndarray:
        calls.append(images.shape[0])
        return RawPixelFeatures(4)(images)

    model = ShallowHashingModel(LSH(bits=8), features)
    model.fit(splits.database_images, splits.database_labels).encode(splits.test_images)
    assert calls == [splits.database_images.shape[0], splits.test_images.shape[0]]


def test_encode_before_fit_raises(splits):
    with pytest.raises(RuntimeError, match="before fit"):
        ShallowHashingModel(ITQ(bits=8), RawPixelFeatures(8)).encode(splits.test_images)
