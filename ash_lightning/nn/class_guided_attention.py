"""Class-guided spatial attention: a classifier's activation map pools local features."""

from typing import Literal, NamedTuple

import torch
from torch import Tensor, nn

from ash_lightning.nn.spatial_softmax import SpatialSoftmax

ClassWeighting = Literal["softmax", "sigmoid"]


class GuidedFeatures(NamedTuple):
    """Pooled descriptors and class logits of one batch of feature maps."""

    global_features: Tensor
    local_features: Tensor
    logits: Tensor


class ClassGuidedAttention(nn.Module):
    """Classification branch whose class activation map selects the local features.

    With feature maps ``F`` (``N x C x H x W``), global feature ``g = GAP(F)``, classifier
    ``logits = W g + b`` and class probabilities ``p`` (softmax for single-label data,
    sigmoid for multi-label data):

    - guidance map ``M[n] = sum_c p[n, c] CAM_c[n]`` with ``CAM_c = sum_k W[c, k] F[:, k]``
      (the class activation maps of Zhou et al., CVPR 2016, weighted by how likely each
      class is; since CAM is linear in ``W`` this is ``(p^T W) . F``);
    - attention ``A = spatial_softmax(M / T)`` (``N x 1 x H x W``, sums to 1 per image);
    - local feature ``l = sum_{h, w} A[h, w] F[:, h, w]`` (``N x C``).

    With ``detach_map`` (default) the map is a constant for back-propagation, as a
    thresholded heat map is: the classifier is trained by the classification loss alone and
    the hashing loss reaches the features only through the pooling. Without it the hashing
    loss may also reshape the classifier to move the attention.

    Reference: Zhu, Huang, Xiao, Wang, Zou, "Deep Hash Retrieval Algorithm for Medical
    Images Based on Attention Mechanism", Computer Science 49(8):113-119, 2022 ("local
    feature descriptors containing semantic information are generated under the guidance of
    the classification network"). The paper's exact attention is not public here: its
    references (Grad-CAM, Otsu) suggest a thresholded heat map; this block is a soft,
    differentiable, single-pass reading of it.

    Args:
        channels: Channels ``C`` of the feature maps.
        num_classes: Number of classes.
        class_weighting: ``"softmax"`` (single-label) or ``"sigmoid"`` (multi-label) turns
            logits into the class weights ``p``.
        temperature: Temperature ``T`` of the spatial softmax.
        detach_map: Stop gradients through the attention map.
    """

    def __init__(
        self,
        channels: int,
        num_classes: int,
        class_weighting: ClassWeighting = "softmax",
        temperature: float = 1.0,
        detach_map: bool = True,
    ) -> None:
        super().__init__()
        if num_classes < 2:
            raise ValueError(f"num_classes must be >= 2, got {num_classes}")
        if class_weighting not in ("softmax", "sigmoid"):
            raise ValueError(
                f"class_weighting must be 'softmax' or 'sigmoid', got {class_weighting!r}"
            )
        self.channels = channels
        self.class_weighting = class_weighting
        self.detach_map = detach_map
        self.classifier = nn.Linear(channels, num_classes)
        self.gate = SpatialSoftmax(temperature)

    def _class_weights(self, logits: Tensor) -> Tensor:
        return logits.softmax(dim=1) if self.class_weighting == "softmax" else logits.sigmoid()

    def forward(self, features: Tensor) -> GuidedFeatures:
        """Global and attention-pooled local descriptors (``N x C``) and logits of ``F``."""
        if features.ndim != 4:
            raise ValueError(
                f"expected N x C x H x W feature maps, got shape {tuple(features.shape)}"
            )
        global_features = features.mean(dim=(2, 3))
        logits = self.classifier(global_features)
        channel_guidance = self._class_weights(logits) @ self.classifier.weight
        scores = torch.einsum("nk,nkhw->nhw", channel_guidance, features).unsqueeze(1)
        attention = self.gate(scores)
        if self.detach_map:
            attention = attention.detach()
        local_features = (attention * features).sum(dim=(2, 3))
        return GuidedFeatures(global_features, local_features, logits)
