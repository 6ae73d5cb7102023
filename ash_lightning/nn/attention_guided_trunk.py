"""Feature maps pooled globally and by class-guided attention, ready for a hash layer."""

import torch
from torch import Tensor, nn

from ash_lightning.nn.class_guided_attention import ClassGuidedAttention


class AttentionGuidedTrunk(nn.Module):
    """Backbone feature maps -> ``[global; local]`` descriptor and class logits.

    The backbone maps images to ``N x C x H x W`` feature maps; the class-guided attention
    pools them globally (average) and locally (by its class activation map) and classifies
    them. The concatenation ``[g; l]`` (``N x 2C``), batch-normalised, is what the hash
    layer sees, so the codes are built "from both global and local perspectives".

    The batch normalisation is not in the paper's abstract: it centres the descriptors.
    Pooled ReLU features are all positive and nearly equal for images that differ only in a
    small region, and without it a freshly initialised hash layer gives every image the same
    code for several epochs.

    ``forward`` returns only the descriptor, like every other trunk (frozen-trunk features
    for the shallow hashers work unchanged), and the attention's ``gate`` sits at
    ``trunk.attention.gate``, where :func:`~ash_lightning.nn.attention_maps.attention_maps`
    hooks it.

    Reference: Zhu et al., "Deep Hash Retrieval Algorithm for Medical Images Based on
    Attention Mechanism", Computer Science 49(8):113-119, 2022.

    Args:
        backbone: Maps ``N x C_in x H x W`` images to ``N x C x h x w`` feature maps.
        attention: The class-guided attention over those ``C`` channels.
    """

    def __init__(self, backbone: nn.Module, attention: ClassGuidedAttention) -> None:
        super().__init__()
        self.backbone = backbone
        self.attention = attention
        self.normalization = nn.BatchNorm1d(2 * attention.channels)

    def features_and_logits(self, images: Tensor) -> tuple[Tensor, Tensor]:
        """``N x 2C`` descriptors ``[global; local]`` and ``N x num_classes`` logits."""
        guided = self.attention(self.backbone(images))
        descriptor = torch.cat([guided.global_features, guided.local_features], dim=1)
        return self.normalization(descriptor), guided.logits

    def forward(self, images: Tensor) -> Tensor:
        """Map ``N x C_in x H x W`` images to ``N x 2C`` descriptors."""
        return self.features_and_logits(images)[0]
