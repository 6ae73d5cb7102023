"""The class names of one label: a class index, or a multi-hot row."""

from collections.abc import Sequence

import numpy as np


def label_names(label: np.ndarray, class_names: Sequence[str]) -> tuple[str, ...]:
    """The names of a class index (0-d) or of the positive entries of a multi-hot row (1-d).

    Args:
        label: The label.
        class_names: Name of each class.

    Returns:
        One name for a class index; one per positive entry, in class order, for a row.
    """
    if label.ndim == 0:
        return (class_names[int(label)],)
    return tuple(class_names[int(index)] for index in np.flatnonzero(label))
