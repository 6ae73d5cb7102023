import itertools

import pytest
import torch
from torch.nn import functional

from ash_lightning.losses.in_batch_triplets import InBatchTriplets
from ash_lightning.losses.triplet_cross_entropy_loss import TripletCrossEntropyLoss


def _valid_triplets(labels: list[set[int]]) -> list[tuple[int, int, int]]:
    def related(i: int, j: int) -> bool:
        return bool(labels[i] & labels[j])

    count = len(labels)
    return [
        (a, p, n)
        for a, p, n in itertools.product(range(count), repeat=3)
        if p != a and related(a, p) and not related(a, n)
    ]


@pytest.mark.parametrize("distance", ["mean_squared", "hamming"])
def test_equals_the_drawn_loss_on_every_triplet_enumerated(distance):
    torch.manual_seed(0)
    outputs = torch.tanh(torch.randn(9, 6))
    logits = torch.randn(9, 3)
    labels = torch.tensor([0, 1, 2, 0, 1, 0, 2, 2, 1])
    triplets = _valid_triplets([{int(label)} for label in labels])
    anchor, positive, negative = (torch.tensor(member) for member in zip(*triplets, strict=True))
    drawn_triplet_term = TripletCrossEntropyLoss(
        bits=6, margin_ratio=0.25, distance=distance, classification_weight=0.0
    )
    expected_triplet = drawn_triplet_term(
        (outputs[anchor], outputs[positive], outputs[negative]),
        (logits[anchor], logits[positive], logits[negative]),
        (labels[anchor], labels[positive], labels[negative]),
    )
    loss = InBatchTriplets(TripletCrossEntropyLoss(bits=6, margin_ratio=0.25, distance=distance))
    expected = expected_triplet + 3 * functional.cross_entropy(logits, labels)
    assert loss(outputs, labels, logits).item() == pytest.approx(expected.item(), rel=1e-6)
    assert loss.triplet_term(outputs, labels).item() == pytest.approx(
        expected_triplet.item(), rel=1e-6
    )


def test_multi_hot_triplets_by_hand():
    # Image 0 shares a label with 1, none with 2; image 3 has no label (no positive).
    outputs = torch.tensor([[1.0, 1.0], [1.0, -1.0], [-1.0, -1.0], [0.0, 0.0]])
    labels = torch.tensor([[1, 0], [1, 1], [0, 1], [0, 0]])
    loss = InBatchTriplets(
        TripletCrossEntropyLoss(
            bits=2, margin_ratio=1.0, distance="hamming", classification_weight=0.0
        )
    )
    # Hamming distances ||a - b||^2 / 4: d(0,1) = 1, d(0,2) = 2, d(0,3) = 0.5,
    # d(1,2) = 1, d(1,3) = 0.5, d(2,3) = 0.5. Margin r K = 2.
    hinges = {
        (0, 1, 2): 2 + 1 - 2,
        (0, 1, 3): 2 + 1 - 0.5,
        (1, 0, 3): 2 + 1 - 0.5,
        (1, 2, 3): 2 + 1 - 0.5,
        (2, 1, 0): 2 + 1 - 2,
        (2, 1, 3): 2 + 1 - 0.5,
    }
    assert set(hinges) == set(_valid_triplets([{0}, {0, 1}, {1}, set()]))
    expected = sum(hinges.values()) / len(hinges)
    assert loss(outputs, labels, torch.zeros(4, 2)).item() == pytest.approx(expected)


def test_a_batch_of_one_class_keeps_only_classification_and_needs_logits():
    outputs = torch.randn(4, 3, requires_grad=True)
    labels = torch.zeros(4, dtype=torch.long)
    logits = torch.randn(4, 2)
    loss = InBatchTriplets(TripletCrossEntropyLoss(bits=3, margin_ratio=0.5))
    value = loss(outputs, labels, logits)
    assert value.item() == pytest.approx(3 * functional.cross_entropy(logits, labels).item())
    value.backward()
    assert outputs.grad is not None and not outputs.grad.any()
    with pytest.raises(ValueError, match="class logits"):
        loss(outputs, labels, None)
