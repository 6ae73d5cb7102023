"""The split of every manifest row: from its split column, or a stratified draw."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ash_lightning.data.manifest.stratified_split import split_indices, splits_from_column


def row_splits(
    labels: np.ndarray,
    column: Sequence[str] | None,
    query_fraction: float,
    val_fraction: float,
    split_seed: int,
) -> dict[str, np.ndarray]:
    """Row indices of the database, validation and test splits of a collection.

    Without a split column, a stratified split holds out ``query_fraction`` of every class
    as test queries (Fang et al., BIBM 2020, §IV-A: 10 %) and ``val_fraction`` as validation
    queries. With a column, each row keeps its split; when no row is ``val`` and
    ``val_fraction > 0``, validation rows are carved from the database the same way. Used by
    the training data module and by the case index, so both assign the same splits.

    Args:
        labels: ``(n,)`` class indices or ``(n, C)`` multi-hot labels of the rows.
        column: The rows' canonical split names, or None.
        query_fraction: Share of each class held out as test queries.
        val_fraction: Share of each class held out as validation queries.
        split_seed: Seed of the stratified draws.

    Returns:
        ``{"database": rows, "val": rows, "test": rows}``.

    Raises:
        ManifestError: Fractions out of range or an unknown split name.
    """
    if column is None:
        return split_indices(labels, query_fraction, val_fraction, split_seed)
    indices = splits_from_column(tuple(column))
    if len(indices["val"]) == 0 and val_fraction > 0:
        database = indices["database"]
        carved = split_indices(labels[database], val_fraction, 0.0, split_seed)
        indices["val"] = database[carved["test"]]
        indices["database"] = database[carved["database"]]
    return indices
