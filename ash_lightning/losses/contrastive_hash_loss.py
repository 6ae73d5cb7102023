"""Pairwise contrastive hashing loss of ASH, Eq. (2), and the authors' released variant."""

from typing import Literal

from torch import Tensor

from ash_lightning.losses.contrastive_terms import contrastive_terms
from ash_lightning.losses.regime import HashingLoss

PairDistance = Literal["hamming", "mean_squared"]


class ContrastiveHashLoss(HashingLoss):
    """Contrastive loss on relaxed code pairs with margin ``r * K``.

    ``L = mean_i [ 1/2 (1 - y_i) D_i + 1/2 y_i max(r K - D_i, 0) ]``
    ``    + alpha * ( mean | |h1| - 1 | + mean | |h2| - 1 | )``

    with ``y = 1`` for a dissimilar pair and ``y = 0`` for a similar one (Eq. (2)).

    Distances:
        ``"hamming"`` (default): ``D = ||h1 - h2||^2 / 4``. For +-1 codes this is exactly the
        number of differing bits, so the margin ``r K`` reads as the paper says: "r = 0.5
        implies that half of the hash-code bits between dissimilar images is required to be
        different".

        ``"mean_squared"``: ``D = mean_k (h1_k - h2_k)^2``, what the authors' released
        notebooks compute. Its maximum for codes in [-1, 1] is 4, so a margin ``r K``
        above 4 (e.g. K >= 14 at r = 0.3, K >= 9 at r = 0.5) can never be met and every
        dissimilar pair is always penalised.

    ``alpha`` is 0 in the paper ("we do not impose an additional regularizer"); the
    released code uses 0.01.

    Reference: Fang et al., BIBM 2020, §III-B, Eq. (2).

    Args:
        bits: Code length K.
        margin_ratio: The weighting parameter r in [0, 1].
        distance: ``"hamming"`` or ``"mean_squared"``.
        quantization_weight: ``alpha`` of the ``| |h| - 1 |`` term.
    """

    def __init__(
        self,
        bits: int,
        margin_ratio: float,
        distance: PairDistance = "hamming",
        quantization_weight: float = 0.0,
    ) -> None:
        super().__init__()
        if distance not in ("hamming", "mean_squared"):
            raise ValueError(f"distance must be 'hamming' or 'mean_squared', got {distance!r}")
        if not 0.0 <= margin_ratio <= 1.0:
            raise ValueError(f"margin_ratio (r) must lie in [0, 1], got {margin_ratio}")
        self.bits = bits
        self.margin_ratio = margin_ratio
        self.distance = distance
        self.quantization_weight = quantization_weight

    @property
    def margin(self) -> float:
        """The margin ``r * K``."""
        return self.margin_ratio * self.bits

    def pair_distance(self, codes_1: Tensor, codes_2: Tensor) -> Tensor:
        """Distance ``D`` between corresponding rows of two ``N x K`` code batches."""
        squared = (codes_1 - codes_2).pow(2)
        if self.distance == "hamming":
            return squared.sum(dim=1) / 4.0
        return squared.mean(dim=1)

    def forward(self, codes_1: Tensor, codes_2: Tensor, dissimilar: Tensor) -> Tensor:
        """Loss of a batch of pairs.

        Args:
            codes_1: ``N x K`` relaxed codes of the first images.
            codes_2: ``N x K`` relaxed codes of the second images.
            dissimilar: ``N`` pair labels, 1 for a dissimilar pair, 0 for a similar one.

        Returns:
            The scalar loss.
        """
        distance = self.pair_distance(codes_1, codes_2)
        loss = contrastive_terms(distance, dissimilar, self.margin).mean()
        if self.quantization_weight:
            quantization = (codes_1.abs() - 1).abs().mean() + (codes_2.abs() - 1).abs().mean()
            loss = loss + self.quantization_weight * quantization
        return loss
