import numpy as np
import pytest
import torch

from ash_lightning.nn.mirror_attention import MirrorAttention


def _randomised(block: MirrorAttention, seed: int = 0) -> MirrorAttention:
    """The block with every weight non-zero (the output projection starts at zero)."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for parameter in block.parameters():
            parameter.copy_(torch.randn(parameter.shape, generator=generator) * 0.5)
    return block


def _conv1x1(block: torch.nn.Conv2d, x: np.ndarray) -> np.ndarray:
    """A 1 x 1 convolution of ``N x C x P`` (flattened) maps, in NumPy."""
    weight = block.weight.detach().numpy()[:, :, 0, 0].astype(np.float64)
    bias = block.bias.detach().numpy().astype(np.float64)
    return np.einsum("oc,ncp->nop", weight, x) + bias[None, :, None]


def _reference(block: MirrorAttention, x: np.ndarray, keys_from: np.ndarray) -> tuple:
    """Output and weights of non-local attention from ``x`` to ``keys_from`` (NumPy)."""
    n, c, h, w = x.shape
    flat_x, flat_m = x.reshape(n, c, h * w), keys_from.reshape(n, c, h * w)
    q, k, v = (
        _conv1x1(conv, f)
        for conv, f in [(block.query, flat_x), (block.key, flat_m), (block.value, flat_m)]
    )
    logits = np.einsum("ndq,ndk->nqk", q, k) / np.sqrt(q.shape[1])
    weights = np.exp(logits - logits.max(axis=2, keepdims=True))
    weights /= weights.sum(axis=2, keepdims=True)
    attended = np.einsum("nqk,ndk->ndq", weights, v)
    return flat_x.reshape(x.shape) + _conv1x1(block.output, attended).reshape(x.shape), weights


def _run(block: MirrorAttention, x: np.ndarray, mirrored: np.ndarray) -> tuple:
    captured = []
    handle = block.softmax.register_forward_hook(lambda _m, _i, out: captured.append(out))
    with torch.no_grad():
        out = block(torch.from_numpy(x).float(), torch.from_numpy(mirrored).float())
    handle.remove()
    return out.numpy(), captured[0].numpy()


@pytest.mark.parametrize("axis", ["horizontal", "vertical"])
def test_shapes_and_attention_weights(axis):
    block = MirrorAttention(8, axis)
    x, mirrored = torch.randn(2, 8, 5, 7), torch.randn(2, 8, 5, 7)
    out, weights = _run(block, x.numpy(), mirrored.numpy())
    assert out.shape == (2, 8, 5, 7) and block.query.out_channels == 4
    assert weights.shape == (2, 35, 35)
    np.testing.assert_allclose(weights.sum(axis=2), 1.0, rtol=1e-5)


def test_zero_initialised_output_makes_the_block_the_identity():
    block = MirrorAttention(6, "vertical")
    assert not block.output.weight.any() and not block.output.bias.any()
    x = torch.randn(3, 6, 4, 4)
    assert torch.equal(block(x, torch.randn(3, 6, 4, 4)), x)


@pytest.mark.parametrize(("axis", "flip"), [("horizontal", -1), ("vertical", -2)])
def test_formula_against_einsum_reference_with_mirrored_map_flipped_back(axis, flip):
    block = _randomised(MirrorAttention(6, axis, reduction=3))
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2, 6, 4, 5)).astype(np.float32)
    mirrored = rng.normal(size=(2, 6, 4, 5)).astype(np.float32)
    out, weights = _run(block, x, mirrored)
    expected_out, expected_weights = _reference(
        block, x.astype(np.float64), np.flip(mirrored, flip).astype(np.float64)
    )
    np.testing.assert_allclose(out, expected_out, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(weights, expected_weights, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize(("axis", "flip"), [("horizontal", -1), ("vertical", -2)])
def test_flipping_back_aligns_the_weights_and_leaves_the_output_unchanged(axis, flip):
    block = _randomised(MirrorAttention(4, axis))
    rng = np.random.default_rng(2)
    x = rng.normal(size=(1, 4, 3, 4)).astype(np.float32)
    mirrored = rng.normal(size=(1, 4, 3, 4)).astype(np.float32)
    out, weights = _run(block, x, mirrored)
    # Without flipping back, keys sit at mirrored positions: same output (the attention sums
    # over all keys), but the weights are the mirrored (permuted) ones.
    unaligned_out, unaligned_weights = _reference(
        block, x.astype(np.float64), mirrored.astype(np.float64)
    )
    np.testing.assert_allclose(out, unaligned_out, rtol=1e-4, atol=1e-5)
    assert not np.allclose(weights, unaligned_weights, atol=1e-3)
    # Aligned: a mirror-equivariant encoder (mirrored = flip(x)) gives self-attention weights.
    _, self_weights = _run(block, x, np.ascontiguousarray(np.flip(x, flip)))
    np.testing.assert_allclose(
        self_weights, _reference(block, x.astype(np.float64), x)[1], rtol=1e-4, atol=1e-6
    )


def test_invalid_axis_reduction_or_shapes_are_rejected():
    with pytest.raises(ValueError, match="axis"):
        MirrorAttention(4, "diagonal")
    with pytest.raises(ValueError, match="reduction"):
        MirrorAttention(2, reduction=4)
    with pytest.raises(ValueError, match="do not match"):
        MirrorAttention(4)(torch.zeros(1, 4, 3, 3), torch.zeros(1, 4, 3, 2))
