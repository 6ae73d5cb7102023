import numpy as np
import pytest
import torch

from ash_lightning.nn.ash_attention import ASHAttention
from ash_lightning.nn.ash_released_attention import ASHReleasedAttention
from ash_lightning.nn.no_attention import NoAttention


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def test_ash_attention_is_equation_1_by_hand():
    x = np.random.default_rng(0).normal(size=(2, 4, 5, 6)).astype(np.float32)
    expected = np.empty_like(x)
    for n in range(2):
        for i in range(5):
            for j in range(6):
                column = x[n, :, i, j]
                weight = _sigmoid(max(column) * (sum(column) / len(column)))
                expected[n, :, i, j] = column * weight
    got = ASHAttention(4)(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


def test_ash_attention_multiplies_not_adds_the_pools():
    # max = 2, mean = 1 at the single position: Eq. (1) gives sigmoid(2 * 1), not sigmoid(3).
    x = torch.tensor([0.0, 2.0, 1.0]).reshape(1, 3, 1, 1)
    out = ASHAttention(3)(x)
    assert out[0, 1, 0, 0].item() == pytest.approx(2.0 * _sigmoid(2.0), rel=1e-6)


def test_released_attention_is_cbam_spatial_with_3x3_conv_by_hand():
    torch.manual_seed(0)
    block = ASHReleasedAttention(3)
    assert block.conv.bias is None and tuple(block.conv.weight.shape) == (1, 2, 3, 3)
    x = np.random.default_rng(1).normal(size=(1, 3, 4, 4)).astype(np.float32)
    kernel = block.conv.weight.detach().numpy()[0]
    pooled = np.stack([x[0].mean(axis=0), x[0].max(axis=0)])  # mean first, then max
    padded = np.pad(pooled, ((0, 0), (1, 1), (1, 1)))
    expected = np.empty_like(x)
    for i in range(4):
        for j in range(4):
            logit = float((padded[:, i : i + 3, j : j + 3] * kernel).sum())
            expected[0, :, i, j] = x[0, :, i, j] * _sigmoid(logit)
    got = block(torch.from_numpy(x)).detach().numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


def test_released_attention_rejects_even_kernel():
    with pytest.raises(ValueError, match="odd"):
        ASHReleasedAttention(3, kernel_size=4)


@pytest.mark.parametrize("block", [ASHAttention, ASHReleasedAttention, NoAttention])
def test_blocks_keep_shape_and_expose_gate_for_hooks(block):
    module = block(8)
    x = torch.randn(2, 8, 7, 9)
    assert module(x).shape == x.shape
    if block is NoAttention:
        assert torch.equal(module(x), x)
    else:
        maps = []
        module.gate.register_forward_hook(lambda _m, _i, out: maps.append(out))
        module(x)
        assert maps[0].shape == (2, 1, 7, 9)
        assert ((maps[0] > 0) & (maps[0] < 1)).all()
