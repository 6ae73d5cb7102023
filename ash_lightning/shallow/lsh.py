"""Random-hyperplane locality-sensitive hashing, the data-independent baseline of ASH.

Fang et al. (BIBM 2020, §IV-B, Fig. 3) compare against LSH (their ref. [16], Slaney &
Casey, IEEE Signal Processing Magazine 2008). The hash family is Charikar's (STOC
2002) random hyperplanes: bit k of x is ``sign(w_k . x)`` with ``w_k ~ N(0, I)``, and
two vectors at angle theta differ in each bit with probability ``theta / pi``.

The authors used scikit-learn's ``LSHForest``, whose hasher was this Gaussian random
projection (on uncentred data, approximating cosine distance); ``LSHForest`` was
deprecated in scikit-learn 0.19 and removed in 0.21. ``LSH(center=False)`` is that hash
family. Faiss ``IndexLSH`` (random rotation, then sign) is the same family, but it
returns only packed bits, not the relaxed projections this package's evaluation takes,
and it draws its rotation from a fixed internal seed, so plain NumPy is used instead.
"""

from __future__ import annotations

import numpy as np

from ash_lightning.shallow.base import ShallowHasher


class LSH(ShallowHasher):
    """Gaussian random-hyperplane LSH with an optional training-mean shift.

    Codes are ``(x - m) @ W`` with ``W`` a ``D x bits`` standard Gaussian matrix drawn
    from ``numpy.random.default_rng(seed)`` and ``m`` the training mean (``center=True``)
    or zero. Centring uses the training features but never the labels, so the method stays
    label-free; it makes the hyperplanes pass through the data rather than the origin,
    which balances the bits for non-negative features such as pixels.

    Args:
        bits: Code length K.
        seed: Seed of the random hyperplanes.
        center: Subtract the training mean before projecting.
    """

    def __init__(self, bits: int, seed: int = 0, center: bool = True) -> None:
        super().__init__(bits)
        self.seed = seed
        self.center = center
        self.mean_: np.ndarray | None = None
        self.projection_: np.ndarray | None = None

    def _fit(self, features: np.ndarray, labels: np.ndarray) -> None:
        """Draw the hyperplanes and, if centring, store the training mean.

        Args:
            features: ``(N, D)`` training features.
            labels: Ignored (data-independent method).
        """
        dim = features.shape[1]
        self.mean_ = features.mean(axis=0) if self.center else np.zeros(dim)
        self.projection_ = np.random.default_rng(self.seed).standard_normal((dim, self.bits))

    def _encode(self, features: np.ndarray) -> np.ndarray:
        """Project onto the hyperplane normals: ``(x - m) @ W``.

        Args:
            features: ``(N, D)`` features.

        Returns:
            ``(N, bits)`` projections whose signs are the bits.
        """
        return (features - self.mean_) @ self.projection_
