"""A shallow hashing baseline on images: a feature extractor followed by a hasher.

Fang et al. (BIBM 2020, §II and §IV-B) describe shallow methods as two-stage: hand-
crafted features are extracted first, then a hash function is learned on them. This
is the object a Hydra ``model=lsh`` (or ``itq``, ``mhf``) configuration instantiates;
the training entry point fits it on the database split and encodes the queries and
the database for :func:`ash_lightning.retrieval.evaluate_retrieval`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ash_lightning.shallow.base import ShallowHasher


class ShallowHashingModel:
    """Two-stage hashing: ``hasher(features(images))``.

    Args:
        hasher: The hash function learner, e.g. :class:`~ash_lightning.shallow.lsh.LSH`.
        features: Maps uint8 images ``(n, C, H, W)`` to ``(n, D)`` features, e.g.
            :class:`~ash_lightning.shallow.features.RawPixelFeatures`.
    """

    def __init__(self, hasher: ShallowHasher, features: Callable[[np.ndarray], np.ndarray]) -> None:
        self.hasher = hasher
        self.features = features

    @property
    def bits(self) -> int:
        """Code length K of the hasher."""
        return self.hasher.bits

    def fit(self, images: np.ndarray, labels: np.ndarray) -> ShallowHashingModel:
        """Extract features of the training images (the database) and fit the hasher on them.

        Args:
            images: uint8 training images ``(n, C, H, W)``.
            labels: ``(n,)`` integer classes or ``(n, C)`` multi-hot labels.

        Returns:
            ``self``, fitted.
        """
        self.hasher.fit(self.features(images), labels)
        return self

    def encode(self, images: np.ndarray) -> np.ndarray:
        """Relaxed codes of images; the sign of each value is its bit.

        Args:
            images: uint8 images ``(n, C, H, W)``.

        Returns:
            ``(n, bits)`` float32 relaxed codes.

        Raises:
            RuntimeError: If called before :meth:`fit`.
        """
        return self.hasher.encode(self.features(images))
