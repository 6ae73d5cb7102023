import numpy as np
import pytest
import torch

from ash_lightning.nn.class_guided_attention import ClassGuidedAttention
from ash_lightning.nn.spatial_softmax import SpatialSoftmax


def _reference(features, weight, bias, weighting, temperature):
    """Loop-by-loop class-guided attention in NumPy: (global, local, logits, map)."""
    n, channels, height, width = features.shape
    pooled = features.reshape(n, channels, -1).mean(axis=2)
    logits = pooled @ weight.T + bias
    if weighting == "softmax":
        shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
        probabilities = shifted / shifted.sum(axis=1, keepdims=True)
    else:
        probabilities = 1.0 / (1.0 + np.exp(-logits))
    maps = np.zeros((n, height, width))
    for i in range(n):
        for c in range(weight.shape[0]):
            class_map = sum(weight[c, k] * features[i, k] for k in range(channels))
            maps[i] += probabilities[i, c] * class_map
    scaled = maps / temperature
    attention = np.exp(scaled - scaled.max(axis=(1, 2), keepdims=True))
    attention /= attention.sum(axis=(1, 2), keepdims=True)
    local = np.array(
        [[(attention[i] * features[i, k]).sum() for k in range(channels)] for i in range(n)]
    )
    return pooled, local, logits, attention


@pytest.mark.parametrize(("weighting", "temperature"), [("softmax", 1.0), ("sigmoid", 0.5)])
def test_class_guided_attention_by_hand(weighting, temperature):
    rng = np.random.default_rng(0)
    features = rng.normal(size=(2, 3, 4, 5)).astype(np.float32)
    block = ClassGuidedAttention(3, 4, class_weighting=weighting, temperature=temperature)
    weight = rng.normal(size=(4, 3)).astype(np.float32)
    bias = rng.normal(size=4).astype(np.float32)
    with torch.no_grad():
        block.classifier.weight.copy_(torch.from_numpy(weight))
        block.classifier.bias.copy_(torch.from_numpy(bias))
    captured = []
    block.gate.register_forward_hook(lambda _m, _i, output: captured.append(output))
    guided = block(torch.from_numpy(features))
    pooled, local, logits, attention = _reference(features, weight, bias, weighting, temperature)
    close = {"rtol": 1e-5, "atol": 1e-6}
    np.testing.assert_allclose(guided.global_features.detach().numpy(), pooled, **close)
    np.testing.assert_allclose(guided.logits.detach().numpy(), logits, **close)
    np.testing.assert_allclose(guided.local_features.detach().numpy(), local, **close)
    assert captured[0].shape == (2, 1, 4, 5)
    np.testing.assert_allclose(captured[0][:, 0].detach().numpy(), attention, **close)


def _spiked_features() -> torch.Tensor:
    """Channel 0 peaks at (0, 0), channel 1 at (3, 3); both are 0 elsewhere."""
    features = torch.zeros(1, 2, 4, 4)
    features[0, 0, 0, 0] = 5.0
    features[0, 1, 3, 3] = 5.0
    return features


def _map(block: ClassGuidedAttention, features: torch.Tensor) -> torch.Tensor:
    captured = []
    handle = block.gate.register_forward_hook(lambda _m, _i, output: captured.append(output))
    block(features)
    handle.remove()
    return captured[0][0, 0]


def test_the_attention_follows_the_classifier():
    block = ClassGuidedAttention(2, 2)
    features = _spiked_features()
    with torch.no_grad():
        block.classifier.bias.zero_()
        block.classifier.weight.copy_(torch.tensor([[3.0, 0.0], [0.0, 0.0]]))
    first = _map(block, features)
    with torch.no_grad():
        block.classifier.weight.copy_(torch.tensor([[0.0, 3.0], [0.0, 0.0]]))
    second = _map(block, features)
    assert first.argmax().item() == 0 and second.argmax().item() == 15
    assert not torch.allclose(first, second)


@pytest.mark.parametrize("detach_map", [True, False])
def test_detached_map_keeps_pooling_gradients_off_the_classifier(detach_map):
    torch.manual_seed(0)
    block = ClassGuidedAttention(3, 4, detach_map=detach_map)
    features = torch.randn(2, 3, 4, 4, requires_grad=True)
    block(features).local_features.sum().backward()
    weight_grad = block.classifier.weight.grad
    reaches_classifier = weight_grad is not None and weight_grad.abs().sum().item() > 0
    assert reaches_classifier == (not detach_map)
    assert features.grad is not None and torch.isfinite(features.grad).all()


def test_invalid_arguments_are_rejected():
    with pytest.raises(ValueError, match="num_classes"):
        ClassGuidedAttention(8, 1)
    with pytest.raises(ValueError, match="class_weighting"):
        ClassGuidedAttention(8, 3, class_weighting="relu")
    with pytest.raises(ValueError, match="N x C x H x W"):
        ClassGuidedAttention(8, 3)(torch.zeros(2, 8))


def test_spatial_softmax_sums_to_one_and_ignores_shifts():
    gate = SpatialSoftmax(0.5)
    scores = torch.randn(3, 1, 4, 6)
    weights = gate(scores)
    assert weights.shape == scores.shape
    torch.testing.assert_close(weights.sum(dim=(1, 2, 3)), torch.ones(3))
    torch.testing.assert_close(gate(scores + 7.0), weights)
    with pytest.raises(ValueError, match="temperature"):
        SpatialSoftmax(0.0)
