"""Basic residual block used by the residual hashing trunks."""

from torch import Tensor, nn


class ResidualBlock(nn.Module):
    """Two 3 x 3 convolutions with batch norm and an identity or projection shortcut.

    ``relu(bn(conv(relu(bn(conv(x))))) + shortcut(x))``; the shortcut is a 1 x 1
    convolution with batch norm when the channel count or the stride changes.

    Reference: He et al., "Deep Residual Learning for Image Recognition", CVPR 2016, as
    used by deep residual hashing (Conjeti et al., MICCAI 2017) and ASH-L (Fang et al.,
    BIBM 2020, Fig. 2).

    Args:
        in_channels: Input channels.
        out_channels: Output channels.
        stride: Stride of the first convolution (and of the shortcut).
    """

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False),
            nn.BatchNorm2d(out_channels),
            nn.ReLU(inplace=True),
            nn.Conv2d(out_channels, out_channels, 3, padding=1, bias=False),
            nn.BatchNorm2d(out_channels),
        )
        self.shortcut: nn.Module = nn.Identity()
        if stride != 1 or in_channels != out_channels:
            self.shortcut = nn.Sequential(
                nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False),
                nn.BatchNorm2d(out_channels),
            )
        self.activation = nn.ReLU(inplace=True)

    def forward(self, x: Tensor) -> Tensor:
        """Apply the block to ``x`` (``N x C_in x H x W``)."""
        return self.activation(self.body(x) + self.shortcut(x))
