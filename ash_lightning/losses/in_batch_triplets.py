"""ATH's triplet cross-entropy loss over every triplet of a batch of labelled images."""

import torch
from torch import Tensor

from ash_lightning.data.sampling import Sampling
from ash_lightning.losses.label_cross_entropy import label_cross_entropy
from ash_lightning.losses.label_similarity import pairwise_similar
from ash_lightning.losses.regime import HashingLoss, TrainingRegime
from ash_lightning.losses.triplet_cross_entropy_loss import TripletCrossEntropyLoss


class InBatchTriplets(HashingLoss):
    """The triplet cross-entropy loss on all valid triplets of a batch of ``N`` images.

    Every anchor ``a``, positive ``p`` (similar to ``a``, ``p != a``) and negative ``n``
    (dissimilar to ``a``) of the batch forms a triplet: up to ``N^3`` of them for the cost
    of ``N`` forward passes, where drawn triplets give ``N / 3``. The triplet term is the
    mean hinge of the wrapped loss over them, computed from the ``N x N`` code distances
    (memory ``O(N^3)``: 262,144 hinge values for a batch of 64). The three cross-entropy
    terms of a drawn triplet each estimate the mean cross-entropy of an image, so here they
    are three times the batch's mean cross-entropy, which keeps the two terms in the wrapped
    loss's proportion. It is ATH's loss on more triplets per image, as
    :class:`~ash_lightning.losses.InBatchPairs` is Eq. (2) on more pairs.

    A batch without a valid triplet (one class only) contributes its classification terms
    alone.

    Args:
        triplet_loss: ATH's loss over drawn triplets, whose margin, distance and
            classification weight apply.
    """

    regime = TrainingRegime(Sampling.IMAGES, needs_class_head=True)

    def __init__(self, triplet_loss: TripletCrossEntropyLoss) -> None:
        super().__init__()
        self.triplet_loss = triplet_loss

    def triplet_term(self, outputs: Tensor, labels: Tensor) -> Tensor:
        """Mean hinge ``max(0, margin - D(a, n) + D(a, p))`` over the valid triplets."""
        distances = self.triplet_loss.code_distance(outputs[:, None, :], outputs[None, :, :])
        similar = pairwise_similar(labels)
        eye = torch.eye(len(outputs), dtype=torch.bool, device=outputs.device)
        valid = (similar & ~eye)[:, :, None] & ~similar[:, None, :]
        if not valid.any():
            return outputs.sum() * 0.0
        hinge = self.triplet_loss.hinge(distances[:, :, None], distances[:, None, :])
        return hinge[valid].mean()

    def forward(self, outputs: Tensor, labels: Tensor, logits: Tensor | None) -> Tensor:
        """Loss of one batch.

        Args:
            outputs: ``N x K`` relaxed codes.
            labels: ``N`` integer labels or ``N x C`` multi-hot {0, 1} labels.
            logits: ``N x C`` class logits of the same images.

        Returns:
            The scalar loss.

        Raises:
            ValueError: No logits (a network without a class head).
        """
        if logits is None:
            raise ValueError("InBatchTriplets needs class logits (a network with a class head)")
        classification = 3 * label_cross_entropy(logits, labels)
        return (
            self.triplet_term(outputs, labels)
            + self.triplet_loss.classification_weight * classification
        )
