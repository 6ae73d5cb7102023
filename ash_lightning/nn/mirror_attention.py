"""Mirror attention: non-local attention from a feature map to its mirrored counterpart."""

import math
from typing import Literal

import torch
from torch import Tensor, nn

MirrorAxis = Literal["horizontal", "vertical"]
FLIP_DIMS: dict[str, int] = {"horizontal": -1, "vertical": -2}
"""Tensor dimension each mirror flips: left-right (width) or up-down (height)."""


class MirrorAttention(nn.Module):
    """One mirror branch: every position of a feature map attends to its mirrored view.

    ``out = X + W_o(V softmax(Q^T K / sqrt(d))^T)`` with ``Q = W_q X`` and ``K = W_k M``,
    ``V = W_v M``, all 1 x 1 convolutions to ``d = C / reduction`` channels, and ``W_o``
    a 1 x 1 convolution back to ``C`` channels, zero-initialised so that the block is the
    identity at initialisation (non-local blocks, Wang et al., CVPR 2018). ``X`` are the
    features of the image and ``M`` those of the image mirrored along ``axis``, computed
    by the same (shared) encoder.

    Sides and alignment, as read from the method description ("capturing spatial
    dependency of vertical and horizontal views"):

    - The original features give the queries and the residual, so the output is aligned
      with the image; the mirrored features give the keys and values, so each position
      gathers the evidence of the mirrored view (e.g. lesions near the vessels of the
      other half of the fundus).
    - ``M`` is flipped back along ``axis`` before the attention, so key position ``j`` is
      image position ``j`` in both views. Because the attention sums over all key
      positions, this leaves the output unchanged (a joint permutation of keys and
      values); it makes the attention weights, exposed through ``softmax`` for forward
      hooks (``N x HW x HW``, queries by keys), readable in image coordinates. What the
      mirrored view adds therefore comes from the encoder: a convolutional encoder is not
      flip-equivariant, so ``encoder(flip(image))`` flipped back differs from
      ``encoder(image)``.

    Unlike the single-input spatial attention blocks, this block takes two feature maps;
    :class:`~ash_lightning.nn.mirror_trunk.MirrorTrunk` feeds it.

    Reference: Fang et al., "Deep metric learning with mirror attention and fine triplet
    loss for fundus image retrieval in ophthalmology", Biomedical Signal Processing and
    Control 80, 104277 (2023; online 2022).

    Args:
        channels: Channels ``C`` of both feature maps.
        axis: ``"horizontal"`` (left-right mirror) or ``"vertical"`` (up-down mirror).
        reduction: ``C / d``, the channel reduction of queries, keys and values.
    """

    def __init__(self, channels: int, axis: MirrorAxis = "horizontal", reduction: int = 2) -> None:
        super().__init__()
        if axis not in FLIP_DIMS:
            raise ValueError(f"axis must be one of {sorted(FLIP_DIMS)}, got {axis!r}")
        if reduction < 1 or channels < reduction:
            raise ValueError(f"need 1 <= reduction <= channels, got {reduction} and {channels}")
        inner = channels // reduction
        self.channels = channels
        self.axis = axis
        self.flip_dim = FLIP_DIMS[axis]
        self.query = nn.Conv2d(channels, inner, 1)
        self.key = nn.Conv2d(channels, inner, 1)
        self.value = nn.Conv2d(channels, inner, 1)
        self.output = nn.Conv2d(inner, channels, 1)
        nn.init.zeros_(self.output.weight)
        if self.output.bias is not None:  # always: Conv2d has a bias by default
            nn.init.zeros_(self.output.bias)
        self.softmax = nn.Softmax(dim=-1)
        self.scale = 1.0 / math.sqrt(inner)

    def forward(self, features: Tensor, mirrored: Tensor) -> Tensor:
        """Attend from ``features`` to ``mirrored`` (both ``N x C x H x W``).

        Args:
            features: Encoder features of the images.
            mirrored: Encoder features of the images mirrored along ``axis`` (as computed,
                not yet flipped back).

        Returns:
            ``N x C x H x W`` features, aligned with ``features``.
        """
        if mirrored.shape != features.shape:
            raise ValueError(
                f"mirrored features {tuple(mirrored.shape)} do not match {tuple(features.shape)}"
            )
        aligned = mirrored.flip(self.flip_dim)
        queries = self.query(features).flatten(2)
        keys = self.key(aligned).flatten(2)
        values = self.value(aligned).flatten(2)
        weights = self.softmax(torch.einsum("ndq,ndk->nqk", queries, keys) * self.scale)
        attended = torch.einsum("nqk,ndk->ndq", weights, values).unflatten(2, features.shape[2:])
        return features + self.output(attended)
