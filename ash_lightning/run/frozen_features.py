"""The frozen layers of a pretrained trunk, encoded once per image instead of every epoch.

With ``frozen_features.precompute=true`` a run encodes each database, validation and test
image once through the trunk's frozen prefix (:attr:`EfficientNetTrunk.prefix_end`), keeps
the feature maps (on disk under ``frozen_features.cache_dir``, shared by later runs with the
same images and weights), and trains and evaluates the sections after it on them. The
trained weights are the whole network's, so the run's checkpoint and index encode images as
any other run's do.
"""

import dataclasses
import hashlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import torch
from pytorch_lightning.utilities import rank_zero_info
from torch import nn

from ash_lightning.data.image_tensors import to_network_input
from ash_lightning.data.retrieval_splits import RetrievalSplits
from ash_lightning.nn.efficientnet_trunk import EfficientNetTrunk
from ash_lightning.run.config_check import ConfigError
from ash_lightning.run.weights_digest import weights_sha256

SPLITS = ("database", "val", "test")
FORMAT = "ash-frozen-features-1"


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


def _split_images(splits: RetrievalSplits) -> dict[str, np.ndarray]:
    return {
        "database": splits.database_images,
        "val": splits.val_images,
        "test": splits.test_images,
    }


def _chunks(array: np.ndarray, size: int) -> Iterator[np.ndarray]:
    for start in range(0, len(array), size):
        yield array[start : start + size]


def features_key(splits: RetrievalSplits, trunk: EfficientNetTrunk) -> str:
    """A digest of everything the features depend on: the images, the prefix and its weights."""
    prefix = nn.ModuleList(
        [
            module
            for section in range(trunk.prefix_end + 1)
            for module in trunk.section_modules(section)
        ]
    )
    digest = hashlib.sha256()
    digest.update(
        f"{FORMAT}\0{torch.__version__}\0{trunk.prefix_end}\0"
        f"{trunk.mean.tolist()}\0{trunk.std.tolist()}\0".encode()
    )
    digest.update(weights_sha256(prefix.state_dict()).encode())
    for name, images in _split_images(splits).items():
        digest.update(f"{name}\0{images.dtype}\0{images.shape}\0".encode())
        for chunk in _chunks(images, 1024):
            digest.update(np.ascontiguousarray(chunk).tobytes())
    return digest.hexdigest()[:32]


def _encode(images: np.ndarray, trunk: EfficientNetTrunk, batch_size: int) -> np.ndarray:
    outputs = [
        trunk.prefix_features(to_network_input(chunk)).numpy()
        for chunk in _chunks(images, batch_size)
    ]
    return np.concatenate(outputs).astype(np.float32, copy=False)


def _read(folder: Path, splits: RetrievalSplits) -> dict[str, np.ndarray] | None:
    """The cached features, memory-mapped, or ``None`` when absent or not these splits'."""
    try:
        found = {name: np.load(folder / f"{name}.npy", mmap_mode="r") for name in SPLITS}
    except (OSError, ValueError):
        return None
    images = _split_images(splits)
    if any(len(found[name]) != len(images[name]) for name in SPLITS):
        return None
    return found


def _write(folder: Path, features: dict[str, np.ndarray]) -> None:
    """Write the three arrays into a temporary folder, then rename it into place."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    temporary = folder.parent / f".{folder.name}.{os.getpid()}.tmp"
    shutil.rmtree(temporary, ignore_errors=True)
    temporary.mkdir()
    try:
        for name, array in features.items():
            with open(temporary / f"{name}.npy", "wb") as file:
                np.save(file, array)
                file.flush()
                os.fsync(file.fileno())
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(temporary, folder)
    finally:
        shutil.rmtree(temporary, ignore_errors=True)


def precompute_frozen_features(
    splits: RetrievalSplits,
    trunk: EfficientNetTrunk,
    batch_size: int,
    cache_dir: Path | None,
) -> RetrievalSplits:
    """``splits`` with every image replaced by its ``float32`` frozen-prefix feature map.

    Args:
        splits: The data's splits (uint8 images).
        trunk: The trunk whose frozen prefix encodes them (:func:`frozen_prefix_trunk`).
        batch_size: Images per forward pass.
        cache_dir: Where the features are kept for later runs (a folder per
            :func:`features_key`); ``None`` keeps them in memory only.

    Returns:
        The same labels and class names, with feature maps in place of the images.
    """
    folder = None if cache_dir is None else cache_dir / features_key(splits, trunk)
    found = None if folder is None else _read(folder, splits)
    if found is None:
        rank_zero_info("encoding the frozen trunk layers once per image")
        found = {
            name: _encode(images, trunk, batch_size)
            for name, images in _split_images(splits).items()
        }
        if folder is not None:
            _write(folder, found)
    return dataclasses.replace(
        splits,
        database_images=found["database"],
        val_images=found["val"],
        test_images=found["test"],
    )
