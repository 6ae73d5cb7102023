"""Which images of a batch are similar to each other, from their labels."""

from torch import Tensor


def pairwise_similar(labels: Tensor) -> Tensor:
    """``N x N`` booleans: same label, or at least one shared label for multi-hot labels.

    The in-batch counterpart of :func:`ash_lightning.data.pair_sampling.similar`, with the
    same relevance rule as the evaluation (single-label: same class; multi-label: at least
    one shared label). The diagonal is true for every image that has a label.

    Args:
        labels: ``N`` integer labels or ``N x C`` multi-hot {0, 1} labels.

    Returns:
        A symmetric ``N x N`` boolean matrix.
    """
    if labels.ndim == 1:
        return labels[:, None] == labels[None, :]
    hot = labels.float()
    return hot @ hot.T > 0
