"""The convolutional trunk of Deep Supervised Hashing (DSH)."""

from torch import Tensor, nn

from ash_lightning.nn.attention_factory import AttentionFactory
from ash_lightning.nn.he_initialization import he_initialize


class DSHTrunk(nn.Module):
    """Three 5 x 5 convolutions (32, 32, 64) with max/avg pooling, then attention, flatten.

    conv 5 x 5 (32) + ReLU -> max-pool 3/2 -> conv 5 x 5 (32) + ReLU -> avg-pool 3/2
    -> conv 5 x 5 (64) + ReLU -> avg-pool 3/2 -> attention -> flatten, He-initialised. The
    hash head adds FC 500 + ReLU -> FC K. With ``attention=none`` this is DSH as the ASH
    authors coded it; with ASH attention "before the fully-connected layer" it is DSH-A
    (Fang et al., BIBM 2020, §IV-B).

    Reference: Liu et al., "Deep Supervised Hashing for Fast Image Retrieval", CVPR 2016.

    Args:
        attention: Builds the attention block from a channel count.
        in_channels: Image channels.
    """

    def __init__(self, attention: AttentionFactory, in_channels: int = 3) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, 32, 5, padding=2),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(3, stride=2, padding=1),
            nn.Conv2d(32, 32, 5, padding=2),
            nn.ReLU(inplace=True),
            nn.AvgPool2d(3, stride=2, padding=1),
            nn.Conv2d(32, 64, 5, padding=2),
            nn.ReLU(inplace=True),
            nn.AvgPool2d(3, stride=2, padding=1),
        )
        self.attention = attention(64)
        self.flatten = nn.Flatten()
        he_initialize(self)

    def forward(self, images: Tensor) -> Tensor:
        """Map ``N x C x H x W`` images to flat ``N x F`` features."""
        return self.flatten(self.attention(self.features(images)))
