"""Argument checks shared by the retrieval modules."""

from __future__ import annotations

import numpy as np


def require_2d(array: np.ndarray, name: str) -> np.ndarray:
    """Return ``array`` as an ndarray after checking that it is two-dimensional.

    Args:
        array: The array to check.
        name: The argument name used in the error message.

    Returns:
        ``array`` converted with :func:`numpy.asarray`.

    Raises:
        ValueError: If ``array`` is not 2-D.
    """
    array = np.asarray(array)
    if array.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array, got shape {array.shape}")
    return array


def clip_k(k: int, database_size: int) -> int:
    """Clip a requested ranking depth to the database size.

    Args:
        k: Requested number of ranked items per query.
        database_size: Number of items in the database.

    Returns:
        ``min(k, database_size)``.

    Raises:
        ValueError: If ``k < 1``.
    """
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    return min(int(k), database_size)
