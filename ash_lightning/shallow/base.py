"""Common interface of the shallow (non-deep) hashing baselines of ASH.

The shallow baselines (LSH, data-independent; MHF and ITQ, learned) hash hand-crafted
image features. Every baseline here outputs relaxed ``N x K`` values whose sign is the
bit (``>= 0`` means 1), so the codes go through the same retrieval evaluation
(:func:`ash_lightning.retrieval.evaluate_retrieval`) as the deep methods.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np

from ash_lightning.shallow.validation import check_bits, check_features, check_labels


class ShallowHasher(ABC):
    """A hash function learned (or drawn) from a feature matrix.

    Subclasses implement :meth:`_fit` and :meth:`_encode`; this class checks the
    inputs, remembers the feature dimension and refuses to encode before fitting.

    Attributes:
        bits: Code length K.
    """

    def __init__(self, bits: int) -> None:
        self.bits = check_bits(bits)
        self._dim: int | None = None

    @property
    def is_fitted(self) -> bool:
        """Whether :meth:`fit` has been called."""
        return self._dim is not None

    def fit(self, features: np.ndarray, labels: np.ndarray) -> ShallowHasher:
        """Learn the hash function from training features (the retrieval database).

        Args:
            features: ``(N, D)`` training features.
            labels: ``(N,)`` integer classes or ``(N, C)`` multi-hot labels; ignored by
                unsupervised and data-independent methods.

        Returns:
            ``self``, fitted.

        Raises:
            ValueError: If the features or labels are malformed, or the method cannot
                produce ``bits`` bits from them.
        """
        matrix = check_features(features)
        checked_labels = check_labels(labels, matrix.shape[0])
        self._fit(matrix, checked_labels)
        self._dim = matrix.shape[1]
        return self

    def encode(self, features: np.ndarray) -> np.ndarray:
        """Relaxed codes of ``features``; the sign of each value is its bit (§III-B).

        Args:
            features: ``(N, D)`` features with the dimension seen in :meth:`fit`.

        Returns:
            ``(N, bits)`` float32 values; ``value >= 0`` means bit 1.

        Raises:
            RuntimeError: If called before :meth:`fit`.
            ValueError: If the features are malformed or of the wrong dimension.
        """
        if self._dim is None:
            raise RuntimeError(f"{type(self).__name__}.encode called before fit")
        matrix = check_features(features)
        if matrix.shape[1] != self._dim:
            raise ValueError(
                f"features have dimension {matrix.shape[1]}, the hasher was fitted on {self._dim}"
            )
        return np.ascontiguousarray(self._encode(matrix), dtype=np.float32)

    @abstractmethod
    def _fit(self, features: np.ndarray, labels: np.ndarray) -> None:
        """Learn the method's parameters from checked float64 features and labels."""

    @abstractmethod
    def _encode(self, features: np.ndarray) -> np.ndarray:
        """Relaxed ``(N, bits)`` codes of checked float64 features."""
