"""Residual trunk shared by deep residual hashing (DRH) and ASH-L."""

from collections.abc import Sequence

from torch import Tensor, nn

from ash_lightning.nn.attention_factory import AttentionFactory
from ash_lightning.nn.residual_block import ResidualBlock


class ResidualTrunk(nn.Module):
    """Residual blocks -> spatial attention -> optional convolution -> flatten.

    With ``attention=none`` this is the trunk of deep residual hashing (DRH, Conjeti et
    al., MICCAI 2017, as the ASH authors coded it: three residual blocks then the hashing
    FC); with ASH attention it is ASH-L, "a variant of DRH by introducing the
    spatial-attention module" (Fang et al., BIBM 2020, §IV-B). The paper's Fig. 2 also
    shows a convolution after the attention, which the authors' code omits:
    ``post_attention_conv`` adds it.

    Args:
        attention: Builds the attention block from a channel count.
        in_channels: Image channels.
        channels: Output channels of each residual block (authors: 16, 16, 16).
        strides: Stride of each residual block (authors: 1, 1, 2).
        post_attention_conv: Add conv 3 x 3 + BN + ReLU after the attention.
    """

    def __init__(
        self,
        attention: AttentionFactory,
        in_channels: int = 3,
        channels: Sequence[int] = (16, 16, 16),
        strides: Sequence[int] = (1, 1, 2),
        post_attention_conv: bool = False,
    ) -> None:
        super().__init__()
        if len(channels) != len(strides) or not channels:
            raise ValueError(
                f"channels and strides must be non-empty and of equal length, "
                f"got {list(channels)} and {list(strides)}"
            )
        widths = [in_channels, *channels]
        self.blocks = nn.Sequential(
            *(ResidualBlock(widths[i], widths[i + 1], strides[i]) for i in range(len(channels)))
        )
        self.attention = attention(widths[-1])
        self.post_attention: nn.Module = nn.Identity()
        if post_attention_conv:
            self.post_attention = nn.Sequential(
                nn.Conv2d(widths[-1], widths[-1], 3, padding=1, bias=False),
                nn.BatchNorm2d(widths[-1]),
                nn.ReLU(inplace=True),
            )
        self.flatten = nn.Flatten()

    def forward(self, images: Tensor) -> Tensor:
        """Map ``N x C x H x W`` images to flat ``N x F`` features."""
        return self.flatten(self.post_attention(self.attention(self.blocks(images))))
