import math

import pytest
import torch

from ash_lightning.losses.dpsh_likelihood_loss import DPSHLikelihoodLoss


def test_dpsh_loss_by_hand():
    u1 = torch.tensor([[1.0, 0.5], [0.5, -1.0]])
    u2 = torch.tensor([[1.0, 1.0], [0.5, 1.0]])
    y = torch.tensor([0.0, 1.0])  # first pair similar (s = 1), second dissimilar (s = 0)
    theta_1 = 0.5 * (1.0 + 0.5)  # 0.75
    theta_2 = 0.5 * (0.25 - 1.0)  # -0.375
    likelihood = ((math.log1p(math.exp(theta_1)) - theta_1) + math.log1p(math.exp(theta_2))) / 2
    # ||sign(u) - u||^2 per image: [0, 0.25], [0.25, 0], [0, 0], [0.25, 0] -> 0.25, 0.25, 0, 0.25
    quantization = (0.25 + 0.25 + 0.0 + 0.25) / 4
    expected = likelihood + 0.1 * quantization
    assert DPSHLikelihoodLoss(0.1)(u1, u2, y).item() == pytest.approx(expected, rel=1e-6)


def test_stable_for_large_inner_products():
    u = torch.full((1, 64), 30.0)
    loss = DPSHLikelihoodLoss(0.0)(u, -u, torch.tensor([1.0]))
    assert torch.isfinite(loss) and loss.item() == pytest.approx(0.0, abs=1e-6)
    assert DPSHLikelihoodLoss(0.0)(u, u, torch.tensor([1.0])).item() == pytest.approx(
        0.5 * 64 * 900
    )
