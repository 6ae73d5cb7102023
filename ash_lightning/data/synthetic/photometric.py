"""Photometric nuisance: pixel noise and per-image re-standardisation to uint8.

Attention hashing is motivated by images whose classes share the overall appearance. The
synthetic generators enforce this by construction: after drawing an image,
each channel is affinely re-standardised to a target mean and standard deviation drawn from a
label-independent distribution, so global first- and second-order statistics carry no label.
"""

from __future__ import annotations

import numpy as np

_UNIT_SPAN = np.float32(2.0 * np.sqrt(3.0))


def unit_noise(rng: np.random.Generator, out: np.ndarray) -> np.ndarray:
    """Zero-mean, unit-variance uniform noise, drawn in place (no allocation).

    Args:
        rng: Random generator.
        out: Float32 output array of any shape; overwritten.

    Returns:
        ``out``, with values in ``[-sqrt(3), sqrt(3))``.
    """
    rng.random(dtype=np.float32, out=out)
    out -= np.float32(0.5)
    out *= _UNIT_SPAN
    return out


def draw_targets(
    rng: np.random.Generator,
    n: int,
    mean_range: np.ndarray,
    std_ratio_range: tuple[float, float],
) -> tuple[np.ndarray, np.ndarray]:
    """Draws label-independent target statistics for `standardise_to_uint8`.

    One brightness factor is shared by the channels of an image (so colours stay plausible)
    and each channel gets a small independent jitter; the standard deviation is a random
    fraction of the mean (the contrast).

    Args:
        rng: Random generator.
        n: Number of images.
        mean_range: Per-channel ``[low, high]`` intervals of the target mean, shape ``(C, 2)``.
        std_ratio_range: Interval of the ratio ``std / mean``.

    Returns:
        ``(mean, std)``, each float32 of shape ``(n, C)``.
    """
    low, high = mean_range[:, 0], mean_range[:, 1]
    brightness = rng.random((n, 1))
    jitter = rng.uniform(-0.15, 0.15, (n, low.size))
    mean = low + (high - low) * np.clip(brightness + jitter, 0.0, 1.0)
    ratio = rng.uniform(std_ratio_range[0], std_ratio_range[1], (n, 1))
    ratio = ratio * rng.uniform(0.95, 1.05, (n, low.size))
    return mean.astype(np.float32), (mean * ratio).astype(np.float32)


def standardise_to_uint8(
    images: np.ndarray, target_mean: np.ndarray, target_std: np.ndarray, out: np.ndarray
) -> np.ndarray:
    """Affinely maps each image channel to a target mean and std, then rounds to uint8.

    Args:
        images: C-contiguous float32 images, shape ``(n, C, H, W)``; overwritten.
        target_mean: Target means, shape ``(n, C)``; keep well inside ``[0, 255]``.
        target_std: Target standard deviations, shape ``(n, C)``.
        out: C-contiguous uint8 output, shape ``(n, C, H, W)``.

    Returns:
        ``out``, whose channel statistics equal the targets up to rounding (and the rare
        clipping of extreme pixels).
    """
    n, c = images.shape[:2]
    flat = images.reshape(n * c, -1)
    count = flat.shape[1]
    mean = flat.sum(axis=1, dtype=np.float64) / count
    mean_sq = np.einsum("ij,ij->i", flat, flat).astype(np.float64) / count
    std = np.sqrt(np.maximum(mean_sq - mean**2, 1e-12))
    gain = target_std.reshape(-1) / std
    offset = target_mean.reshape(-1) - mean * gain + 0.5
    flat *= gain.astype(np.float32)[:, None]
    flat += offset.astype(np.float32)[:, None]
    np.clip(flat, 0.0, 255.0, out=flat)
    np.copyto(out.reshape(n * c, -1), flat, casting="unsafe")
    return out
