"""Generalised-mean (GeM) pooling with a learnable exponent."""

import torch
from torch import Tensor, nn


class GeMPooling(nn.Module):
    """Global generalised-mean pooling ``(mean_hw clamp(x, eps)^p)^(1/p)`` per channel.

    ``p = 1`` is average pooling and ``p -> inf`` approaches max pooling; ``p`` is learned
    with the network. Inputs are clamped to ``eps`` so that fractional powers stay real.

    References: Radenović, Tolias, Chum, "Fine-tuning CNN Image Retrieval with No Human
    Annotation", TPAMI 2018; used on both mirror branches (p = 3, learnable) by Fang et
    al., "Deep metric learning with mirror attention and fine triplet loss for fundus
    image retrieval in ophthalmology", Biomedical Signal Processing and Control, 2022.

    Args:
        p: Initial exponent.
        eps: Lower clamp of the inputs.
    """

    def __init__(self, p: float = 3.0, eps: float = 1e-6) -> None:
        super().__init__()
        if p <= 0:
            raise ValueError(f"p must be > 0, got {p}")
        self.p = nn.Parameter(torch.tensor(float(p)))
        self.eps = eps

    def forward(self, x: Tensor) -> Tensor:
        """Pool ``N x C x H x W`` feature maps to ``N x C`` descriptors."""
        return x.clamp(min=self.eps).pow(self.p).mean(dim=(-2, -1)).pow(1.0 / self.p)
