"""The loss of Deep Supervised Hashing (DSH)."""

from torch import Tensor

from ash_lightning.losses.contrastive_terms import contrastive_terms
from ash_lightning.losses.regime import HashingLoss


class DSHLoss(HashingLoss):
    """Contrastive loss on squared Euclidean distance plus DSH's binary regulariser.

    ``L = mean_i [ 1/2 (1 - y) ||b1 - b2||^2 + 1/2 y max(m - ||b1 - b2||^2, 0)
    + alpha (|| |b1| - 1 ||_1 + || |b2| - 1 ||_1) ]`` with ``y = 1`` for dissimilar pairs
    and margin ``m = 2K`` by default (DSH's setting). The regulariser pulls every output
    towards +-1 through ``|b|``, the absolute value; a widely copied re-implementation used
    ``sign(b)`` there, which has zero gradient and a different value.

    Reference: Liu, Wang, Shan, Chen, "Deep Supervised Hashing for Fast Image Retrieval",
    CVPR 2016, Eq. (4)-(5).

    Args:
        bits: Code length K.
        margin: Margin ``m`` on the squared distance; ``None`` means ``2 K``.
        regularization_weight: ``alpha`` (DSH: 0.01).
    """

    def __init__(
        self, bits: int, margin: float | None = None, regularization_weight: float = 0.01
    ) -> None:
        super().__init__()
        self.bits = bits
        self.margin = 2.0 * bits if margin is None else margin
        self.regularization_weight = regularization_weight

    def forward(self, codes_1: Tensor, codes_2: Tensor, dissimilar: Tensor) -> Tensor:
        """Loss of a batch of pairs (``N x K`` outputs, ``N`` labels, 1 = dissimilar)."""
        distance = (codes_1 - codes_2).pow(2).sum(dim=1)
        regulariser = (codes_1.abs() - 1).abs().sum(dim=1) + (codes_2.abs() - 1).abs().sum(dim=1)
        terms = contrastive_terms(distance, dissimilar, self.margin)
        return (terms + self.regularization_weight * regulariser).mean()
