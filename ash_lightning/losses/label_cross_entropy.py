"""The classification term shared by the losses with a class head."""

from torch import Tensor
from torch.nn import functional


def label_cross_entropy(logits: Tensor, labels: Tensor) -> Tensor:
    """Cross-entropy for integer labels, binary cross-entropy with logits for multi-hot ones.

    The classification term of ATH's triplet cross-entropy loss (Fang, Fu, Liu, MedIA 2021)
    and of the weighted likelihood of attention-guided hashing (Zhu et al., 2022); multi-hot
    labels (several lesions per image) make it one binary problem per class.

    Args:
        logits: ``N x C`` class logits.
        labels: ``N`` integer labels or ``N x C`` multi-hot {0, 1} labels.

    Returns:
        The mean loss over the batch.
    """
    if labels.ndim == 2:
        return functional.binary_cross_entropy_with_logits(logits, labels.to(logits.dtype))
    return functional.cross_entropy(logits, labels.long())
