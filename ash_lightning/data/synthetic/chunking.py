"""Deterministic, chunked and threaded rendering of a batch of synthetic images.

The synthetic data sets are rendered in chunks, all images of a chunk at once; the chunk size
depends only on the image size. Chunk ``i`` draws from its own generator, spawned as child
``i`` of ``SeedSequence(seed)``, so the output is byte-identical whatever the number of threads
(NumPy releases the GIL in its array loops, so chunks render in parallel on the available
cores).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ash_lightning.data.synthetic.workspace import Workspace

#: Pixels per image plane of a chunk (32 images of 128 x 128): small enough for the
#: chunk's float32 planes to stay in cache, large enough to amortise per-call overheads.
CHUNK_PIXELS = 32 * 128 * 128

#: Renders one chunk: ``(rng, label rows of the chunk, uint8 output (m, C, S, S), workspace)``.
ChunkRenderer = Callable[[np.random.Generator, np.ndarray, np.ndarray, Workspace], None]


def _worker_count() -> int:
    """Number of CPU cores this process may use."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def chunk_size(image_size: int) -> int:
    """Images per chunk for a given image side (a function of the side only, for determinism)."""
    return max(1, CHUNK_PIXELS // (image_size * image_size))


def validate_labels(labels: np.ndarray, num_classes: int) -> np.ndarray:
    """Checks that labels are a 1-D array of integers in ``[0, num_classes)``.

    Args:
        labels: Candidate labels.
        num_classes: Number of classes or grades.

    Returns:
        The labels as an int64 array.

    Raises:
        ValueError: If the labels are not 1-D integers in range.
    """
    array = np.asarray(labels)
    if array.ndim != 1 or (array.size and not np.issubdtype(array.dtype, np.integer)):
        raise ValueError(f"labels must be a 1-D integer array, got {array.dtype} {array.shape}")
    if array.size and (array.min() < 0 or array.max() >= num_classes):
        raise ValueError(f"labels must lie in [0, {num_classes}), got {array.min()}..{array.max()}")
    return array.astype(np.int64)


def validate_multi_hot(labels: np.ndarray, num_labels: int) -> np.ndarray:
    """Checks that labels are an ``(n, num_labels)`` array of zeros and ones.

    Args:
        labels: Candidate multi-hot labels (integer or boolean).
        num_labels: Number of labels per row.

    Returns:
        The labels as a uint8 array.

    Raises:
        ValueError: If the labels are not a 2-D 0/1 array with ``num_labels`` columns.
    """
    array = np.asarray(labels)
    if array.ndim != 2 or array.shape[1] != num_labels:
        raise ValueError(f"multi-hot labels must have shape (n, {num_labels}), got {array.shape}")
    if array.size and not (
        (np.issubdtype(array.dtype, np.integer) or array.dtype == np.bool_)
        and np.isin(array, (0, 1)).all()
    ):
        raise ValueError(f"multi-hot labels must be integers 0 or 1, got {array.dtype} values")
    return array.astype(np.uint8)


def render_in_chunks(
    labels: np.ndarray,
    image_size: int,
    seed: int,
    channels: int,
    render_chunk: ChunkRenderer,
) -> np.ndarray:
    """Renders ``len(labels)`` images chunk by chunk, in parallel threads.

    Args:
        labels: Validated labels, one row per image: shape ``(n,)`` or ``(n, L)``.
        image_size: Side ``S`` of the square images, in pixels.
        seed: Non-negative seed; chunk ``i`` uses child ``i`` of ``SeedSequence(seed)``.
        channels: Number of channels ``C`` the renderer produces.
        render_chunk: Renderer of one chunk.

    Returns:
        Uint8 images of shape ``(n, C, S, S)``.

    Raises:
        ValueError: If ``image_size`` is smaller than 8 pixels.
    """
    if image_size < 8:
        raise ValueError(f"image_size must be at least 8 pixels, got {image_size}")
    count = len(labels)
    images = np.empty((count, channels, image_size, image_size), dtype=np.uint8)
    chunk = chunk_size(image_size)
    starts = range(0, count, chunk)
    seeds = np.random.SeedSequence(seed).spawn(len(starts))
    local = threading.local()

    def work(index: int) -> None:
        if not hasattr(local, "workspace"):
            local.workspace = Workspace()
        start = starts[index]
        stop = min(start + chunk, count)
        rng = np.random.default_rng(seeds[index])
        render_chunk(rng, labels[start:stop], images[start:stop], local.workspace)

    workers = min(_worker_count(), max(1, len(starts)))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(work, range(len(starts))))
    return images
