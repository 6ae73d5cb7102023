"""The three splits every retrieval dataset provides."""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class RetrievalSplits:
    """Database (= training split), validation queries and test queries (paper §IV).

    Shared by the synthetic generators and the manifest datasets. Images are
    ``N x C x H x W`` uint8 arrays; labels are ``N`` integers or ``N x C`` multi-hot arrays.

    Attributes:
        database_images: Training split, also the retrieval database.
        database_labels: Labels of the database images.
        val_images: Validation queries.
        val_labels: Labels of the validation queries.
        test_images: Test queries (the paper's query set).
        test_labels: Labels of the test queries.
        class_names: Name of each label.
    """

    database_images: np.ndarray
    database_labels: np.ndarray
    val_images: np.ndarray
    val_labels: np.ndarray
    test_images: np.ndarray
    test_labels: np.ndarray
    class_names: tuple[str, ...]
