"""The split of every built case, as the run's manifest data module assigns it.

The rows are split by :func:`~ash_lightning.data.manifest.row_splits`, the function the
data module uses, with the data configuration's ``query_fraction``, ``val_fraction`` and
``split_seed``. The result is the run's assignment
when the indexed collection is the run's own data and every image is readable (the split is
drawn over the readable images, as in training).
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ash_lightning.data.manifest import row_splits


@dataclass(frozen=True)
class SplitRule:
    """The stratified split parameters of a manifest data configuration.

    Reference: Fang et al., BIBM 2020, §IV-A (10 % of each class held out as queries).

    Attributes:
        query_fraction: Share of each class held out as test queries (the paper: 10 %).
        val_fraction: Share of each class held out as validation queries.
        split_seed: Seed of the stratified split.
    """

    query_fraction: float = 0.1
    val_fraction: float = 0.05
    split_seed: int = 0


def assign_splits(labels: np.ndarray, column: Sequence[str] | None, rule: SplitRule) -> list[str]:
    """The split name of every row (Fang et al., BIBM 2020, §IV-A: database and queries).

    Args:
        labels: ``(n,)`` class indices or ``(n, C)`` multi-hot labels of the readable rows.
        column: Their canonical split column, or None.
        rule: The stratified split parameters.

    Returns:
        ``"database"``, ``"val"`` or ``"test"`` per row.

    Raises:
        ManifestError: Split fractions out of range, or an unknown split name.
    """
    indices = row_splits(labels, column, rule.query_fraction, rule.val_fraction, rule.split_seed)
    names = [""] * len(labels)
    for name, rows in indices.items():
        for row in rows:
            names[row] = name
    return names
