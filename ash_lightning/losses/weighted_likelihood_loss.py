"""Weighted pairwise likelihood of attention-guided hashing, over all pairs of a batch."""

import torch
from torch import Tensor
from torch.nn import functional

from ash_lightning.data.sampling import Sampling
from ash_lightning.losses.label_cross_entropy import label_cross_entropy
from ash_lightning.losses.label_similarity import pairwise_similar
from ash_lightning.losses.regime import HashingLoss, TrainingRegime


class WeightedLikelihoodLoss(HashingLoss):
    """Imbalance-weighted pairwise negative log-likelihood + classification + quantisation.

    Over every unordered in-batch pair ``i < j`` (the set ``S``), with ``s_ij = 1`` when the
    two images share a label and ``theta_ij = alpha <u_i, u_j> / 2``:

    ``L = sum_ij w_ij (log(1 + exp(theta_ij)) - s_ij theta_ij) / sum_ij w_ij
    + lambda * CE(logits, labels) + eta * mean_i ||sign(u_i) - u_i||^2``

    with ``w_ij = |S| / |S_1|`` for similar pairs and ``|S| / |S_0|`` for dissimilar ones
    (``S_1``, ``S_0``: the similar and dissimilar pairs of the batch), so both kinds carry
    the same total weight ``|S|`` however rare one of them is. A batch with only one kind
    gives that kind weight 1 (a plain mean); a batch of one image has no pair and only the
    classification and quantisation terms. ``log(1 + exp(.))`` is a softplus, stable for
    large ``theta``. CE is the cross-entropy for ``N`` integer labels and the binary
    cross-entropy with logits for ``N x C`` multi-hot labels; ``sign(u)`` carries no
    gradient.

    The likelihood is DPSH's (``p(s_ij = 1) = sigmoid(theta_ij)``, Li et al., IJCAI 2016;
    ``alpha = 1`` gives its ``theta = u^T u / 2``) and the weights are HashNet's for the
    imbalance of similar and dissimilar pairs (Cao et al., ICCV 2017, Eq. (6), with binary
    similarity, i.e. without HashNet's continuous multi-label factor ``c_ij``).

    Its regime asks the training code for batches of labelled images and for a network that
    also returns class logits.

    Reference: Zhu, Huang, Xiao, Wang, Zou, "Deep Hash Retrieval Algorithm for Medical
    Images Based on Attention Mechanism", Computer Science 49(8):113-119, 2022 (Bayesian
    framework, weighted likelihood for the imbalance of positive and negative pairs).

    Args:
        alpha: Scale ``alpha`` of the inner product in ``theta``.
        classification_weight: ``lambda``.
        quantization_weight: ``eta``.
    """

    regime = TrainingRegime(Sampling.IMAGES, needs_class_head=True)

    def __init__(
        self,
        alpha: float = 1.0,
        classification_weight: float = 1.0,
        quantization_weight: float = 0.1,
    ) -> None:
        super().__init__()
        if alpha <= 0:
            raise ValueError(f"alpha must be > 0, got {alpha}")
        self.alpha = alpha
        self.classification_weight = classification_weight
        self.quantization_weight = quantization_weight

    def likelihood(self, outputs: Tensor, labels: Tensor) -> Tensor:
        """Weighted mean negative log-likelihood of the pair labels of one batch."""
        first, second = torch.triu_indices(len(outputs), len(outputs), offset=1)
        first, second = first.to(outputs.device), second.to(outputs.device)
        similar = pairwise_similar(labels)[first, second]
        theta = 0.5 * self.alpha * (outputs[first] * outputs[second]).sum(dim=1)
        negative_log_likelihood = functional.softplus(theta) - similar.to(theta.dtype) * theta
        num_similar = similar.sum()
        num_dissimilar = len(similar) - num_similar
        weights = torch.where(
            similar,
            len(similar) / num_similar.clamp_min(1),
            len(similar) / num_dissimilar.clamp_min(1),
        ).to(theta.dtype)
        return (weights * negative_log_likelihood).sum() / weights.sum().clamp_min(1.0)

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
            raise ValueError(
                "WeightedLikelihoodLoss needs class logits (a network with a class head)"
            )
        quantization = (torch.sign(outputs).detach() - outputs).pow(2).sum(dim=1).mean()
        return (
            self.likelihood(outputs, labels)
            + self.classification_weight * label_cross_entropy(logits, labels)
            + self.quantization_weight * quantization
        )
