"""Frozen trunk layers' outputs, computed once per image array and kept on disk.

The file is named by a digest of everything the features depend on (the images, the
prefix's sections, weights and input normalisation, the views, the torch version), so that
every run, deep or shallow, on the same images and weights reads the same file.

A network that encodes each image in several views (mirror attention: the image and its
two mirrors) gets one row per image holding every view's features, concatenated along the
channels in the order of ``views``.
"""

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import torch
from torch import nn

from ash_lightning.data.image_tensors import to_network_input
from ash_lightning.data.sigterm_unwinds import sigterm_unwinds
from ash_lightning.nn.efficientnet_trunk import EfficientNetTrunk
from ash_lightning.nn.weights_digest import weights_sha256

FORMAT = "ash-prefix-features-1"
PLAIN_VIEW: tuple[tuple[int, ...], ...] = ((),)
"""The image alone: no dimension flipped."""


def _chunks(array: np.ndarray, size: int) -> Iterator[np.ndarray]:
    for start in range(0, len(array), size):
        yield array[start : start + size]


def features_key(
    images: np.ndarray,
    trunk: EfficientNetTrunk,
    views: tuple[tuple[int, ...], ...] = PLAIN_VIEW,
) -> str:
    """A digest of ``images``, the views and the trunk's frozen prefix (sections, weights, inputs).

    The plain view leaves the digest as it was before views existed, so that caches written
    then stay valid.
    """
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
    if views != PLAIN_VIEW:
        digest.update(f"views\0{views}\0".encode())
    for chunk in _chunks(images, 1024):
        digest.update(np.ascontiguousarray(chunk).tobytes())
    return digest.hexdigest()[:32]


def _encode_chunks(
    images: np.ndarray,
    trunk: EfficientNetTrunk,
    batch_size: int,
    views: tuple[tuple[int, ...], ...],
) -> Iterator[np.ndarray]:
    """``float32`` features of ``batch_size`` images at a time, every view on the channels."""
    for chunk in _chunks(images, batch_size):
        inputs = to_network_input(chunk)
        encoded = [trunk.prefix_features(inputs.flip(dims) if dims else inputs) for dims in views]
        yield torch.cat(encoded, dim=1).numpy().astype(np.float32, copy=False)


def _encode(
    images: np.ndarray,
    trunk: EfficientNetTrunk,
    batch_size: int,
    views: tuple[tuple[int, ...], ...],
) -> np.ndarray:
    return np.concatenate(list(_encode_chunks(images, trunk, batch_size, views)))


def _read(path: Path, count: int) -> np.ndarray | None:
    """The cached features, memory-mapped, or ``None`` when absent, damaged or of other images."""
    try:
        found = np.load(path, mmap_mode="r")
    except (OSError, ValueError, EOFError):
        return None
    return found if len(found) == count and found.dtype == np.float32 else None


def _write(path: Path, count: int, chunks: Iterator[np.ndarray]) -> None:
    """Write ``count`` rows a chunk at a time to a temporary file, then rename it to ``path``.

    Only one chunk is in memory at once: the three views of a mirror network, for 4,000
    images at 224 px, take 0.8 GB as stage-7 maps and 3 GB as the head's 1,280 channels.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with sigterm_unwinds():
        try:
            first = next(chunks)
            stored = np.lib.format.open_memmap(
                temporary, mode="w+", dtype=np.float32, shape=(count, *first.shape[1:])
            )
            stored[: len(first)] = first
            start = len(first)
            for chunk in chunks:
                stored[start : start + len(chunk)] = chunk
                start += len(chunk)
            stored.flush()
            del stored
            with open(temporary, "rb+") as file:
                os.fsync(file.fileno())
            os.replace(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)


def cached_prefix_features(
    images: np.ndarray,
    trunk: EfficientNetTrunk,
    batch_size: int,
    cache_dir: Path | None,
    views: tuple[tuple[int, ...], ...] = PLAIN_VIEW,
) -> np.ndarray:
    """``float32`` frozen-prefix features of uint8 ``(n, C, H, W)`` images, one row per image.

    Args:
        images: The images.
        trunk: A trunk with a frozen prefix (:attr:`EfficientNetTrunk.prefix_end` >= 0).
        batch_size: Images per forward pass.
        cache_dir: Where the features are kept (``<key>.npy``, memory-mapped when read
            back); ``None`` computes them in memory.
        views: The tensor dimensions each view flips (``()``: the image as it is).

    Returns:
        ``(n, len(views) * F, h, w)`` feature maps, the output of sections
        ``0 ... prefix_end`` for each view, concatenated along the channels.
    """
    if not images.size:
        raise ValueError("no images to encode")
    if cache_dir is None:
        return _encode(images, trunk, batch_size, views)
    path = cache_dir / f"{features_key(images, trunk, views)}.npy"
    found = _read(path, len(images))
    if found is None:
        _write(path, len(images), _encode_chunks(images, trunk, batch_size, views))
        found = _read(path, len(images))
    if found is None:
        raise OSError(f"cannot read back the frozen features written to {path}")
    return found
