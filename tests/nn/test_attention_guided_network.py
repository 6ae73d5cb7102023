import pytest
import torch
from torch import nn

from ash_lightning.nn.attention_guided_network import AttentionGuidedHashingNetwork
from ash_lightning.nn.attention_maps import attention_maps
from ash_lightning.nn.class_guided_attention import ClassGuidedAttention
from ash_lightning.nn.hash_head import HashHead
from ash_lightning.nn.residual_block import ResidualBlock


def _network(image_size: int, bits: int = 12, num_classes: int = 5):
    backbone = nn.Sequential(ResidualBlock(1, 8, stride=2), ResidualBlock(8, 16, stride=2))
    return AttentionGuidedHashingNetwork(
        backbone,
        ClassGuidedAttention,
        lambda width: HashHead(width, bits),
        num_classes,
        image_size,
        in_channels=1,
    )


@pytest.mark.parametrize("image_size", [32, 64])
def test_codes_and_logits_shapes_and_range(image_size):
    torch.manual_seed(0)
    net = _network(image_size, bits=24, num_classes=5)
    images = torch.randn(4, 1, image_size, image_size)
    codes, logits = net.codes_and_logits(images)
    assert codes.shape == (4, 24) and logits.shape == (4, 5)
    assert (codes.abs() < 1).all()
    assert net.feature_width == 2 * 16  # [global; local] over 16 channels
    net.eval()
    with torch.no_grad():
        torch.testing.assert_close(net(images), net.codes_and_logits(images)[0])
        assert net.trunk(images).shape == (4, 32)


def test_attention_maps_finds_the_class_guided_gate():
    net = _network(32).eval()
    codes, maps = attention_maps(net, torch.randn(3, 1, 32, 32))
    assert codes.shape == (3, 12) and maps.shape == (3, 1, 8, 8)
    torch.testing.assert_close(maps.sum(dim=(1, 2, 3)), torch.ones(3))
