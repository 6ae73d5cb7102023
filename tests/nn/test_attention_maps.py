import math

import pytest
import torch
from torch import nn

from ash_lightning.nn.attention_maps import attention_maps
from ash_lightning.nn.hash_head import HashHead
from ash_lightning.nn.hashing_network import HashingNetwork
from ash_lightning.nn.mirror_trunk import MirrorTrunk


def _mirror_network() -> HashingNetwork:
    torch.manual_seed(0)
    encoder = nn.Sequential(nn.Conv2d(1, 4, 3, stride=2, padding=1), nn.ReLU())
    trunk = MirrorTrunk(encoder, image_size=16, in_channels=1, batch_norm=False)
    return HashingNetwork(
        trunk, lambda width: HashHead(width, bits=6, relaxation="identity"), 16, 1
    ).eval()


def _received_by_hand(net: HashingNetwork, images: torch.Tensor) -> torch.Tensor:
    """softmax(Q^T K / sqrt(d)) per branch, mean over queries, mean over the two branches."""
    trunk = net.trunk
    features = trunk.encoder(images)
    maps = []
    for branch, dim in ((trunk.horizontal_attention, -1), (trunk.vertical_attention, -2)):
        mirrored = trunk.encoder(images.flip(dim)).flip(dim)
        queries = branch.query(features).flatten(2)
        keys = branch.key(mirrored).flatten(2)
        scores = queries.transpose(1, 2) @ keys / math.sqrt(queries.shape[1])
        maps.append(scores.softmax(dim=-1).mean(dim=1).reshape(len(images), 1, 8, 8))
    return (maps[0] + maps[1]) / 2


def test_mirror_attention_map_is_the_attention_each_position_receives():
    net = _mirror_network()
    images = torch.randn(3, 1, 16, 16)
    codes, maps = attention_maps(net, images)
    with torch.no_grad():
        torch.testing.assert_close(codes, net(images))
        torch.testing.assert_close(maps, _received_by_hand(net, images))
    assert maps.shape == (3, 1, 8, 8)
    torch.testing.assert_close(maps.sum(dim=(1, 2, 3)), torch.ones(3))


def test_a_network_without_attention_is_refused():
    net = HashingNetwork(nn.Flatten(), lambda width: HashHead(width, bits=4), 8, 1)
    with pytest.raises(ValueError, match="no attention gate"):
        attention_maps(net, torch.zeros(1, 1, 8, 8))
