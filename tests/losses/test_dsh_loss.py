import pytest
import torch

from ash_lightning.losses.dsh_loss import DSHLoss


def test_dsh_loss_by_hand():
    # K = 2, default margin m = 2K = 4, alpha = 0.01.
    b1 = torch.tensor([[0.5, -1.0], [1.0, 1.0]])
    b2 = torch.tensor([[-0.5, -1.0], [1.0, 0.0]])
    y = torch.tensor([0.0, 1.0])
    # pair 1 similar: ||b1 - b2||^2 = 1 -> 0.5; regulariser |0.5-1| + 0 + |0.5-1| + 0 = 1
    # pair 2 dissimilar: D = 1 -> 0.5 * (4 - 1) = 1.5; regulariser 0 + 0 + 0 + 1 = 1
    expected = ((0.5 + 0.01 * 1) + (1.5 + 0.01 * 1)) / 2
    assert DSHLoss(bits=2)(b1, b2, y).item() == pytest.approx(expected)


def test_regulariser_uses_absolute_value_not_sign():
    # For b = -1 the |b| regulariser is 0; the sign slip would give |sign(-1) - 1| = 2.
    loss = DSHLoss(bits=3, regularization_weight=1.0)
    b = -torch.ones(1, 3)
    assert loss(b, b, torch.tensor([0.0])).item() == 0.0
    # and it has a gradient pulling -0.5 towards -1
    h = torch.full((1, 3), -0.5, requires_grad=True)
    loss(h, h.detach(), torch.tensor([0.0])).backward()
    assert (h.grad > 0).all()


def test_custom_margin():
    b1, b2 = torch.ones(1, 4), -torch.ones(1, 4)
    # D = 16 >= margin 10 -> no dissimilar cost
    assert DSHLoss(bits=4, margin=10.0)(b1, b2, torch.tensor([1.0])).item() == 0.0
    assert DSHLoss(bits=4, margin=20.0)(b1, b2, torch.tensor([1.0])).item() == pytest.approx(2.0)
