import math

import numpy as np
import pytest
import torch

from ash_lightning.data.sampling import Sampling
from ash_lightning.losses.fine_triplet_loss import FineTripletLoss
from ash_lightning.losses.regime import TrainingRegime


def _at_angles(degrees: list[float], norms: list[float]) -> torch.Tensor:
    radians = np.deg2rad(degrees)
    vectors = np.stack([np.cos(radians), np.sin(radians)], axis=1) * np.asarray(norms)[:, None]
    return torch.tensor(vectors, dtype=torch.float64)


def _by_hand(positives: list[float], negatives: list[float], gamma: float, m: float) -> float:
    pull = sum(math.exp(-gamma * max(0.0, 1 + m - s) * (s - (1 - m))) for s in positives)
    push = sum(math.exp(gamma * max(0.0, s + m) * (s - m)) for s in negatives)
    return math.log(1 + pull * push)


@pytest.mark.parametrize("gamma", [1.0, 2.0])
def test_fine_triplet_loss_by_hand_on_four_vectors(gamma):
    # Angles 0, 60, 90, 180 degrees (norms vary: only the cosine counts); labels 0, 0, 1, 1.
    outputs = _at_angles([0, 60, 90, 180], [1.0, 2.0, 0.5, 3.0])
    # Pairs i < j: (0,1) +, cos 60 = 0.5; (2,3) +, cos 90 = 0;
    # (0,2) cos 90 = 0; (0,3) cos 180 = -1; (1,2) cos 30; (1,3) cos 120 = -0.5.
    expected = _by_hand([0.5, 0.0], [0.0, -1.0, math.sqrt(3) / 2, -0.5], gamma, 0.25)
    got = FineTripletLoss(gamma=gamma, margin=0.25)(outputs, torch.tensor([0, 0, 1, 1]))
    assert got.item() == pytest.approx(expected, rel=1e-9)


def test_multi_hot_labels_relate_pairs_sharing_any_label():
    outputs = _at_angles([0, 60, 90, 180], [1.0, 1.0, 1.0, 1.0])
    labels = torch.tensor([[1, 0, 0], [1, 1, 0], [0, 1, 0], [0, 0, 1]])
    # Sharing a label: (0,1) cos 60 and (1,2) cos 30; all other pairs are negatives.
    expected = _by_hand([0.5, math.sqrt(3) / 2], [0.0, -1.0, -0.5, 0.0], 1.0, 0.25)
    got = FineTripletLoss()(outputs, labels)
    assert got.item() == pytest.approx(expected, rel=1e-9)


def test_integer_and_one_hot_labels_agree():
    outputs = torch.randn(6, 5, generator=torch.Generator().manual_seed(0))
    labels = torch.tensor([0, 1, 2, 0, 1, 2])
    loss = FineTripletLoss()
    one_hot = torch.nn.functional.one_hot(labels)
    assert loss(outputs, labels).item() == pytest.approx(loss(outputs, one_hot).item())


@pytest.mark.parametrize("labels", [[0, 1, 2], [4, 4, 4]], ids=["no-positive", "no-negative"])
def test_batch_without_positives_or_negatives_gives_a_connected_zero(labels):
    outputs = torch.randn(3, 4, requires_grad=True)
    loss = FineTripletLoss()(outputs, torch.tensor(labels))
    assert loss.item() == 0.0 and loss.grad_fn is not None
    loss.backward()
    assert torch.equal(outputs.grad, torch.zeros_like(outputs))


def _frozen_weight_loss(x: np.ndarray, labels: np.ndarray, weights: np.ndarray, m: float) -> float:
    unit = x / np.linalg.norm(x, axis=1, keepdims=True)
    pull = push = 0.0
    for i in range(len(x)):
        for j in range(i + 1, len(x)):
            s = unit[i] @ unit[j]
            if labels[i] == labels[j]:
                pull += math.exp(-weights[i, j] * (s - (1 - m)))
            else:
                push += math.exp(weights[i, j] * (s - m))
    return math.log(1 + pull * push)


def test_relevance_degrees_are_detached_and_the_gradient_is_finite():
    # The gradient equals that of the loss with a_p, a_n frozen at their current values
    # (central finite differences in float64), so the weights carry no gradient themselves.
    rng = np.random.default_rng(0)
    x = rng.normal(size=(5, 3))
    labels = np.array([0, 0, 1, 1, 0])
    outputs = torch.tensor(x, requires_grad=True)
    FineTripletLoss()(outputs, torch.from_numpy(labels)).backward()
    unit = x / np.linalg.norm(x, axis=1, keepdims=True)
    cosines = unit @ unit.T
    same = labels[:, None] == labels[None, :]
    weights = np.where(same, np.maximum(0, 1.25 - cosines), np.maximum(0, cosines + 0.25))
    numeric = np.zeros_like(x)
    for index in np.ndindex(*x.shape):
        step = np.zeros_like(x)
        step[index] = 1e-6
        numeric[index] = (
            _frozen_weight_loss(x + step, labels, weights, 0.25)
            - _frozen_weight_loss(x - step, labels, weights, 0.25)
        ) / 2e-6
    assert torch.isfinite(outputs.grad).all()
    np.testing.assert_allclose(outputs.grad.numpy(), numeric, rtol=1e-5, atol=1e-8)


def test_loss_trains_on_labelled_images_and_rejects_bad_settings():
    assert FineTripletLoss.regime == TrainingRegime(Sampling.IMAGES)
    with pytest.raises(ValueError, match="gamma"):
        FineTripletLoss(gamma=0.0)
    with pytest.raises(ValueError, match="margin"):
        FineTripletLoss(margin=1.0)
