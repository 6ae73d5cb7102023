"""Spatial attention as the ASH authors' released notebooks compute it."""

import torch
from torch import Tensor, nn


class ASHReleasedAttention(nn.Module):
    """Spatial attention of the ASH authors' released code (CBAM's spatial branch).

    ``X <- X * sigmoid(conv_kxk([Avg_c(X); Max_c(X)]))`` with a 2 -> 1 channel
    convolution without bias. This differs from the paper's Eq. (1), which multiplies the
    two maps and has no convolution; it equals the spatial branch of CBAM with a 3 x 3
    kernel instead of 7 x 7.

    Reference: Fang et al., BIBM 2020 (released notebooks); Woo et al., "CBAM:
    Convolutional Block Attention Module", ECCV 2018.

    Args:
        channels: Number of input channels (unused: the block works on channel pools).
        kernel_size: Odd side of the square convolution kernel.
    """

    def __init__(self, channels: int, kernel_size: int = 3) -> None:
        super().__init__()
        if kernel_size % 2 != 1:
            raise ValueError(f"kernel_size must be odd, got {kernel_size}")
        self.channels = channels
        self.conv = nn.Conv2d(2, 1, kernel_size, padding=kernel_size // 2, bias=False)
        self.gate = nn.Sigmoid()

    def forward(self, x: Tensor) -> Tensor:
        """Re-weight ``x`` (``N x C x H x W``) by a learned spatial map."""
        pooled = torch.cat([x.mean(dim=1, keepdim=True), x.amax(dim=1, keepdim=True)], dim=1)
        return x * self.gate(self.conv(pooled))
