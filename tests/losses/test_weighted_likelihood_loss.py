import math

import numpy as np
import pytest
import torch

from ash_lightning.data.sampling import Sampling
from ash_lightning.losses.label_similarity import pairwise_similar
from ash_lightning.losses.regime import TrainingRegime
from ash_lightning.losses.weighted_likelihood_loss import WeightedLikelihoodLoss


def _softplus(x: float) -> float:
    return math.log1p(math.exp(x))


def _reference_likelihood(codes: np.ndarray, similar: np.ndarray, alpha: float) -> float:
    """HashNet-weighted DPSH likelihood over the pairs i < j, by explicit loops."""
    pairs = [(i, j) for i in range(len(codes)) for j in range(i + 1, len(codes))]
    num_similar = sum(bool(similar[i, j]) for i, j in pairs)
    num_dissimilar = len(pairs) - num_similar
    total, weight_sum = 0.0, 0.0
    for i, j in pairs:
        s = float(similar[i, j])
        weight = len(pairs) / (num_similar if s else num_dissimilar)
        theta = alpha * float(np.dot(codes[i], codes[j])) / 2
        total += weight * (_softplus(theta) - s * theta)
        weight_sum += weight
    return total / weight_sum


def _quantization(codes: np.ndarray) -> float:
    return float(((np.sign(codes) - codes) ** 2).sum(axis=1).mean())


CODES = np.array(
    [[0.9, -0.5, 0.2], [0.8, -0.7, 0.1], [-0.6, 0.4, 0.9], [0.3, 0.3, -0.8]], np.float32
)
LOGITS = np.array([[2.0, 0.1, -1.0], [0.5, 0.5, 0.0], [-1.0, 1.5, 0.3], [0.0, -0.5, 1.0]])


def test_single_label_loss_by_hand():
    labels = np.array([0, 0, 1, 2])
    similar = labels[:, None] == labels[None, :]
    # one similar pair (0, 1) of six: weights 6/1 and 6/5
    likelihood = _reference_likelihood(CODES, similar, alpha=2.0)
    shifted = np.exp(LOGITS - LOGITS.max(axis=1, keepdims=True))
    cross_entropy = -np.mean(np.log(shifted[np.arange(4), labels] / shifted.sum(axis=1)))
    expected = likelihood + 0.5 * cross_entropy + 0.1 * _quantization(CODES)
    loss = WeightedLikelihoodLoss(alpha=2.0, classification_weight=0.5, quantization_weight=0.1)
    value = loss(torch.from_numpy(CODES), torch.from_numpy(labels), torch.tensor(LOGITS))
    assert value.item() == pytest.approx(expected, rel=1e-5)


def test_multi_hot_loss_by_hand():
    labels = np.array([[1, 0, 1], [0, 1, 0], [1, 1, 0], [0, 0, 0]], np.uint8)
    similar = np.array(
        [[any(a & b) for b in labels] for a in labels]
    )  # (0, 2) and (1, 2) share a label; the unlabelled image is similar to none
    likelihood = _reference_likelihood(CODES, similar, alpha=1.0)
    probabilities = 1.0 / (1.0 + np.exp(-LOGITS))
    binary_cross_entropy = -np.mean(
        labels * np.log(probabilities) + (1 - labels) * np.log(1 - probabilities)
    )
    expected = likelihood + binary_cross_entropy + 0.2 * _quantization(CODES)
    loss = WeightedLikelihoodLoss(alpha=1.0, classification_weight=1.0, quantization_weight=0.2)
    value = loss(torch.from_numpy(CODES), torch.from_numpy(labels), torch.tensor(LOGITS))
    assert value.item() == pytest.approx(expected, rel=1e-5)


def test_weights_give_similar_and_dissimilar_pairs_equal_total_weight():
    torch.manual_seed(0)
    codes = torch.tanh(torch.randn(7, 12))
    labels = torch.tensor([0, 0, 0, 1, 2, 3, 4])  # 3 similar pairs of 21
    first, second = torch.triu_indices(7, 7, offset=1)
    similar = pairwise_similar(labels)[first, second]
    theta = 0.5 * (codes[first] * codes[second]).sum(dim=1)
    per_pair = torch.nn.functional.softplus(theta) - similar.float() * theta
    balanced = 0.5 * (per_pair[similar].mean() + per_pair[~similar].mean())
    torch.testing.assert_close(WeightedLikelihoodLoss().likelihood(codes, labels), balanced)


def test_a_batch_of_one_kind_of_pair_is_a_plain_mean():
    torch.manual_seed(0)
    codes = torch.tanh(torch.randn(4, 8))
    loss = WeightedLikelihoodLoss()
    only_similar = loss.likelihood(codes, torch.zeros(4, dtype=torch.long))
    theta = 0.5 * (codes @ codes.T)[tuple(torch.triu_indices(4, 4, offset=1))]
    assert torch.isfinite(only_similar)
    torch.testing.assert_close(only_similar, (torch.nn.functional.softplus(theta) - theta).mean())
    only_dissimilar = loss.likelihood(codes, torch.arange(4))
    torch.testing.assert_close(only_dissimilar, torch.nn.functional.softplus(theta).mean())
    assert loss.likelihood(codes[:1], torch.zeros(1, dtype=torch.long)).item() == 0.0


def test_gradients_are_finite_even_for_saturated_codes():
    codes = torch.full((6, 48), 0.999).requires_grad_()
    logits = torch.randn(6, 3, requires_grad=True)
    labels = torch.tensor([0, 0, 0, 0, 0, 1])
    value = WeightedLikelihoodLoss(alpha=20.0)(codes, labels, logits)
    value.backward()
    assert torch.isfinite(value)
    assert torch.isfinite(codes.grad).all() and torch.isfinite(logits.grad).all()
    assert codes.grad.abs().sum() > 0 and logits.grad.abs().sum() > 0


def test_logits_are_required_and_alpha_positive():
    with pytest.raises(ValueError, match="class logits"):
        WeightedLikelihoodLoss()(torch.zeros(2, 4), torch.tensor([0, 1]), None)
    with pytest.raises(ValueError, match="alpha"):
        WeightedLikelihoodLoss(alpha=0.0)
    assert WeightedLikelihoodLoss.regime == TrainingRegime(Sampling.IMAGES, needs_class_head=True)


def test_pairwise_similar_matches_the_evaluation_rule():
    integer = pairwise_similar(torch.tensor([2, 0, 2]))
    assert integer.tolist() == [[True, False, True], [False, True, False], [True, False, True]]
    hot = pairwise_similar(torch.tensor([[1, 0, 0], [1, 1, 0], [0, 0, 1]], dtype=torch.uint8))
    assert hot.tolist() == [[True, True, False], [True, True, False], [False, False, True]]
