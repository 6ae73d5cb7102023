"""Triplet cross-entropy loss of Attention-based Triplet Hashing (ATH)."""

from typing import Literal

import torch
from torch import Tensor

from ash_lightning.data.sampling import Sampling
from ash_lightning.losses.label_cross_entropy import label_cross_entropy
from ash_lightning.losses.regime import HashingLoss, TrainingRegime

TripletDistance = Literal["mean_squared", "hamming"]


class TripletCrossEntropyLoss(HashingLoss):
    """Margin triplet term on relaxed codes plus classification of all three images.

    ``L = mean max(0, r K - D(a, n) + D(a, p)) + CE(a) + CE(p) + CE(n)``, each CE averaged
    over the batch (binary cross-entropy on multi-hot labels). ``D`` is the per-bit mean
    squared distance by default, as in the ATH authors' code; like the ASH authors'
    released loss its maximum is 4, so a margin ``r K`` above 4 always keeps the triplet
    term active. ``distance="hamming"`` uses ``||a - b||^2 / 4`` (differing bits for +-1
    codes) instead, for which the margin means "r K more bits".

    Its regime asks the training code for triplets and for a network that also returns
    class logits.

    Reference: Fang, Fu, Liu, ATH, Medical Image Analysis 2021.

    Args:
        bits: Code length K.
        margin_ratio: r.
        distance: ``"mean_squared"`` or ``"hamming"``.
        classification_weight: Weight of the cross-entropy terms (ATH: 1).
    """

    regime = TrainingRegime(Sampling.TRIPLETS, needs_class_head=True)

    def __init__(
        self,
        bits: int,
        margin_ratio: float,
        distance: TripletDistance = "mean_squared",
        classification_weight: float = 1.0,
    ) -> None:
        super().__init__()
        if distance not in ("mean_squared", "hamming"):
            raise ValueError(f"distance must be 'mean_squared' or 'hamming', got {distance!r}")
        self.margin = margin_ratio * bits
        self.distance = distance
        self.classification_weight = classification_weight

    def code_distance(self, first: Tensor, second: Tensor) -> Tensor:
        """``D`` between codes along the last dimension (the others broadcast)."""
        squared = (first - second).pow(2)
        return squared.mean(dim=-1) if self.distance == "mean_squared" else squared.sum(dim=-1) / 4

    def hinge(self, positive_distance: Tensor, negative_distance: Tensor) -> Tensor:
        """``max(0, r K - D(a, n) + D(a, p))`` of each triplet, from its two distances."""
        return torch.clamp(self.margin - negative_distance + positive_distance, min=0.0)

    def forward(
        self,
        codes: tuple[Tensor, Tensor, Tensor],
        logits: tuple[Tensor, Tensor, Tensor],
        labels: tuple[Tensor, Tensor, Tensor],
    ) -> Tensor:
        """Loss of a batch of (anchor, positive, negative) codes, logits and labels."""
        anchor, positive, negative = codes
        triplet = self.hinge(
            self.code_distance(anchor, positive), self.code_distance(anchor, negative)
        ).mean()
        classification = sum(
            label_cross_entropy(member_logits, member_labels)
            for member_logits, member_labels in zip(logits, labels, strict=True)
        )
        return triplet + self.classification_weight * classification
