import pytest
import torch

from ash_lightning.data.sampling import Sampling
from ash_lightning.losses import (
    ContrastiveHashLoss,
    DSHLoss,
    FineTripletLoss,
    InBatchPairs,
)


def loop_over_pairs(pair_loss, outputs, similar):
    """Mean of the pair loss called on each pair (i < j) alone."""
    losses = []
    for i in range(len(outputs)):
        for j in range(i + 1, len(outputs)):
            dissimilar = torch.tensor([0.0 if similar(i, j) else 1.0])
            losses.append(pair_loss(outputs[i : i + 1], outputs[j : j + 1], dissimilar))
    return torch.stack(losses).mean()


@pytest.mark.parametrize(
    "pair_loss",
    [ContrastiveHashLoss(bits=6, margin_ratio=0.5), DSHLoss(bits=6, margin=None)],
)
def test_it_averages_the_pair_loss_over_every_in_batch_pair(pair_loss):
    outputs = torch.randn(7, 6, generator=torch.Generator().manual_seed(0)).tanh()
    labels = torch.tensor([0, 1, 0, 2, 1, 1, 3])
    expected = loop_over_pairs(pair_loss, outputs, lambda i, j: bool(labels[i] == labels[j]))
    assert torch.allclose(InBatchPairs(pair_loss)(outputs, labels), expected)


def test_multi_hot_labels_are_similar_when_they_share_a_label():
    pair_loss = ContrastiveHashLoss(bits=4, margin_ratio=0.5)
    outputs = torch.randn(5, 4, generator=torch.Generator().manual_seed(1)).tanh()
    labels = torch.tensor([[1, 0, 0], [1, 1, 0], [0, 1, 0], [0, 0, 1], [0, 0, 0]])
    expected = loop_over_pairs(pair_loss, outputs, lambda i, j: bool((labels[i] & labels[j]).any()))
    assert torch.allclose(InBatchPairs(pair_loss)(outputs, labels), expected)


def test_it_trains_on_labelled_image_batches_and_passes_gradients():
    loss = InBatchPairs(ContrastiveHashLoss(bits=4, margin_ratio=0.5))
    outputs = torch.zeros(4, 4, requires_grad=True)
    value = loss(outputs.tanh() + 0.1 * torch.eye(4), torch.tensor([0, 0, 1, 1]))
    value.backward()
    assert loss.regime.sampling is Sampling.IMAGES
    assert outputs.grad is not None and outputs.grad.abs().sum() > 0


def test_it_refuses_a_loss_that_is_not_over_drawn_pairs():
    with pytest.raises(ValueError, match="needs a loss over drawn pairs"):
        InBatchPairs(FineTripletLoss())


def test_it_refuses_a_batch_of_one_image():
    with pytest.raises(ValueError, match="at least 2 images"):
        InBatchPairs(ContrastiveHashLoss(bits=4, margin_ratio=0.5))(
            torch.zeros(1, 4), torch.tensor([0])
        )
