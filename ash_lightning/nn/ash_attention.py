"""Spatial attention of ASH exactly as written in the paper, Eq. (1)."""

from torch import Tensor, nn


class ASHAttention(nn.Module):
    """Spatial attention of Attention-based Saliency Hashing, Eq. (1).

    ``X <- X * sigmoid(Max_c(X) * Avg_c(X))``: the channel-wise maximum and mean maps
    (each ``1 x H x W``) are multiplied element-wise, squashed by a sigmoid and used to
    re-weight every channel of ``X``. The block has no parameters.

    Reference: Fang et al., "Attention-based Saliency Hashing for Ophthalmic Image
    Retrieval", BIBM 2020, §III-A, Eq. (1).

    Args:
        channels: Number of input channels. Unused (the block is parameter-free); taken
            so that every attention block can be built as ``block(channels)``.
    """

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.channels = channels
        self.gate = nn.Sigmoid()

    def forward(self, x: Tensor) -> Tensor:
        """Re-weight ``x`` (``N x C x H x W``) by its spatial saliency map."""
        saliency = x.amax(dim=1, keepdim=True) * x.mean(dim=1, keepdim=True)
        return x * self.gate(saliency)
