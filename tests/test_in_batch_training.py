"""ASH's contrastive loss over in-batch pairs with a batch-normalised head, config to metrics."""

import math

import pytest
from hydra.utils import instantiate

from ash_lightning.lightning.labelled_batch_module import LabelledBatchHashingModule
from ash_lightning.lightning.modules import hashing_module
from ash_lightning.nn import EfficientNetTrunk
from ash_lightning.run.job import train
from ash_lightning.run.network_build import build_network

IN_BATCH = (
    "loss=in_batch_contrastive",
    "model.head.batch_norm=true",
    "optimizer=adam",
    "optimizer.lr=0.0001",
    "data.batch_size=16",
    "trainer.max_epochs=3",
)


def test_in_batch_pairs_train_ash_u_end_to_end(tiny_config):
    results = train(tiny_config(*IN_BATCH))
    test = results["metrics"]["test"]["metrics"]
    assert all(math.isfinite(value) for value in test.values())
    assert results["code_statistics"]["test"]["distinct_codes"] >= 1
    assert results["selection"]["monitor"] == "val/mAP@10"


def test_the_in_batch_loss_gets_the_labelled_batch_module(tiny_config):
    cfg = tiny_config(*IN_BATCH)
    module = hashing_module(
        build_network(cfg.model), instantiate(cfg.loss), instantiate(cfg.optimizer)
    )
    assert isinstance(module, LabelledBatchHashingModule)


def test_the_pretrained_ash_recipe_trains_end_to_end_with_its_backbone_frozen(tiny_config):
    cfg = tiny_config("system=ash_pretrained", "trainer.max_epochs=1", "data.batch_size=16")
    net = build_network(cfg.model)
    assert not any(p.requires_grad for p in net.trunk.blocks.parameters())
    results = train(cfg)
    assert results["method"] == "ash_pretrained"
    assert all(math.isfinite(value) for value in results["metrics"]["test"]["metrics"].values())
    assert results["config"]["loss"]["_target_"] == "ash_lightning.losses.InBatchPairs"


@pytest.mark.parametrize(
    ("system", "backbone"),
    [
        ("mirror_pretrained", ("trunk", "encoder")),
        ("agdh_pretrained", ("trunk", "backbone")),
        ("ath_pretrained", ("trunk",)),
    ],
)
def test_related_systems_train_end_to_end_on_the_frozen_pretrained_backbone(
    tiny_config, system, backbone
):
    cfg = tiny_config(f"system={system}", "trainer.max_epochs=1", "data.batch_size=16")
    extra = {"num_classes": 5} if cfg.model.get("num_classes", 0) is None else {}
    net = build_network(cfg.model, **extra)
    trunk = net
    for name in backbone:
        trunk = getattr(trunk, name)
    assert isinstance(trunk, EfficientNetTrunk) and trunk.freeze_stages == trunk.num_stages + 1
    assert not any(p.requires_grad for m in trunk.frozen_modules() for p in m.parameters())
    results = train(cfg)
    assert results["method"] == system
    assert all(math.isfinite(value) for value in results["metrics"]["test"]["metrics"].values())
