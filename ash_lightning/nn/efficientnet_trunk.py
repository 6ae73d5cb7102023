"""An ImageNet-pretrained EfficientNet-Lite trunk with an attention block at any stage.

ASH-U is "an off-the-shelf CNN with the attention embedded" (Fang et al., BIBM 2020,
§III-A): this trunk embeds the configured attention block (Eq. (1) for ``attention=ash``)
into EfficientNet-Lite, after a chosen stage, and ends with global average pooling.

References: Tan & Le, "EfficientNet: Rethinking Model Scaling for Convolutional Neural
Networks", ICML 2019; the Lite variants are those of Google's TensorFlow "EfficientNet-Lite"
release (tensorflow/tpu, 2020).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from itertools import groupby
from typing import Any, Literal

import torch
from torch import Tensor, nn

from ash_lightning.nn.attention_factory import AttentionFactory
from ash_lightning.nn.efficientnet_weights import load_efficientnet_lite

Normalization = Literal["efficientnet_lite", "imagenet"]
# Per-channel (mean, std) of images scaled to [0, 1]. EfficientNet-Lite was trained in
# TensorFlow on (pixel - 127) / 128; "imagenet" is torchvision's mean and std.
NORMALIZATIONS: dict[str, tuple[tuple[float, ...], tuple[float, ...]]] = {
    "efficientnet_lite": ((127.0 / 255.0,) * 3, (128.0 / 255.0,) * 3),
    "imagenet": ((0.485, 0.456, 0.406), (0.229, 0.224, 0.225)),
}


class EfficientNetTrunk(nn.Module):
    """EfficientNet-Lite stem and blocks -> attention -> remaining blocks -> head -> pooling.

    The network is cut into sections: 0 is the stem (conv 3 x 3 stride 2 + BN + ReLU6),
    ``1 ... S`` are the MBConv stages (``S = 7``: widths 16, 24, 40, 80, 112, 192, 320 for
    Lite0) and ``S + 1`` is the head (conv 1 x 1 to 1280 + BN + ReLU6). The attention block
    re-weights the feature map after section ``attention_stage``; global average pooling of
    the head's output gives ``N x 1280`` features for the hash head. With ``attention=none``
    and ImageNet weights the features are exactly the package's ``extract_features``
    followed by average pooling.

    Inputs are the project's images scaled to [-1, 1]
    (:func:`ash_lightning.data.image_tensors.to_network_input`); the trunk maps them to the
    normalisation the weights were trained with and repeats grey images to 3 channels.

    Args:
        attention: Builds the attention block from a channel count (``attention=ash``, ...).
        in_channels: Image channels, 1 (repeated to RGB) or 3.
        variant: ``efficientnet-lite0`` ... ``efficientnet-lite4``.
        weights: ``"imagenet"`` (packaged, Lite0 only), ``"none"`` (random initialisation)
            or the path of a local state dict. Never downloaded.
        attention_stage: Section after which the attention sits: 0 (after the stem),
            ``1 ... S`` (after that stage), ``S + 1`` (after the head convolution, directly
            before pooling); ``None``: after the last stage, before the head convolution.
        freeze_stages: Sections ``0 ... freeze_stages`` are frozen (no gradients, batch
            norms kept in eval mode, no drop-connect): -1 freezes nothing, 0 the stem,
            ``n`` the stem and the first ``n`` stages, ``S + 1`` the whole backbone.
        normalization: ``"efficientnet_lite"`` (``(pixel - 127) / 128``, as the TensorFlow
            Lite models were trained) or ``"imagenet"`` (torchvision mean and std).
        drop_connect_rate: Stochastic-depth rate of the last block (scaled linearly with
            depth, as in the package), in training mode only.
        pool: False returns the head's ``N x F x h x w`` map instead of pooled features, so
            that a network attending over it (mirror attention, AGDH) uses the backbone as
            its encoder.
    """

    mean: Tensor
    std: Tensor

    def __init__(
        self,
        attention: AttentionFactory,
        in_channels: int = 3,
        variant: str = "efficientnet-lite0",
        weights: str = "imagenet",
        attention_stage: int | None = None,
        freeze_stages: int = -1,
        normalization: Normalization = "efficientnet_lite",
        drop_connect_rate: float = 0.2,
        pool: bool = True,
    ) -> None:
        super().__init__()
        if in_channels not in (1, 3):
            raise ValueError(f"in_channels={in_channels}: EfficientNet takes 1 (grey) or 3")
        if normalization not in NORMALIZATIONS:
            raise ValueError(
                f"normalization={normalization}: must be one of {', '.join(NORMALIZATIONS)}"
            )
        if not 0.0 <= drop_connect_rate < 1.0:
            raise ValueError(f"drop_connect_rate={drop_connect_rate}: must be in [0, 1)")
        network: Any = load_efficientnet_lite(variant, weights)  # the package is untyped
        self.in_channels = in_channels
        self.variant = variant
        self.stem = nn.Sequential(network._conv_stem, network._bn0, nn.ReLU6())
        self.blocks: nn.ModuleList = network._blocks
        self.stage_ends = _stage_ends(network)
        self.head = nn.Sequential(network._conv_head, network._bn1, nn.ReLU6())
        self.num_stages = len(self.stage_ends)
        # Output channels of each section: stem, stages 1 ... S, head.
        self.section_channels: tuple[int, ...] = (
            int(network._bn0.num_features),
            *(int(network._blocks[end - 1]._bn2.num_features) for end in self.stage_ends),
            int(network._bn1.num_features),
        )
        self.feature_width = self.section_channels[-1]
        last = self.num_stages + 1
        self.attention_stage = self.num_stages if attention_stage is None else attention_stage
        if not 0 <= self.attention_stage <= last:
            raise ValueError(f"attention_stage={attention_stage}: must be in 0 ... {last}")
        if not -1 <= freeze_stages <= last:
            raise ValueError(f"freeze_stages={freeze_stages}: must be in -1 ... {last}")
        self.freeze_stages = freeze_stages
        self.drop_connect_rate = drop_connect_rate
        self.attention = attention(self.section_channels[self.attention_stage])
        self.pool: nn.Module = (
            nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten()) if pool else nn.Identity()
        )
        mean, std = NORMALIZATIONS[normalization]
        self.register_buffer("mean", torch.tensor(mean).view(1, 3, 1, 1), persistent=False)
        self.register_buffer("std", torch.tensor(std).view(1, 3, 1, 1), persistent=False)
        for module in self.frozen_modules():
            module.requires_grad_(False)
        self.reads_prefix_features = False
        self.train(self.training)

    def section_modules(self, section: int) -> list[nn.Module]:
        """One section's modules: 0 the stem, ``1 ... S`` a stage's blocks, ``S + 1`` the head."""
        if section == 0:
            return [self.stem]
        if section <= self.num_stages:
            return [self.blocks[index] for index in self._block_range(section)]
        return [self.head]

    def _block_range(self, stage: int) -> range:
        """Indices of stage ``stage``'s blocks (``1 ... S``)."""
        return range(0 if stage == 1 else self.stage_ends[stage - 2], self.stage_ends[stage - 1])

    def frozen_modules(self) -> Iterator[nn.Module]:
        """The backbone modules that ``freeze_stages`` freezes, stem first."""
        for section in range(self.freeze_stages + 1):
            yield from self.section_modules(section)

    def train(self, mode: bool = True) -> EfficientNetTrunk:
        """Set the training mode, keeping the frozen sections in eval mode.

        Their batch norms then use (and keep) the pretrained running statistics, and
        their blocks skip drop-connect.
        """
        super().train(mode)
        for module in self.frozen_modules():
            module.eval()
        return self

    def normalize(self, images: Tensor) -> Tensor:
        """Map ``[-1, 1]`` images (1 or 3 channels) to the 3-channel input the weights expect."""
        if images.shape[1] == 1:
            images = images.expand(-1, 3, -1, -1)
        elif images.shape[1] != 3:
            raise ValueError(f"EfficientNetTrunk takes 1 or 3 channels, got {images.shape[1]}")
        return ((images + 1.0) * 0.5 - self.mean) / self.std

    @property
    def prefix_end(self) -> int:
        """Last section of the frozen prefix: a fixed function of the image, or -1 if none.

        The frozen sections up to the attention block (which trains): the prefix's output
        for an image never changes during training, so it can be computed once
        (:meth:`prefix_features`) and fed back through :meth:`reading_prefix_features`.
        """
        return min(self.freeze_stages, self.attention_stage)

    def _require_prefix(self) -> None:
        if self.prefix_end < 0:
            raise ValueError("the trunk has no frozen prefix (freeze_stages=-1)")

    def _run_section(self, section: int, x: Tensor) -> Tensor:
        if section == 0:
            return self.stem(x)
        if section <= self.num_stages:
            for index in self._block_range(section):
                rate = self.drop_connect_rate * index / len(self.blocks)
                x = self.blocks[index](x, drop_connect_rate=rate)
            return x
        return self.head(x)

    @torch.no_grad()
    def prefix_features(self, images: Tensor) -> Tensor:
        """The frozen prefix's output (sections ``0 ... prefix_end``) for ``[-1, 1]`` images.

        Raises:
            ValueError: Nothing is frozen (``freeze_stages=-1``).
        """
        self._require_prefix()
        x = self.normalize(images)
        for section in range(self.prefix_end + 1):
            x = self._run_section(section, x)
        return x

    @contextmanager
    def reading_prefix_features(self) -> Iterator[None]:
        """While open, :meth:`forward` takes :meth:`prefix_features` outputs, not images."""
        self._require_prefix()
        self.reads_prefix_features = True
        try:
            yield
        finally:
            self.reads_prefix_features = False

    def forward(self, images: Tensor) -> Tensor:
        """Map ``N x C x H x W`` images in [-1, 1] to pooled ``N x F`` features (or the map).

        Inside :meth:`reading_prefix_features` the input is the frozen prefix's output
        instead, and only the sections after it run.
        """
        if self.reads_prefix_features:
            x, first = images, self.prefix_end + 1
            if self.attention_stage == self.prefix_end:
                x = self.attention(x)
        else:
            x, first = self.normalize(images), 0
        for section in range(first, self.num_stages + 2):
            x = self._run_section(section, x)
            if section == self.attention_stage:
                x = self.attention(x)
        return self.pool(x)


def _stage_ends(network: Any) -> tuple[int, ...]:
    """Index after the last block of each stage (a stage's blocks share their output width)."""
    widths = [int(block._block_args.output_filters) for block in network._blocks]
    ends: list[int] = []
    for _, group in groupby(widths):
        ends.append((ends[-1] if ends else 0) + len(list(group)))
    if len(ends) != len(network._blocks_args):
        raise RuntimeError(
            f"found {len(ends)} stages in the EfficientNet blocks, "
            f"expected {len(network._blocks_args)}"
        )
    return tuple(ends)
