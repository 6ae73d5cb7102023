import math

import pytest
import torch

from ash_lightning.losses.triplet_cross_entropy_loss import TripletCrossEntropyLoss


def test_triplet_cross_entropy_by_hand():
    # K = 2, r = 0.5 -> margin 1; per-bit mean squared distance.
    anchor = torch.tensor([[1.0, 0.0]])
    positive = torch.tensor([[1.0, 1.0]])  # D = (0 + 1) / 2 = 0.5
    negative = torch.tensor([[-1.0, 0.0]])  # D = (4 + 0) / 2 = 2.0
    logits = torch.tensor([[2.0, 0.0]])
    labels = (torch.tensor([0]), torch.tensor([0]), torch.tensor([1]))
    loss = TripletCrossEntropyLoss(bits=2, margin_ratio=0.5)
    ce_right = -math.log(math.exp(2) / (math.exp(2) + 1))
    ce_wrong = -math.log(1 / (math.exp(2) + 1))
    triplet = max(0.0, 1.0 - 2.0 + 0.5)  # 0
    expected = triplet + ce_right + ce_right + ce_wrong
    got = loss((anchor, positive, negative), (logits, logits, logits), labels)
    assert got.item() == pytest.approx(expected, rel=1e-6)
    # a larger margin activates the triplet term: r = 1 -> margin 2 -> 2 - 2 + 0.5 = 0.5
    got = TripletCrossEntropyLoss(bits=2, margin_ratio=1.0)(
        (anchor, positive, negative), (logits,) * 3, labels
    )
    assert got.item() == pytest.approx(0.5 + ce_right + ce_right + ce_wrong, rel=1e-6)


def test_hamming_distance_option_and_multi_hot_labels():
    codes = (torch.ones(1, 4), torch.ones(1, 4), -torch.ones(1, 4))
    logits = (torch.zeros(1, 3),) * 3
    multi_hot = (torch.tensor([[1, 0, 1]]),) * 3
    loss = TripletCrossEntropyLoss(
        bits=4, margin_ratio=0.5, distance="hamming", classification_weight=0.0
    )
    assert loss(codes, logits, multi_hot).item() == 0.0  # D(a, n) = 4 bits >= margin 2
    weighted = TripletCrossEntropyLoss(bits=4, margin_ratio=0.5, distance="hamming")
    assert weighted(codes, logits, multi_hot).item() == pytest.approx(3 * math.log(2), rel=1e-6)
    with pytest.raises(ValueError, match="distance"):
        TripletCrossEntropyLoss(4, 0.5, distance="cosine")
