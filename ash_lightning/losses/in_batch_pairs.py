"""Any pairwise loss over every pair of a batch of labelled images."""

import torch
from torch import Tensor

from ash_lightning.data.sampling import Sampling
from ash_lightning.losses.label_similarity import pairwise_similar
from ash_lightning.losses.regime import HashingLoss, TrainingRegime


class InBatchPairs(HashingLoss):
    """Apply a pairwise loss to all ``N (N - 1) / 2`` pairs of a batch of ``N`` images.

    A batch of ``N`` randomly drawn images holds ``N (N - 1) / 2`` random pairs for the cost of
    ``N`` forward passes, where drawn pairs give ``N / 2``. DPSH and DSH train this way
    ("pairs ... generated online" from every image pair of a mini-batch: Li et al., IJCAI 2016,
    §3; Liu et al., CVPR 2016, §3.2), and it is still the random pairs of ASH's Eq. (2), only
    more of them per image: the loss averages over the same pair distribution with far lower
    variance, which keeps a small-batch run from drifting to one code.

    Args:
        pair_loss: A loss called as ``pair_loss(codes_1, codes_2, dissimilar)`` on ``P``
            pairs, averaging over them (the loss of a ``Sampling.PAIRS`` regime).
    """

    regime = TrainingRegime(Sampling.IMAGES)

    def __init__(self, pair_loss: HashingLoss) -> None:
        super().__init__()
        if pair_loss.regime.sampling is not Sampling.PAIRS:
            raise ValueError(
                f"InBatchPairs needs a loss over drawn pairs, got {type(pair_loss).__name__} "
                f"(sampling={pair_loss.regime.sampling.value})"
            )
        self.pair_loss = pair_loss

    def forward(self, outputs: Tensor, labels: Tensor, logits: Tensor | None = None) -> Tensor:
        """Mean pair loss of ``N x K`` outputs with ``N`` integer or ``N x C`` multi-hot labels.

        Args:
            outputs: Relaxed codes of the batch.
            labels: Their labels; two images are similar when they share a label.
            logits: Unused (no classification term).

        Returns:
            The scalar loss.
        """
        if len(outputs) < 2:
            raise ValueError("InBatchPairs needs batches of at least 2 images")
        first, second = torch.triu_indices(
            len(outputs), len(outputs), offset=1, device=outputs.device
        )
        dissimilar = ~pairwise_similar(labels)[first, second]
        return self.pair_loss(outputs[first], outputs[second], dissimilar.to(outputs.dtype))
