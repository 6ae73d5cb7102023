"""The convolutional trunk of ASH-U, as the authors coded it."""

from torch import Tensor, nn

from ash_lightning.nn.attention_factory import AttentionFactory


class ASHUTrunk(nn.Module):
    """Feature extractor of ASH-U (the upper network of the paper's Fig. 2).

    conv 3 x 3 (stride 2) + BN + ReLU -> max-pool 3 (stride 2) + BN -> spatial attention
    -> conv 3 x 3 (stride 2) + BN + ReLU -> avg-pool 3 (stride 2) + BN -> flatten. The
    paper describes "a convolutional layer and a max-pooling layer followed by a
    spatial-attention module"; the layer widths and the second conv/avg-pool stage follow
    the authors' released notebooks. Works at any input size: the flattened width is
    derived by :class:`~ash_lightning.nn.hashing_network.HashingNetwork`.

    Reference: Fang et al., "Attention-based Saliency Hashing for Ophthalmic Image
    Retrieval", BIBM 2020, §III-A and Fig. 2.

    Args:
        attention: Builds the attention block from a channel count (``attention=ash``,
            ``ash_released`` or ``none``).
        in_channels: Image channels.
        width: Channels after the first convolution (the second doubles it).
    """

    def __init__(self, attention: AttentionFactory, in_channels: int = 3, width: int = 16) -> None:
        super().__init__()
        self.stem = nn.Sequential(
            nn.Conv2d(in_channels, width, 3, stride=2, padding=1),
            nn.BatchNorm2d(width),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(3, stride=2, padding=1),
            nn.BatchNorm2d(width),
        )
        self.attention = attention(width)
        self.tail = nn.Sequential(
            nn.Conv2d(width, 2 * width, 3, stride=2, padding=1),
            nn.BatchNorm2d(2 * width),
            nn.ReLU(inplace=True),
            nn.AvgPool2d(3, stride=2, padding=1),
            nn.BatchNorm2d(2 * width),
            nn.Flatten(),
        )

    def forward(self, images: Tensor) -> Tensor:
        """Map ``N x C x H x W`` images to flat ``N x F`` features."""
        return self.tail(self.attention(self.stem(images)))
