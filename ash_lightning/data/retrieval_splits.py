"""The three splits every retrieval dataset provides."""

from typing import Protocol

import numpy as np


class RetrievalSplits(Protocol):
    """Database (= training split), validation queries and test queries (paper §IV).

    Images are ``N x C x H x W`` uint8 arrays; labels are ``N`` integers or ``N x C``
    multi-hot arrays.
    """

    database_images: np.ndarray
    database_labels: np.ndarray
    val_images: np.ndarray
    val_labels: np.ndarray
    test_images: np.ndarray
    test_labels: np.ndarray
    class_names: tuple[str, ...]
