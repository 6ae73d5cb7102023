"""Attention-guided hashing (model=agdh loss=weighted_likelihood) from config to metrics."""

import math

import pytest
import torch
from hydra.utils import instantiate

from ash_lightning.lightning.labelled_batch_module import LabelledBatchHashingModule
from ash_lightning.run.checkpoint_loading import load_network
from ash_lightning.run.config_check import ConfigError
from ash_lightning.run.job import train
from ash_lightning.run.network_build import build_network

AGH = ("model=agdh", "loss=weighted_likelihood")
LEARNS = ("optimizer=adam", "optimizer.lr=0.003", "data.batch_size=8", "trainer.max_epochs=4")


def test_agh_config_builds_a_two_head_network_with_k_bits(tiny_config):
    cfg = tiny_config(*AGH, "bits=24")
    net = build_network(cfg.model, num_classes=5)
    codes, logits = net.codes_and_logits(torch.zeros(3, 1, 32, 32))
    assert codes.shape == (3, 24) and logits.shape == (3, 5)
    assert type(net.trunk.attention).__name__ == "ClassGuidedAttention"
    assert type(instantiate(cfg.loss)).__name__ == "WeightedLikelihoodLoss"


def test_agh_trains_end_to_end_beats_random_codes_and_reloads(tiny_config, tmp_path):
    cfg = tiny_config(*AGH, *LEARNS)
    results = train(cfg)
    test = results["metrics"]["test"]["metrics"]
    assert results["method"] == "agdh"
    assert all(math.isfinite(value) for value in test.values())
    chance = results["metrics"]["random_codes"]["metrics"]["mAP@10"]
    assert test["mAP@10"] > chance + 0.05, (test["mAP@10"], chance)
    net = load_network(cfg, tmp_path / "checkpoints" / "last.ckpt", num_classes=5)
    assert net(torch.zeros(2, 1, 32, 32)).shape == (2, 12)


def test_weighted_likelihood_needs_a_class_head(tiny_config):
    with pytest.raises(ConfigError, match="needs a model with a class head"):
        train(tiny_config("model=ash_u", "loss=weighted_likelihood"))


def test_multi_hot_batches_train_through_the_labelled_batch_module(tiny_config):
    torch.manual_seed(0)
    cfg = tiny_config(*AGH, "model.attention.class_weighting=sigmoid")
    net = build_network(cfg.model, num_classes=4)
    module = LabelledBatchHashingModule(net, instantiate(cfg.loss), instantiate(cfg.optimizer))
    optimizer = module.configure_optimizers()
    images = torch.randn(8, 1, 32, 32)
    labels = torch.tensor([[1, 0, 0, 1], [0, 1, 0, 0], [1, 1, 0, 0], [0, 0, 1, 0]] * 2)
    for step in range(3):
        loss = module.training_step((images, labels.to(torch.uint8)), step)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        assert torch.isfinite(loss)
