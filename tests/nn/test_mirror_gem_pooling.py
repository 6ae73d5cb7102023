import pytest
import torch
from torch.nn import functional

from ash_lightning.nn.gem_pooling import GeMPooling


def test_p_is_a_learnable_parameter_initialised_to_3():
    pool = GeMPooling()
    assert isinstance(pool.p, torch.nn.Parameter) and pool.p.requires_grad
    assert pool.p.item() == 3.0
    assert [name for name, _ in pool.named_parameters()] == ["p"]


def test_cubic_mean_by_hand():
    x = torch.tensor([1.0, 2.0, 3.0, 4.0]).reshape(1, 1, 2, 2)
    expected = ((1 + 8 + 27 + 64) / 4) ** (1 / 3)
    assert GeMPooling()(x).item() == pytest.approx(expected, rel=1e-6)


def test_p_1_is_average_pooling_and_large_p_approaches_max_pooling():
    x = torch.rand(2, 5, 4, 6) + 0.5
    average = functional.adaptive_avg_pool2d(x, 1).flatten(1)
    maximum = x.amax(dim=(-2, -1))
    torch.testing.assert_close(GeMPooling(p=1.0)(x), average)
    assert torch.all(GeMPooling(p=3.0)(x) > average)
    assert torch.allclose(GeMPooling(p=200.0)(x), maximum, rtol=0.02)


def test_non_positive_inputs_are_clamped_to_eps():
    x = torch.tensor([-1.0, 0.0, 0.0, 0.0]).reshape(1, 1, 2, 2)
    assert GeMPooling(eps=1e-2)(x).item() == pytest.approx(1e-2, rel=1e-5)


def test_gradient_reaches_p_and_the_features():
    pool = GeMPooling()
    x = (torch.rand(2, 3, 4, 4) + 0.1).requires_grad_()
    pool(x).sum().backward()
    assert torch.isfinite(pool.p.grad) and pool.p.grad.abs().item() > 0
    assert torch.isfinite(x.grad).all() and x.grad.abs().sum().item() > 0
    with pytest.raises(ValueError, match="p must"):
        GeMPooling(p=0.0)
