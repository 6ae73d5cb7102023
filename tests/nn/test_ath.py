import numpy as np
import torch

from ash_lightning.nn.ath_attention import ATHAttention
from ash_lightning.nn.ath_trunk import ATHTrunk
from ash_lightning.nn.hash_head import HashHead
from ash_lightning.nn.two_head_network import TwoHeadHashingNetwork


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def test_ath_attention_by_hand():
    torch.manual_seed(0)
    block = ATHAttention(2)
    assert tuple(block.conv.weight.shape) == (1, 3, 3, 3) and block.conv.bias is None
    x = np.random.default_rng(0).normal(size=(1, 2, 4, 4)).astype(np.float32)
    padded_x = np.pad(x[0], ((0, 0), (1, 1), (1, 1)), constant_values=-np.inf)
    pooled_max = np.array(
        [[padded_x[:, i : i + 3, j : j + 3].max() for j in range(4)] for i in range(4)]
    )  # 3x3 max-pool then channel max == max over the channel-and-window block
    maps = np.stack([pooled_max, x[0].max(axis=0), x[0].mean(axis=0)])
    padded = np.pad(maps, ((0, 0), (1, 1), (1, 1)))
    kernel = block.conv.weight.detach().numpy()[0]
    expected = np.empty_like(x)
    for i in range(4):
        for j in range(4):
            expected[0, :, i, j] = x[0, :, i, j] * _sigmoid(
                (padded[:, i : i + 3, j : j + 3] * kernel).sum()
            )
    np.testing.assert_allclose(
        block(torch.from_numpy(x)).detach().numpy(), expected, rtol=1e-5, atol=1e-6
    )


def test_ath_attention_gradients_match_pooling_every_channel():
    torch.manual_seed(0)
    block = ATHAttention(6)
    x = torch.randn(2, 6, 7, 7, requires_grad=True)
    block(x).square().sum().backward()
    fast_x, fast_w = x.grad.clone(), block.conv.weight.grad.clone()
    x.grad, block.conv.weight.grad = None, None
    literal = torch.cat(  # the formula as written: pool each channel, then the channel max
        [
            block.max_pool(x).amax(dim=1, keepdim=True),
            x.amax(dim=1, keepdim=True),
            x.mean(dim=1, keepdim=True),
        ],
        dim=1,
    )
    (x * torch.sigmoid(block.conv(literal))).square().sum().backward()
    torch.testing.assert_close(fast_x, x.grad)
    torch.testing.assert_close(fast_w, block.conv.weight.grad)


def test_ath_network_two_heads_from_one_trunk_pass():
    net = TwoHeadHashingNetwork(ATHTrunk(ATHAttention, 3), lambda w: HashHead(w, 12), 5, 64, 3)
    calls = []
    net.trunk.register_forward_hook(lambda *_: calls.append(1))
    codes, logits = net.codes_and_logits(torch.zeros(2, 3, 64, 64))
    assert codes.shape == (2, 12) and logits.shape == (2, 5) and len(calls) == 1
    # 256 px as released: three stride-2 blocks -> 1 x 32 x 32 features
    assert (
        TwoHeadHashingNetwork(
            ATHTrunk(ATHAttention, 3), lambda w: HashHead(w, 12), 5, 256, 3
        ).feature_width
        == 1024
    )
