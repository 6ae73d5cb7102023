"""The contrastive form shared by the ASH and DSH losses."""

import torch
from torch import Tensor


def contrastive_terms(distance: Tensor, dissimilar: Tensor, margin: float) -> Tensor:
    """Per-pair ``1/2 (1 - y) D + 1/2 y max(margin - D, 0)``, ``y = 1`` for dissimilar pairs.

    ASH's Eq. (2) and the DSH loss both have this form.

    Reference: Hadsell, Chopra, LeCun, "Dimensionality Reduction by Learning an Invariant
    Mapping", CVPR 2006.

    Args:
        distance: ``N`` pair distances ``D``.
        dissimilar: ``N`` pair labels, 1 dissimilar, 0 similar.
        margin: Distance beyond which dissimilar pairs cost nothing.

    Returns:
        ``N`` per-pair losses.
    """
    y = dissimilar.to(distance.dtype)
    return 0.5 * (1.0 - y) * distance + 0.5 * y * torch.clamp(margin - distance, min=0.0)
