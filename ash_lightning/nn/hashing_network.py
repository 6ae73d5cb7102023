"""A trunk followed by a hash head, sized for a given input resolution."""

from collections.abc import Callable

from torch import Tensor, nn

from ash_lightning.nn.shape_probe import probe_output


class HashingNetwork(nn.Module):
    """Trunk + hash head; the head's input width is derived from the input size.

    The ASH authors feed 512 x 512 images and hard-code the FC width; here a dummy
    forward pass at construction derives it, so every trunk works at any resolution.
    The same module encodes both images of a training pair (siamese weight sharing,
    Fang et al., BIBM 2020, §III-A).

    Args:
        trunk: Maps ``N x C x H x W`` images to ``N x F`` features.
        head: Builds the hash head from the feature width ``F``.
        image_size: Side of the square input images.
        in_channels: Image channels.
    """

    def __init__(
        self,
        trunk: nn.Module,
        head: Callable[[int], nn.Module],
        image_size: int,
        in_channels: int = 3,
    ) -> None:
        super().__init__()
        self.trunk = trunk
        self.image_size = image_size
        self.in_channels = in_channels
        self.feature_width = self._feature_width(trunk, image_size, in_channels)
        self.head = head(self.feature_width)

    @staticmethod
    def _feature_width(trunk: nn.Module, image_size: int, in_channels: int) -> int:
        features = probe_output(trunk, image_size, in_channels, type(trunk).__name__)
        return int(features.shape[1])

    def forward(self, images: Tensor) -> Tensor:
        """Map ``N x C x H x W`` images to ``N x bits`` relaxed codes."""
        return self.head(self.trunk(images))
