"""The frozen layers of a pretrained trunk, encoded once per image instead of every epoch.

With ``frozen_features.precompute=true`` a run encodes each database, validation and test
image once through the trunk's frozen prefix (:attr:`EfficientNetTrunk.prefix_end`), keeps
the feature maps (on disk under ``frozen_features.cache_dir``, shared by later runs with the
same images and weights), and trains and evaluates the sections after it on them. The
trained weights are the whole network's, so the run's checkpoint and index encode images as
any other run's do. Mirror attention encodes each image and its two mirrors; their maps are
stored side by side (:attr:`MirrorTrunk.views`).
"""

import dataclasses
from pathlib import Path

import numpy as np
from pytorch_lightning.utilities import rank_zero_info
from torch import nn

from ash_lightning.data.retrieval_splits import RetrievalSplits
from ash_lightning.nn.efficientnet_trunk import EfficientNetTrunk
from ash_lightning.nn.mirror_trunk import MirrorTrunk
from ash_lightning.nn.prefix_feature_cache import PLAIN_VIEW, cached_prefix_features
from ash_lightning.run.config_check import ConfigError


def frozen_prefix_trunk(net: nn.Module) -> EfficientNetTrunk:
    """The one pretrained trunk of ``net`` whose first sections are frozen.

    Raises:
        ConfigError: ``net`` has no such trunk, or more than one.
    """
    trunks = [module for module in net.modules() if isinstance(module, EfficientNetTrunk)]
    if len(trunks) != 1 or trunks[0].prefix_end < 0:
        raise ConfigError(
            "frozen_features.precompute=true needs a pretrained trunk with frozen layers "
            "(a model=*_pretrained with freeze_stages >= 0)"
        )
    return trunks[0]


def prefix_views(net: nn.Module, trunk: EfficientNetTrunk) -> tuple[tuple[int, ...], ...]:
    """The views of each image that ``net`` passes through ``trunk`` (flipped dimensions).

    Raises:
        ConfigError: Mirror attention flips images before an encoder other than ``trunk``,
            whose stored maps could not stand for the flipped images.
    """
    mirrors = [module for module in net.modules() if isinstance(module, MirrorTrunk)]
    if not mirrors:
        return PLAIN_VIEW
    if len(mirrors) > 1 or mirrors[0].encoder is not trunk:
        raise ConfigError(
            "frozen_features.precompute=true serves mirror attention only when its encoder "
            "is the pretrained trunk"
        )
    return mirrors[0].views


def precompute_frozen_features(
    splits: RetrievalSplits,
    trunk: EfficientNetTrunk,
    batch_size: int,
    cache_dir: Path | None,
    views: tuple[tuple[int, ...], ...] = PLAIN_VIEW,
) -> RetrievalSplits:
    """``splits`` with every image replaced by its ``float32`` frozen-prefix feature map.

    Args:
        splits: The data's splits (uint8 images).
        trunk: The trunk whose frozen prefix encodes them (:func:`frozen_prefix_trunk`).
        batch_size: Images per forward pass.
        cache_dir: Where the features are kept for later runs; ``None``: memory only.
        views: The views of each image whose maps are stored side by side
            (:func:`prefix_views`).

    Returns:
        The same labels and class names, with feature maps in place of the images.
    """
    rank_zero_info("frozen trunk layers: encoding each image once (or reading the cache)")

    def encoded(images: np.ndarray) -> np.ndarray:
        return cached_prefix_features(images, trunk, batch_size, cache_dir, views)

    return dataclasses.replace(
        splits,
        database_images=encoded(splits.database_images),
        val_images=encoded(splits.val_images),
        test_images=encoded(splits.test_images),
    )
