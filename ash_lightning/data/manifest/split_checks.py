"""Check that a split can be evaluated: every query label is findable in the database."""

from __future__ import annotations

from collections import Counter
from typing import cast

import numpy as np

from ash_lightning.data.manifest.errors import ManifestError

_QUERY_SPLITS = ("test", "val")


def check_splits(
    labels: np.ndarray, indices: dict[str, np.ndarray], class_names: tuple[str, ...]
) -> None:
    """Reject splits whose queries cannot retrieve any relevant database image.

    A single-label query needs its class in the database; a multi-hot query needs at least one
    of its labels there. The ``"val"`` split may be missing or empty.

    Args:
        labels: ``(n,)`` class indices or ``(n, C)`` multi-hot labels.
        indices: Row indices under ``"database"``, ``"test"`` and optionally ``"val"``.
        class_names: Label names, indexed by class id.

    Raises:
        ManifestError: The database or test split is empty, or a query label has no database
            image.
    """
    for name in ("database", "test"):
        if len(indices.get(name, ())) == 0:
            raise ManifestError(f"the {name} split is empty")
    in_database = _classes_present(labels[indices["database"]], len(class_names))
    for split in _QUERY_SPLITS:
        queries = labels[indices.get(split, np.empty(0, dtype=np.int64))]
        orphans = _orphan_label_counts(queries, in_database)
        if orphans:
            raise ManifestError(_orphan_message(split, orphans, class_names))


def _classes_present(labels: np.ndarray, num_classes: int) -> np.ndarray:
    """Boolean mask over classes that occur in ``labels``."""
    if labels.ndim == 1:
        return np.bincount(labels, minlength=num_classes) > 0
    # numpy's stubs allow a scalar result for any(axis=0); on a 2-D array it is 1-D.
    return cast(np.ndarray, labels.any(axis=0))


def _orphan_label_counts(queries: np.ndarray, in_database: np.ndarray) -> Counter[int]:
    """Per class id, how many queries have none of their labels in the database."""
    if queries.ndim == 1:
        return Counter(int(c) for c in queries if not in_database[c])
    hits = queries.astype(bool)
    orphaned = hits.any(axis=1) & ~(hits & in_database).any(axis=1)
    return Counter(int(c) for c in np.nonzero(hits[orphaned])[1])


def _orphan_message(split: str, orphans: Counter[int], class_names: tuple[str, ...]) -> str:
    """One line naming each orphaned query label and its query count."""
    counts = {class_names[c]: f"{n} {'query' if n == 1 else 'queries'}" for c, n in orphans.items()}
    if len(counts) == 1:
        ((name, count),) = counts.items()
        return f"{split} query label {name!r} has no database image ({count})"
    listed = ", ".join(f"{name!r} ({count})" for name, count in sorted(counts.items()))
    return f"{split} query labels have no database image: {listed}"
