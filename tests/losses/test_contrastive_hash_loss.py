import pytest
import torch

from ash_lightning.losses.contrastive_hash_loss import ContrastiveHashLoss


def test_hamming_distance_counts_differing_bits_for_sign_codes():
    loss = ContrastiveHashLoss(bits=4, margin_ratio=0.5)
    h1 = torch.tensor([[1.0, 1.0, -1.0, -1.0]])
    h2 = torch.tensor([[1.0, -1.0, 1.0, -1.0]])
    assert loss.pair_distance(h1, h2).item() == 2.0


def test_default_loss_by_hand():
    # K = 4, r = 0.5 -> margin 2.
    h1 = torch.tensor([[0.5, -0.5, 1.0, 0.0], [1.0, 1.0, 1.0, 1.0]])
    h2 = torch.tensor([[0.5, 0.5, -1.0, 0.0], [1.0, 1.0, 1.0, -1.0]])
    y = torch.tensor([0.0, 1.0])
    # pair 1 similar: D = (0 + 1 + 4 + 0) / 4 = 1.25 -> 0.5 * 1.25 = 0.625
    # pair 2 dissimilar: D = 4 / 4 = 1 -> 0.5 * max(2 - 1, 0) = 0.5
    expected = (0.625 + 0.5) / 2
    assert ContrastiveHashLoss(4, 0.5)(h1, h2, y).item() == pytest.approx(expected)


def test_released_loss_by_hand():
    # mean squared distance against margin r*K = 0.5 * 4 = 2, plus 0.01 * mean(| |h| - 1 |).
    h1 = torch.tensor([[0.5, -0.5, 1.0, 0.0]])
    h2 = torch.tensor([[0.5, 0.5, -1.0, 0.0]])
    loss = ContrastiveHashLoss(4, 0.5, distance="mean_squared", quantization_weight=0.01)
    d = (0 + 1 + 4 + 0) / 4  # 1.25
    quant_1 = (0.5 + 0.5 + 0 + 1) / 4
    quant_2 = (0.5 + 0.5 + 0 + 1) / 4
    assert loss(h1, h2, torch.tensor([0.0])).item() == pytest.approx(
        0.5 * d + 0.01 * (quant_1 + quant_2)
    )
    assert loss(h1, h2, torch.tensor([1.0])).item() == pytest.approx(
        0.5 * (2 - d) + 0.01 * (quant_1 + quant_2)
    )


def test_released_margin_is_unreachable_beyond_four():
    # K = 14, r = 0.3: margin 4.2 > max mean squared distance 4, so even opposite codes pay.
    loss = ContrastiveHashLoss(14, 0.3, distance="mean_squared")
    h = torch.ones(1, 14)
    assert loss(h, -h, torch.tensor([1.0])).item() == pytest.approx(0.5 * (4.2 - 4.0))
    assert ContrastiveHashLoss(14, 0.3)(h, -h, torch.tensor([1.0])).item() == 0.0


def test_r_zero_gives_no_dissimilar_penalty():
    h1, h2 = torch.randn(5, 12).tanh(), torch.randn(5, 12).tanh()
    for distance in ("hamming", "mean_squared"):
        loss = ContrastiveHashLoss(12, 0.0, distance=distance)
        assert loss(h1, h2, torch.ones(5)).item() == 0.0
        assert loss(h1, h2, torch.zeros(5)).item() > 0.0


def test_invalid_arguments():
    with pytest.raises(ValueError, match="margin_ratio"):
        ContrastiveHashLoss(12, 1.5)
    with pytest.raises(ValueError, match="distance"):
        ContrastiveHashLoss(12, 0.5, distance="cosine")
