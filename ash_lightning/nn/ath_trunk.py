"""The residual trunk of ATH, as its authors released it."""

from torch import Tensor, nn

from ash_lightning.nn.attention_factory import AttentionFactory
from ash_lightning.nn.residual_block import ResidualBlock


class ATHTrunk(nn.Module):
    """Residual blocks with ATH's attention after the first one.

    Residual block 3->16 (stride 2) + max-pool -> attention -> residual block 16->8
    (stride 2) + avg-pool -> residual block 8->1 (stride 2) -> flatten. The pools are
    3 x 3 with stride 1 (padded, so they keep the size). The authors feed 256 x 256
    images; the hash and class heads are sized from the flattened output.

    Reference: Fang, Fu, Liu, ATH, Medical Image Analysis 2021 (released code).

    Args:
        attention: Builds the attention block from a channel count (``attention=ath``).
        in_channels: Image channels.
    """

    def __init__(self, attention: AttentionFactory, in_channels: int = 3) -> None:
        super().__init__()
        self.stem = nn.Sequential(
            ResidualBlock(in_channels, 16, stride=2), nn.MaxPool2d(3, stride=1, padding=1)
        )
        self.attention = attention(16)
        self.tail = nn.Sequential(
            ResidualBlock(16, 8, stride=2),
            nn.AvgPool2d(3, stride=1, padding=1),
            ResidualBlock(8, 1, stride=2),
            nn.Flatten(),
        )

    def forward(self, images: Tensor) -> Tensor:
        """Map ``N x C x H x W`` images to flat ``N x F`` features."""
        return self.tail(self.attention(self.stem(images)))
