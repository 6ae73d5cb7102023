import pytest
import torch
from torch import nn

from ash_lightning.nn.ash_attention import ASHAttention
from ash_lightning.nn.ash_u_trunk import ASHUTrunk
from ash_lightning.nn.hash_head import HashHead
from ash_lightning.nn.hashing_network import HashingNetwork
from ash_lightning.nn.no_attention import NoAttention
from ash_lightning.nn.residual_block import ResidualBlock
from ash_lightning.nn.residual_trunk import ResidualTrunk


def _head(bits, hidden=None):
    return lambda width: HashHead(width, bits, hidden)


@pytest.mark.parametrize("image_size", [32, 64, 96, 128])
def test_ash_u_works_at_any_size_with_derived_fc_width(image_size):
    net = HashingNetwork(ASHUTrunk(ASHAttention, in_channels=3), _head(12, 64), image_size, 3)
    # four stride-2 stages: 32 channels at ceil(size / 16) squared positions
    side = -(-image_size // 16)
    assert net.feature_width == 32 * side * side
    codes = net(torch.randn(2, 3, image_size, image_size))
    assert codes.shape == (2, 12)
    assert (codes.abs() < 1).all()


def test_ash_u_layer_order_follows_the_authors_code():
    trunk = ASHUTrunk(ASHAttention, in_channels=1, width=16)
    kinds = (
        [type(m).__name__ for m in trunk.stem] + ["ATT"] + [type(m).__name__ for m in trunk.tail]
    )
    assert kinds == [
        "Conv2d",
        "BatchNorm2d",
        "ReLU",
        "MaxPool2d",
        "BatchNorm2d",
        "ATT",
        "Conv2d",
        "BatchNorm2d",
        "ReLU",
        "AvgPool2d",
        "BatchNorm2d",
        "Flatten",
    ]
    assert trunk.stem[0].in_channels == 1 and trunk.tail[0].out_channels == 32


def test_ash_u_head_has_4096_hidden_units_when_configured():
    head = HashHead(512, 24, hidden_features=4096)
    linears = [m for m in head.modules() if isinstance(m, nn.Linear)]
    assert [(m.in_features, m.out_features) for m in linears] == [(512, 4096), (4096, 24)]


def test_identity_relaxation_is_unbounded():
    head = HashHead(4, 3, relaxation="identity")
    with torch.no_grad():
        head.layers[0].weight.fill_(10.0)
    assert head(torch.ones(1, 4)).abs().max() > 1
    with pytest.raises(ValueError, match="relaxation"):
        HashHead(4, 3, relaxation="sigmoid")


def test_residual_block_projection_shortcut_only_when_shape_changes():
    assert isinstance(ResidualBlock(16, 16, 1).shortcut, nn.Identity)
    assert isinstance(ResidualBlock(3, 16, 1).shortcut, nn.Sequential)
    assert isinstance(ResidualBlock(16, 16, 2).shortcut, nn.Sequential)
    assert ResidualBlock(3, 16, 2)(torch.randn(1, 3, 9, 9)).shape == (1, 16, 5, 5)


@pytest.mark.parametrize("post_conv", [False, True])
def test_residual_trunk_is_drh_plus_attention(post_conv):
    trunk = ResidualTrunk(ASHAttention, in_channels=3, post_attention_conv=post_conv)
    assert isinstance(trunk.attention, ASHAttention)
    assert isinstance(trunk.post_attention, nn.Sequential) == post_conv
    net = HashingNetwork(trunk, _head(48), 32, 3)
    assert net.feature_width == 16 * 16 * 16
    assert net(torch.randn(2, 3, 32, 32)).shape == (2, 48)
    drh = ResidualTrunk(NoAttention, in_channels=3)
    assert sum(p.numel() for p in drh.parameters()) == sum(
        p.numel() for p in trunk.parameters()
    ) - (sum(p.numel() for p in trunk.post_attention.parameters()))


def test_too_small_input_is_a_clear_error():
    with pytest.raises(ValueError, match="image_size=1 is too small"):
        HashingNetwork(nn.Sequential(nn.Conv2d(3, 4, 5), nn.Flatten()), _head(8), 1, 3)
