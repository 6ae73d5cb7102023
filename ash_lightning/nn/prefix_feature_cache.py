"""Frozen trunk layers' outputs, computed once per image array and kept on disk.

The file is named by a digest of everything the features depend on (the images, the
prefix's sections, weights and input normalisation, the torch version), so that every run,
deep or shallow, on the same images and weights reads the same file.
"""

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import torch
from torch import nn

from ash_lightning.data.image_tensors import to_network_input
from ash_lightning.nn.efficientnet_trunk import EfficientNetTrunk
from ash_lightning.nn.weights_digest import weights_sha256

FORMAT = "ash-prefix-features-1"


def _chunks(array: np.ndarray, size: int) -> Iterator[np.ndarray]:
    for start in range(0, len(array), size):
        yield array[start : start + size]


def features_key(images: np.ndarray, trunk: EfficientNetTrunk) -> str:
    """A digest of ``images`` and of the trunk's frozen prefix (sections, weights, inputs)."""
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
    digest.update(f"{images.dtype}\0{images.shape}\0".encode())
    for chunk in _chunks(images, 1024):
        digest.update(np.ascontiguousarray(chunk).tobytes())
    return digest.hexdigest()[:32]


def _encode(images: np.ndarray, trunk: EfficientNetTrunk, batch_size: int) -> np.ndarray:
    outputs = [
        trunk.prefix_features(to_network_input(chunk)).numpy()
        for chunk in _chunks(images, batch_size)
    ]
    return np.concatenate(outputs).astype(np.float32, copy=False)


def _read(path: Path, count: int) -> np.ndarray | None:
    """The cached features, memory-mapped, or ``None`` when absent, damaged or of other images."""
    try:
        found = np.load(path, mmap_mode="r")
    except (OSError, ValueError, EOFError):
        return None
    return found if len(found) == count and found.dtype == np.float32 else None


def _write(path: Path, features: np.ndarray) -> None:
    """Write to a temporary file beside ``path``, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "wb") as file:
            np.save(file, features)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def cached_prefix_features(
    images: np.ndarray, trunk: EfficientNetTrunk, batch_size: int, cache_dir: Path | None
) -> np.ndarray:
    """``float32`` frozen-prefix features of uint8 ``(n, C, H, W)`` images, one per image.

    Args:
        images: The images.
        trunk: A trunk with a frozen prefix (:attr:`EfficientNetTrunk.prefix_end` >= 0).
        batch_size: Images per forward pass.
        cache_dir: Where the features are kept (``<key>.npy``, memory-mapped when read
            back); ``None`` computes them in memory.

    Returns:
        ``(n, F, h, w)`` feature maps, the output of sections ``0 ... prefix_end``.
    """
    if cache_dir is None:
        return _encode(images, trunk, batch_size)
    path = cache_dir / f"{features_key(images, trunk)}.npy"
    found = _read(path, len(images))
    if found is None:
        _write(path, _encode(images, trunk, batch_size))
        found = _read(path, len(images))
    if found is None:
        raise OSError(f"cannot read back the frozen features written to {path}")
    return found
