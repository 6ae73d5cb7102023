"""Frozen ImageNet EfficientNet-Lite features for the shallow hashers and the kNN reference.

The shallow baselines of Fang et al. (BIBM 2020, §II, §IV-B) hash hand-crafted features;
this extractor gives them the pooled features of an ImageNet-pretrained network instead, the
off-the-shelf two-stage setting, beside raw pixels and the trunk of a trained run.

References: Tan & Le, "EfficientNet: Rethinking Model Scaling for Convolutional Neural
Networks", ICML 2019; the Lite variants of Google's TensorFlow "EfficientNet-Lite" release.
"""

from pathlib import Path

import numpy as np
import torch

from ash_lightning.data.image_tensors import to_network_input
from ash_lightning.nn.efficientnet_trunk import EfficientNetTrunk, Normalization
from ash_lightning.nn.no_attention import NoAttention
from ash_lightning.nn.prefix_feature_cache import cached_prefix_features

# The whole backbone, head convolution included, is the frozen prefix (Lite0 ... Lite4 have
# 7 stages): its feature maps are those ``frozen_features.precompute=true`` keeps for a
# deep recipe on the same frozen trunk, so both read one cache file.
WHOLE_BACKBONE = 8


class PretrainedFeatures:
    """Globally average-pooled EfficientNet-Lite features, frozen (eval mode, no gradients).

    Args:
        variant: ``efficientnet-lite0`` ... ``efficientnet-lite4``.
        weights: ``"imagenet"`` (packaged, Lite0 only), ``"none"`` or a local state dict path.
        normalization: The input normalisation, see
            :class:`~ash_lightning.nn.efficientnet_trunk.EfficientNetTrunk`.
        batch_size: Images per forward pass.
        cache_dir: Keep the backbone's feature maps here for later runs on the same images
            (:func:`~ash_lightning.nn.prefix_feature_cache.cached_prefix_features`);
            ``None`` computes them every time.
    """

    def __init__(
        self,
        variant: str = "efficientnet-lite0",
        weights: str = "imagenet",
        normalization: Normalization = "efficientnet_lite",
        batch_size: int = 256,
        cache_dir: str | Path | None = None,
    ) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        trunk = EfficientNetTrunk(
            NoAttention,
            variant=variant,
            weights=weights,
            normalization=normalization,
            attention_stage=WHOLE_BACKBONE,
            freeze_stages=WHOLE_BACKBONE,
        )
        self.trunk = trunk.requires_grad_(False).eval()
        self.batch_size = batch_size
        self.cache_dir = None if cache_dir is None else Path(cache_dir)

    @property
    def dimension(self) -> int:
        """Width ``F`` of the features (1280 for every Lite variant)."""
        return self.trunk.feature_width

    def __call__(self, images: np.ndarray) -> np.ndarray:
        """Map uint8 ``(n, C, H, W)`` images (``C`` 1 or 3) to float32 ``(n, F)`` features."""
        images = np.asarray(images)
        if images.ndim != 4 or images.dtype != np.uint8:
            raise ValueError(
                f"images must be a uint8 (n, C, H, W) array, got {images.dtype} {images.shape}"
            )
        out = np.empty((len(images), self.dimension), dtype=np.float32)
        maps = (
            None
            if self.cache_dir is None
            else cached_prefix_features(images, self.trunk, self.batch_size, self.cache_dir)
        )
        with torch.inference_mode():
            for start in range(0, len(images), self.batch_size):
                end = start + self.batch_size
                out[start:end] = (
                    self.trunk(to_network_input(images[start:end]))
                    if maps is None
                    else self.trunk.pool(torch.from_numpy(np.array(maps[start:end])))
                ).numpy()
        return out
