"""Raw downsampled pixels: the default hand-crafted feature of the shallow baselines.

Fang et al. (BIBM 2020, §IV-B, Fig. 3) run LSH and MHF on hand-crafted features;
which features they used is not stated. The default here is the image averaged over
a ``size x size`` grid, a simple, label-free description of global appearance.
"""

from __future__ import annotations

import numpy as np

from ash_lightning.shallow.area_resampling import area_weights

_CHUNK = 512


class RawPixelFeatures:
    """Area-average images to ``size x size`` and flatten them, scaled to [0, 1].

    Args:
        size: Side of the output grid, ``>= 1``.
        chunk_size: Images processed at once, bounding the float32 working memory.
    """

    def __init__(self, size: int = 16, chunk_size: int = _CHUNK) -> None:
        if size < 1:
            raise ValueError(f"size must be >= 1, got {size}")
        if chunk_size < 1:
            raise ValueError(f"chunk_size must be >= 1, got {chunk_size}")
        self.size = size
        self.chunk_size = chunk_size

    def __call__(self, images: np.ndarray) -> np.ndarray:
        """Features of a batch of images.

        Each channel is resampled exactly by area averaging (see
        :func:`ash_lightning.shallow.area_resampling.area_weights`), so ``H`` and ``W``
        need not be multiples of ``size``.

        Args:
            images: uint8 array of shape ``(n, C, H, W)``.

        Returns:
            float32 array of shape ``(n, C * size * size)`` with values in [0, 1],
            ordered channel, row, column.

        Raises:
            ValueError: If ``images`` is not a 4-D uint8 array.
        """
        images = np.asarray(images)
        if images.ndim != 4:
            raise ValueError(f"images must have shape (n, C, H, W), got {images.shape}")
        if images.dtype != np.uint8:
            raise ValueError(f"images must be uint8, got dtype {images.dtype}")
        n, channels, height, width = images.shape
        rows = (area_weights(height, self.size) / 255.0).astype(np.float32)
        cols = area_weights(width, self.size).T.astype(np.float32)
        out = np.empty((n, channels * self.size * self.size), dtype=np.float32)
        for start in range(0, n, self.chunk_size):
            chunk = images[start : start + self.chunk_size].astype(np.float32)
            pooled = rows @ (chunk @ cols)
            out[start : start + self.chunk_size] = pooled.reshape(chunk.shape[0], -1)
        return np.clip(out, 0.0, 1.0, out=out)
