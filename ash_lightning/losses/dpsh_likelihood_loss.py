"""The pairwise likelihood loss of Deep Pairwise-Supervised Hashing (DPSH)."""

import torch
from torch import Tensor
from torch.nn import functional

from ash_lightning.losses.regime import HashingLoss


class DPSHLikelihoodLoss(HashingLoss):
    """Negative log-likelihood of the pair labels plus a quantisation term.

    With ``theta = 1/2 u1^T u2`` and ``s = 1`` for a similar pair (``s = 1 - y``):
    ``L = mean_i [ log(1 + exp(theta_i)) - s_i theta_i ]
    + eta * mean over images of ||b - u||^2`` with ``b = sign(u)`` (no gradient through
    ``b``). ``log(1 + exp(.))`` is computed as softplus, stable for large ``theta``.

    Reference: Li, Wang, Kang, "Feature Learning based Deep Supervised Hashing with
    Pairwise Labels", IJCAI 2016, Eq. (4).

    Args:
        quantization_weight: ``eta``.
    """

    def __init__(self, quantization_weight: float = 0.1) -> None:
        super().__init__()
        self.quantization_weight = quantization_weight

    def forward(self, codes_1: Tensor, codes_2: Tensor, dissimilar: Tensor) -> Tensor:
        """Loss of a batch of pairs (``N x K`` outputs, ``N`` labels, 1 = dissimilar)."""
        similar = 1.0 - dissimilar.to(codes_1.dtype)
        theta = 0.5 * (codes_1 * codes_2).sum(dim=1)
        likelihood = (functional.softplus(theta) - similar * theta).mean()
        codes = torch.cat([codes_1, codes_2])
        quantization = (torch.sign(codes).detach() - codes).pow(2).sum(dim=1).mean()
        return likelihood + self.quantization_weight * quantization
