"""Attention-guided deep hashing network: class-guided attention, global + local codes."""

from collections.abc import Callable

from torch import Tensor, nn

from ash_lightning.nn.attention_guided_trunk import AttentionGuidedTrunk
from ash_lightning.nn.class_guided_attention import ClassGuidedAttention
from ash_lightning.nn.class_head_network import ClassHeadNetwork
from ash_lightning.nn.hashing_network import HashingNetwork

GuidedAttentionFactory = Callable[[int, int], ClassGuidedAttention]
"""Builds the class-guided attention from the channel count and the number of classes."""


class AttentionGuidedHashingNetwork(HashingNetwork, ClassHeadNetwork):
    """Backbone -> class-guided attention -> hash layer on ``[global; local]`` features.

    A classification branch (global average pool -> linear -> logits) guides a spatial
    attention to the semantically relevant regions of the feature maps; the attention-pooled
    local feature and the global feature together feed the hash layer (FC -> K, tanh).
    ``forward`` returns the relaxed codes, so retrieval treats it like any hashing network;
    ``codes_and_logits`` also returns the class logits for the loss's classification term.

    Reference: Zhu, Huang, Xiao, Wang, Zou, "Deep Hash Retrieval Algorithm for Medical
    Images Based on Attention Mechanism", Computer Science 49(8):113-119, 2022.

    Args:
        backbone: Maps images to ``N x C x h x w`` feature maps.
        attention: Builds the class-guided attention from ``(C, num_classes)``.
        head: Builds the hash head from the descriptor width ``2C``.
        num_classes: Number of classes (set from the data when the config leaves it null).
        image_size: Side of the square input images.
        in_channels: Image channels.
    """

    trunk: AttentionGuidedTrunk

    def __init__(
        self,
        backbone: nn.Module,
        attention: GuidedAttentionFactory,
        head: Callable[[int], nn.Module],
        num_classes: int,
        image_size: int,
        in_channels: int = 3,
    ) -> None:
        channels = self._feature_width(backbone, image_size, in_channels)
        trunk = AttentionGuidedTrunk(backbone, attention(channels, num_classes))
        super().__init__(trunk, head, image_size, in_channels)

    def codes_and_logits(self, images: Tensor) -> tuple[Tensor, Tensor]:
        """Relaxed codes ``N x K`` and class logits ``N x num_classes`` from one pass."""
        descriptor, logits = self.trunk.features_and_logits(images)
        return self.head(descriptor), logits
