from importlib.resources import files

import pytest
import torch
from hydra.utils import instantiate

from ash_lightning.nn.class_head_network import ClassHeadNetwork
from ash_lightning.run.network_build import build_network

SYSTEMS = sorted(
    entry.name.removesuffix(".yaml")
    for entry in files("ash_lightning.conf").joinpath("system").iterdir()
    if entry.name.endswith(".yaml")
)


def test_every_related_system_has_a_config():
    assert {"ash_u", "ash_l", "ath", "mirror", "agdh"} <= set(SYSTEMS)


DEEP_SYSTEMS = [system for system in SYSTEMS if system != "knn"]


@pytest.mark.parametrize("system", DEEP_SYSTEMS)
def test_a_system_sets_its_model_and_its_own_loss(system, tiny_config):
    cfg = tiny_config(f"system={system}")
    assert cfg.method == system
    loss = instantiate(cfg.loss)
    extra = {"num_classes": 5} if cfg.model.get("num_classes", 0) is None else {}
    net = build_network(cfg.model, **extra).eval()
    with torch.no_grad():
        codes = net(torch.zeros(2, cfg.data.channels, 32, 32))
    assert codes.shape == (2, cfg.bits)
    if loss.regime.needs_class_head:
        assert isinstance(net, ClassHeadNetwork)


def test_a_command_line_loss_still_wins_over_the_systems(tiny_config):
    cfg = tiny_config("system=ath", "loss=contrastive")
    assert cfg.loss._target_.endswith("ContrastiveHashLoss") and cfg.method == "ath"


def test_the_knn_reference_ranks_unhashed_features_by_cosine(tiny_config):
    cfg = tiny_config("system=knn", shallow=True)
    assert cfg.method == "knn" and cfg.retrieval.binarize is False
    assert cfg.model.hasher._target_ == "ash_lightning.shallow.Unhashed"
