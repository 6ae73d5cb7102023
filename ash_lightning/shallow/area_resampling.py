"""Exact area-average resampling matrices for image downsampling.

The shallow baselines hash hand-crafted features; the default feature here is the
image itself, averaged over a coarse grid.
Area resampling treats every pixel as a unit square and every output cell as an
equal share of the image, so it is exact for sizes that do not divide each other.
"""

from __future__ import annotations

import numpy as np


def area_weights(in_size: int, out_size: int) -> np.ndarray:
    """Matrix that maps ``in_size`` samples to ``out_size`` area averages along one axis.

    Output cell ``i`` covers ``[i * s, (i + 1) * s)`` with ``s = in_size / out_size``;
    its weight on input pixel ``p`` (covering ``[p, p + 1)``) is the overlap length
    divided by ``s``. Every row sums to one, so constant images stay constant, and every
    column sums to ``out_size / in_size``, so the mean intensity is preserved.

    Args:
        in_size: Number of input pixels along the axis, ``>= 1``.
        out_size: Number of output cells along the axis, ``>= 1``.

    Returns:
        Float64 matrix of shape ``(out_size, in_size)``.

    Raises:
        ValueError: If a size is smaller than 1.
    """
    if in_size < 1 or out_size < 1:
        raise ValueError(f"sizes must be >= 1, got in_size={in_size}, out_size={out_size}")
    scale = in_size / out_size
    cell_start = np.arange(out_size)[:, None] * scale
    pixel_start = np.arange(in_size)[None, :]
    overlap = np.minimum(cell_start + scale, pixel_start + 1) - np.maximum(cell_start, pixel_start)
    return np.clip(overlap, 0.0, None) / scale
