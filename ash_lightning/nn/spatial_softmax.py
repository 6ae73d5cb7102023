"""Softmax over the spatial positions of a one-channel map."""

from torch import Tensor, nn


class SpatialSoftmax(nn.Module):
    """Turn ``N x 1 x H x W`` scores into attention weights that sum to 1 over ``H x W``.

    ``A[n, 0, h, w] = exp(M[n, 0, h, w] / T) / sum_{h', w'} exp(M[n, 0, h', w'] / T)``.
    Unlike a sigmoid gate it is invariant to a constant shift of the scores, so a map that
    rises everywhere (a confident classifier) still singles out its strongest region.

    Reference: the attention-weighted pooling of class-guided attention hashing (Zhu et al.,
    "Deep Hash Retrieval Algorithm for Medical Images Based on Attention Mechanism",
    Computer Science 49(8), 2022), read as a soft, differentiable form of a thresholded
    class activation map.

    Args:
        temperature: ``T`` > 0; smaller values concentrate the weights on fewer positions.
    """

    def __init__(self, temperature: float = 1.0) -> None:
        super().__init__()
        if temperature <= 0:
            raise ValueError(f"temperature must be > 0, got {temperature}")
        self.temperature = temperature

    def forward(self, scores: Tensor) -> Tensor:
        """Map ``N x 1 x H x W`` scores to weights of the same shape summing to 1 per image."""
        flat = scores.flatten(start_dim=1) / self.temperature
        return flat.softmax(dim=1).view_as(scores)
