"""Mirror attention with the fine triplet loss, end to end through ``train``."""

import math

from ash_lightning.run.job import train

# The default optimizer (SGD, lr 0.01); the mirror config has no hidden FC (the tiny config
# adds one to every model).
MIRROR = ("model=mirror", "loss=fine_triplet", "model.head.hidden_features=null")


def test_mirror_attention_trains_and_beats_random_codes(tiny_config):
    results = train(tiny_config(*MIRROR, "trainer.max_epochs=3"))
    trained = results["metrics"]["test"]["metrics"]
    chance = results["metrics"]["random_codes"]["metrics"]["mAP@10"]
    assert results["method"] == "mirror"
    assert results["config"]["loss"]["_target_"].endswith("FineTripletLoss")
    assert all(math.isfinite(value) for value in trained.values())
    assert trained["mAP@10"] > chance + 0.05, (trained["mAP@10"], chance)


def test_mirror_attention_trains_on_multi_hot_labels(tiny_config):
    results = train(
        tiny_config(*MIRROR, "data=synthetic_fundus_multilabel", "trainer.max_epochs=1")
    )
    assert all(math.isfinite(value) for value in results["metrics"]["test"]["metrics"].values())
