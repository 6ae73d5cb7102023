"""Spatial attention of Attention-based Triplet Hashing (ATH)."""

import torch
from torch import Tensor, nn


class ATHAttention(nn.Module):
    """Spatial attention from max-pooled, element-wise maximum and element-wise mean maps.

    ``X <- X * sigmoid(conv_kxk([Max_c(maxpool_3x3(X)); Max_c(X); Avg_c(X)]))``: the
    feature maps are aggregated along the channel axis by three operations jointly — the
    channel maximum after a 3 x 3 (stride 1) spatial max-pooling, the element-wise channel
    maximum and the element-wise channel mean — and a 3 -> 1 convolution without bias turns
    them into the attention map. The ATH abstract names the three aggregations; how they
    are combined (concatenation and one convolution, as in CBAM's spatial branch) is this
    implementation's reading.

    Reference: Fang, Fu, Liu, "Deep triplet hashing network for case-based medical image
    retrieval" (ATH), Medical Image Analysis 2021; Woo et al., CBAM, ECCV 2018.

    Args:
        channels: Number of input channels (unused: the block works on channel pools).
        kernel_size: Odd side of the convolution kernel.
    """

    def __init__(self, channels: int, kernel_size: int = 3) -> None:
        super().__init__()
        if kernel_size % 2 != 1:
            raise ValueError(f"kernel_size must be odd, got {kernel_size}")
        self.channels = channels
        self.max_pool = nn.MaxPool2d(3, stride=1, padding=1)
        self.conv = nn.Conv2d(3, 1, kernel_size, padding=kernel_size // 2, bias=False)
        self.gate = nn.Sigmoid()

    def forward(self, x: Tensor) -> Tensor:
        """Re-weight ``x`` (``N x C x H x W``) by its spatial attention map.

        Maxima commute, so ``Max_c(maxpool(X))`` is computed as ``maxpool(Max_c(X))``: one
        map pooled instead of ``C``.
        """
        channel_max = x.amax(dim=1, keepdim=True)
        pooled = torch.cat(
            [self.max_pool(channel_max), channel_max, x.mean(dim=1, keepdim=True)], dim=1
        )
        return x * self.gate(self.conv(pooled))
