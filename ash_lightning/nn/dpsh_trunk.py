"""The AlexNet-shaped (CNN-F style) trunk of Deep Pairwise-Supervised Hashing (DPSH)."""

import torch
from torch import Tensor, nn

from ash_lightning.nn.attention_factory import AttentionFactory
from ash_lightning.nn.he_initialization import he_initialize


class DPSHTrunk(nn.Module):
    """Five convolutions and two FC 4096 layers, AlexNet-shaped, without dropout.

    conv 11 x 11/4 (96) -> max-pool 3/2 -> conv 5 x 5 (256) -> max-pool 3/2 -> conv 3 x 3
    (384, 384, 256) -> attention -> max-pool 3/2 -> FC 4096 -> FC 4096 (ReLU after every
    layer). The hash head adds the 4096 -> K hashing layer. DPSH used the pretrained CNN-F;
    the ASH authors trained this AlexNet shape from scratch, as here. DPSH-A places the ASH
    attention "before the fully-connected layer" (Fang et al., BIBM 2020, §IV-B); it sits
    before the last pooling so that it still sees a spatial map (4 x 4 at 64 px input,
    15 x 15 at the authors' 512 px). The pools after the second convolution are padded so
    that small inputs (32 px in the tests) still work.

    Reference: Li, Wang, Kang, "Feature Learning based Deep Supervised Hashing with
    Pairwise Labels", IJCAI 2016; Krizhevsky et al., NeurIPS 2012 (AlexNet).

    Args:
        attention: Builds the attention block from a channel count.
        in_channels: Image channels.
        fc_width: Width of the two fully connected layers.
        image_size: Side of the square input, to size the first FC layer.
    """

    def __init__(
        self,
        attention: AttentionFactory,
        in_channels: int = 3,
        fc_width: int = 4096,
        image_size: int = 64,
    ) -> None:
        super().__init__()
        self.convolutions = nn.Sequential(
            nn.Conv2d(in_channels, 96, 11, stride=4, padding=2),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(3, stride=2),
            nn.Conv2d(96, 256, 5, padding=2),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(3, stride=2, padding=1),
            nn.Conv2d(256, 384, 3, padding=1),
            nn.ReLU(inplace=True),
            nn.Conv2d(384, 384, 3, padding=1),
            nn.ReLU(inplace=True),
            nn.Conv2d(384, 256, 3, padding=1),
            nn.ReLU(inplace=True),
        )
        self.attention = attention(256)
        self.pool = nn.Sequential(nn.MaxPool2d(3, stride=2, padding=1), nn.Flatten())
        with torch.no_grad():
            probe = torch.zeros(1, in_channels, image_size, image_size)
            conv_width = self.pool(self.convolutions(probe)).shape[1]
        self.fully_connected = nn.Sequential(
            nn.Linear(conv_width, fc_width),
            nn.ReLU(inplace=True),
            nn.Linear(fc_width, fc_width),
            nn.ReLU(inplace=True),
        )
        he_initialize(self)

    def forward(self, images: Tensor) -> Tensor:
        """Map ``N x C x H x W`` images to ``N x fc_width`` features."""
        return self.fully_connected(self.pool(self.attention(self.convolutions(images))))
