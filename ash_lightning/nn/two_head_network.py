"""A trunk with a hash head and a classification head (ATH)."""

from collections.abc import Callable

from torch import Tensor, nn

from ash_lightning.nn.class_head_network import ClassHeadNetwork
from ash_lightning.nn.hashing_network import HashingNetwork


class TwoHeadHashingNetwork(HashingNetwork, ClassHeadNetwork):
    """Hashing network with an extra linear class head on the same trunk features.

    ``forward`` returns the relaxed codes, so retrieval treats it like any hashing
    network; ``codes_and_logits`` also returns class logits for the triplet
    cross-entropy loss of ATH.

    Reference: Fang, Fu, Liu, ATH, Medical Image Analysis 2021 (two heads: FC -> K, FC -> C).

    Args:
        trunk: Maps images to ``N x F`` features.
        head: Builds the hash head from ``F``.
        num_classes: Number of classes C (set from the data when the config leaves it null).
        image_size: Side of the square input images.
        in_channels: Image channels.
    """

    def __init__(
        self,
        trunk: nn.Module,
        head: Callable[[int], nn.Module],
        num_classes: int,
        image_size: int,
        in_channels: int = 3,
    ) -> None:
        super().__init__(trunk, head, image_size, in_channels)
        if num_classes < 2:
            raise ValueError(f"num_classes must be >= 2, got {num_classes}")
        self.classifier = nn.Linear(self.feature_width, num_classes)

    def codes_and_logits(self, images: Tensor) -> tuple[Tensor, Tensor]:
        """Relaxed codes ``N x K`` and class logits ``N x C`` from one trunk pass."""
        features = self.trunk(images)
        return self.head(features), self.classifier(features)
