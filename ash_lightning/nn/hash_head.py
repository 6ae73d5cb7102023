"""Fully connected hashing layer with its relaxation."""

from typing import Literal

from torch import Tensor, nn

Relaxation = Literal["tanh", "identity"]


class HashHead(nn.Module):
    """Optional hidden FC + ReLU, the FC hashing layer with ``bits`` outputs, optional batch norm.

    The outputs are relaxed codes: ``tanh`` keeps them in (-1, 1) during training
    (``identity`` leaves them unbounded); retrieval binarises them by their sign.

    With ``batch_norm`` each of the ``bits`` outputs is standardised over the batch before the
    relaxation (Ioffe & Szegedy, ICML 2015), so every bit starts balanced: about half of the
    images on each side of 0. Without it, features that share a large common component (fundus
    photographs through an ImageNet trunk) put every image on the same side of most bits, and
    a loss on relaxed distances can be lowered through magnitudes without any sign changing.

    Reference: Fang et al., BIBM 2020, §III-A ("the fully-connected linear layer contains
    4096 nodes, and the fully-connected hashing layer contains K-bits").

    Args:
        in_features: Width of the trunk's flattened features.
        bits: Code length K.
        hidden_features: Width of the hidden FC layer (ASH-U: 4096), or ``None`` for none.
        relaxation: ``"tanh"`` or ``"identity"``.
        batch_norm: Standardise each output over the batch before the relaxation.
    """

    def __init__(
        self,
        in_features: int,
        bits: int,
        hidden_features: int | None = None,
        relaxation: Relaxation = "tanh",
        batch_norm: bool = False,
    ) -> None:
        super().__init__()
        if relaxation not in ("tanh", "identity"):
            raise ValueError(f"relaxation must be 'tanh' or 'identity', got {relaxation!r}")
        layers: list[nn.Module] = []
        width = in_features
        if hidden_features:
            layers += [nn.Linear(in_features, hidden_features), nn.ReLU(inplace=True)]
            width = hidden_features
        layers.append(nn.Linear(width, bits))
        if batch_norm:
            layers.append(nn.BatchNorm1d(bits))
        layers.append(nn.Tanh() if relaxation == "tanh" else nn.Identity())
        self.layers = nn.Sequential(*layers)
        self.bits = bits

    def forward(self, features: Tensor) -> Tensor:
        """Map ``N x F`` features to ``N x bits`` relaxed codes."""
        return self.layers(features)
