"""The identity "hasher": features kept as real-valued codes, for a cosine kNN reference.

With ``retrieval.binarize=false`` the evaluation ranks real-valued outputs by cosine
distance, so ``ShallowHashingModel(Unhashed(), features)`` is exact cosine k-nearest-
neighbour retrieval on the features: the unhashed upper reference that a hashing method on
the same features (LSH, ITQ, MHF) approximates with K bits.
"""

from __future__ import annotations

import numpy as np

from ash_lightning.shallow.base import ShallowHasher


class Unhashed(ShallowHasher):
    """Codes are the features themselves, optionally minus the training (database) mean.

    Without centring the cosine ranking is plain cosine kNN on the features. Centring turns
    the cosine into a correlation and keeps the sign of each dimension informative
    (non-negative features such as pooled ReLU activations all binarise to ones, so the
    Hamming ranking of uncentred codes is meaningless); it uses the training features only,
    never the labels.

    Attributes:
        bits: The feature dimension ``D`` once fitted (0 before): every dimension is kept.

    Args:
        center: Subtract the training mean.
    """

    def __init__(self, center: bool = False) -> None:
        super().__init__(bits=1)
        self.bits = 0  # unknown until fit: the feature dimension
        self.center = center
        self.mean_: np.ndarray | None = None

    def _fit(self, features: np.ndarray, labels: np.ndarray) -> None:
        """Store the training mean (or zero); the code length becomes the feature dimension."""
        self.mean_ = features.mean(axis=0) if self.center else np.zeros(features.shape[1])
        self.bits = features.shape[1]

    def _encode(self, features: np.ndarray) -> np.ndarray:
        """The (centred) features: ``(N, D)`` real-valued codes."""
        return features - self.mean_
