"""The identity in place of an attention block, for ablations."""

from torch import Tensor, nn


class NoAttention(nn.Module):
    """Identity block with the attention-block signature, for ``attention=none`` ablations.

    Args:
        channels: Number of input channels (unused).
    """

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.channels = channels

    def forward(self, x: Tensor) -> Tensor:
        """Return ``x`` unchanged."""
        return x
