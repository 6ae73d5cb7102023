"""Fine triplet loss of mirror-attention fundus retrieval, over every pair of a batch."""

import torch
from torch import Tensor
from torch.nn import functional

from ash_lightning.data.sampling import Sampling
from ash_lightning.losses.label_similarity import pairwise_similar
from ash_lightning.losses.regime import HashingLoss, TrainingRegime


class FineTripletLoss(HashingLoss):
    """Triplet loss whose positive distances are confined by each pair's relevance degree.

    With cosine similarities ``s`` of every unordered in-batch pair ``i < j``, positives
    ``P`` (relevant pairs) and negatives ``N``::

        L = log(1 + sum_P exp(-gamma a_p (s_p - (1 - m))) * sum_N exp(gamma a_n (s_n - m)))
        a_p = relu(1 + m - s_p),   a_n = relu(s_n + m)

    Every positive is thereby ranked against every negative (``log(1 + sum exp(.))`` over
    the products is a smooth maximum of the triplet margins ``a_n (s_n - m) - a_p (s_p -
    1 + m)``). The relevance degree ``a_p`` is learned from the descriptors themselves
    (self-supervised): a positive pair that is still far apart (low ``s_p``) is pulled
    harder than one that is already close, which sharpens the ranking among hits; ``a_n``
    likewise pushes the most confusable negatives hardest.

    Choices of this implementation (the loss form follows the authors' released code,
    which has the form of Circle loss, Sun et al., CVPR 2020):

    - ``a_p`` and ``a_n`` are detached: they weight the gradient of each pair like Circle
      loss's self-paced weights and are not optimised themselves.
    - Each unordered pair ``i < j`` counts once (``s`` is symmetric; ``i != j`` would
      count every pair twice and change the value inside the logarithm); self-pairs are
      excluded.
    - Relevance: the same label, or at least one shared label for multi-hot labels (as
      in the evaluation).
    - A batch without a positive or without a negative pair contributes ``log(1 + 0) =
      0``; the returned zero stays connected to ``outputs``' graph.

    Its regime asks the training code for batches of labelled images instead of pre-drawn
    pairs.

    Reference: Fang et al., "Deep metric learning with mirror attention and fine triplet
    loss for fundus image retrieval in ophthalmology", Biomedical Signal Processing and
    Control 80, 104277 (2023; online 2022).

    Args:
        gamma: Scale ``gamma`` of the similarities (authors: 1).
        margin: Relaxation margin ``m`` (authors: 0.25).
    """

    regime = TrainingRegime(Sampling.IMAGES)

    def __init__(self, gamma: float = 1.0, margin: float = 0.25) -> None:
        super().__init__()
        if gamma <= 0:
            raise ValueError(f"gamma must be > 0, got {gamma}")
        if not 0.0 <= margin < 1.0:
            raise ValueError(f"margin must lie in [0, 1), got {margin}")
        self.gamma = gamma
        self.margin = margin

    def forward(self, outputs: Tensor, labels: Tensor, logits: Tensor | None = None) -> Tensor:
        """Loss of ``N x K`` descriptors with ``N`` integer or ``N x C`` multi-hot labels.

        Args:
            outputs: Real-valued descriptors (their norm is ignored: cosine similarity).
            labels: Integer labels or multi-hot labels of the same images.
            logits: Unused (this loss has no classification term).

        Returns:
            The scalar loss.
        """
        unit = functional.normalize(outputs, dim=1)
        similarities = unit @ unit.T
        first, second = torch.triu_indices(len(outputs), len(outputs), offset=1)
        pairs = similarities[first, second]
        relevant = pairwise_similar(labels)[first, second]
        positives, negatives = pairs[relevant], pairs[~relevant]
        if len(positives) == 0 or len(negatives) == 0:
            return outputs.sum() * 0.0
        m = self.margin
        weight_p = torch.relu(1.0 + m - positives).detach()
        weight_n = torch.relu(negatives + m).detach()
        logit_p = -self.gamma * weight_p * (positives - (1.0 - m))
        logit_n = self.gamma * weight_n * (negatives - m)
        return functional.softplus(torch.logsumexp(logit_p, 0) + torch.logsumexp(logit_n, 0))
