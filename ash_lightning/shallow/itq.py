"""Iterative Quantization (ITQ), an unsupervised shallow hashing method cited by ASH.

Gong, Lazebnik, Gordo and Perronnin, "Iterative Quantization: A Procrustean Approach
to Learning Binary Codes for Large-Scale Image Retrieval", IEEE TPAMI 35(12), 2013
(ref. [19] of Fang et al., BIBM 2020, §II). The features are centred and projected on
their top ``bits`` principal directions, ``V = (X - mean) P``; an orthogonal rotation
``R`` is then learned that minimises the quantisation loss ``||B - V R||_F^2`` over
codes ``B in {-1, +1}`` by alternating ``B = sign(V R)`` and the orthogonal Procrustes
solution ``R = U_hat U^T`` for the SVD ``B^T V = U S U_hat^T``.
"""

from __future__ import annotations

import numpy as np

from ash_lightning.shallow.base import ShallowHasher


def _sign(values: np.ndarray) -> np.ndarray:
    """Sign with ``sign(0) := +1``, the binarisation rule of the retrieval evaluation."""
    return np.where(values >= 0, 1.0, -1.0)


class ITQ(ShallowHasher):
    """PCA followed by an iteratively learned rotation that minimises quantisation loss.

    This is PCA-ITQ, §3 of the ITQ paper.

    Args:
        bits: Code length K, at most the feature dimension.
        iterations: Number of alternating ``B``/``R`` updates (50 in the paper).
        seed: Seed of the random orthogonal initial rotation.

    Attributes:
        loss_history_: ``||B - V R||_F^2`` after each iteration, non-increasing.
    """

    def __init__(self, bits: int, iterations: int = 50, seed: int = 0) -> None:
        super().__init__(bits)
        if iterations < 1:
            raise ValueError(f"iterations must be >= 1, got {iterations}")
        self.iterations = iterations
        self.seed = seed
        self.mean_: np.ndarray | None = None
        self.components_: np.ndarray | None = None
        self.rotation_: np.ndarray | None = None
        self.loss_history_: list[float] = []

    def _fit(self, features: np.ndarray, labels: np.ndarray) -> None:
        """Fit PCA (§3.1) and the ITQ rotation by orthogonal Procrustes (§3.2).

        Args:
            features: ``(N, D)`` training features.
            labels: Ignored (unsupervised method).

        Raises:
            ValueError: If ``bits`` exceeds the feature dimension D.
        """
        dim = features.shape[1]
        if self.bits > dim:
            raise ValueError(f"ITQ needs bits <= feature dimension, got bits={self.bits} > {dim}")
        self.mean_ = features.mean(axis=0)
        centred = features - self.mean_
        _, eigenvectors = np.linalg.eigh(centred.T @ centred)
        self.components_ = eigenvectors[:, ::-1][:, : self.bits]
        projected = centred @ self.components_
        gaussian = np.random.default_rng(self.seed).standard_normal((self.bits, self.bits))
        rotation, _ = np.linalg.qr(gaussian)
        self.loss_history_ = []
        for _ in range(self.iterations):
            codes = _sign(projected @ rotation)
            left, _, right_t = np.linalg.svd(codes.T @ projected)
            rotation = right_t.T @ left.T
            self.loss_history_.append(float(np.sum((codes - projected @ rotation) ** 2)))
        self.rotation_ = rotation

    def _encode(self, features: np.ndarray) -> np.ndarray:
        """Relaxed codes ``(x - mean) P R``.

        Args:
            features: ``(N, D)`` features.

        Returns:
            ``(N, bits)`` rotated PCA projections whose signs are the bits.
        """
        return (features - self.mean_) @ self.components_ @ self.rotation_
