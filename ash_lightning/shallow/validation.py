"""Argument checks shared by the shallow hashing baselines.

The shallow baselines learn hash functions from feature matrices and class labels;
these helpers give every hasher the same input contract.
"""

from __future__ import annotations

import numpy as np


def check_bits(bits: int) -> int:
    """Return ``bits`` after checking that it is a positive integer code length.

    Args:
        bits: Requested code length K.

    Returns:
        ``bits`` as a Python ``int``.

    Raises:
        ValueError: If ``bits`` is not an integer or is smaller than 1.
    """
    if isinstance(bits, bool) or not isinstance(bits, int | np.integer):
        raise ValueError(f"bits must be an integer, got {bits!r}")
    if bits < 1:
        raise ValueError(f"bits must be >= 1, got {bits}")
    return int(bits)


def check_features(features: np.ndarray, name: str = "features") -> np.ndarray:
    """Return ``features`` as a finite float64 ``(N, D)`` matrix.

    Args:
        features: Feature matrix, one row per image.
        name: Argument name used in error messages.

    Returns:
        The features as a C-contiguous float64 array.

    Raises:
        ValueError: If the array is not 2-D, has no rows or columns, or is not finite.
    """
    array = np.asarray(features)
    if array.ndim != 2 or array.shape[0] == 0 or array.shape[1] == 0:
        raise ValueError(f"{name} must be a non-empty 2-D array (N, D), got shape {array.shape}")
    array = np.ascontiguousarray(array, dtype=np.float64)
    if not np.isfinite(array).all():
        raise ValueError(f"{name} contain NaN or infinite values")
    return array


def check_labels(labels: np.ndarray, n_samples: int) -> np.ndarray:
    """Return ``labels`` after checking they are ``(N,)`` classes or ``(N, C)`` multi-hot.

    Args:
        labels: ``(N,)`` integer classes or ``(N, C)`` {0, 1} label vectors.
        n_samples: Number of feature rows N the labels must match.

    Returns:
        ``labels`` as an ndarray.

    Raises:
        ValueError: If the shape does not match or the values are of the wrong kind.
    """
    array = np.asarray(labels)
    if array.ndim not in (1, 2) or array.shape[0] != n_samples:
        raise ValueError(
            f"labels must have shape (N,) or (N, C) with N = {n_samples}, got {array.shape}"
        )
    if array.ndim == 1 and not np.issubdtype(array.dtype, np.integer):
        raise ValueError(f"1-D labels must be integer classes, got dtype {array.dtype}")
    if array.ndim == 2 and not np.isin(array, (0, 1)).all():
        raise ValueError("2-D (multi-label) labels must contain only 0 and 1")
    return array


def label_matrix(labels: np.ndarray) -> np.ndarray:
    """Convert checked labels to a boolean ``(N, C)`` label-membership matrix.

    Two images are similar when their rows share a ``True`` column, the relevance rule of
    the retrieval evaluation for single- and multi-label data.

    Args:
        labels: ``(N,)`` integer classes or ``(N, C)`` {0, 1} label vectors.

    Returns:
        Boolean matrix with one column per class present (1-D input) or per label column.
    """
    array = np.asarray(labels)
    if array.ndim == 2:
        return array.astype(bool)
    classes, index = np.unique(array, return_inverse=True)
    one_hot = np.zeros((array.shape[0], classes.size), dtype=bool)
    one_hot[np.arange(array.shape[0]), index] = True
    return one_hot
