"""Split a collection into database, validation and test queries, stratified by class."""

from __future__ import annotations

import numpy as np

from ash_lightning.data.manifest.errors import ManifestError

SPLIT_NAMES = ("database", "val", "test")


def split_indices(
    labels: np.ndarray, query_fraction: float = 0.1, val_fraction: float = 0.05, seed: int = 0
) -> dict[str, np.ndarray]:
    """Draw test and validation queries per class; the rest forms the database.

    Each class of ``n_c`` images is shuffled with ``seed`` and gives
    ``max(1, round(query_fraction * n_c))`` test queries, then ``round(val_fraction * n_c)``
    validation queries (at least 1 when ``val_fraction > 0`` and ``n_c >= 3``); every class
    keeps at least one database image, which takes precedence over both minimums. Multi-hot
    labels are stratified by each row's first positive label; rows without any positive
    label form one extra stratum.

    Args:
        labels: ``(n,)`` class indices or ``(n, C)`` multi-hot labels.
        query_fraction: Fraction of each class used as test queries.
        val_fraction: Fraction of each class used as validation queries.
        seed: Seed of the shuffle; the same seed gives the same split.

    Returns:
        Sorted, disjoint index arrays under ``"database"``, ``"val"`` and ``"test"`` that
        together cover every row.

    Raises:
        ManifestError: A fraction is outside ``[0, 1)`` or the two sum to 1 or more.
    """
    check_fractions(query_fraction, val_fraction)
    strata = _strata(labels)
    rng = np.random.default_rng(seed)
    chosen: dict[str, list[np.ndarray]] = {name: [] for name in SPLIT_NAMES}
    for stratum in np.unique(strata):
        members = rng.permutation(np.flatnonzero(strata == stratum))
        n_test, n_val = _query_counts(len(members), query_fraction, val_fraction)
        chosen["test"].append(members[:n_test])
        chosen["val"].append(members[n_test : n_test + n_val])
        chosen["database"].append(members[n_test + n_val :])
    return {name: np.sort(np.concatenate(parts)).astype(np.int64) for name, parts in chosen.items()}


def splits_from_column(splits: tuple[str, ...]) -> dict[str, np.ndarray]:
    """Index arrays for a manifest's own split column.

    Args:
        splits: Per-row canonical split names (``"database"``, ``"val"`` or ``"test"``).

    Returns:
        Sorted index arrays under ``"database"``, ``"val"`` and ``"test"``; ``"val"`` is empty
        when no row is marked ``val`` and the caller decides what to do about it.

    Raises:
        ManifestError: A split name is not one of the three.
    """
    values = np.asarray(splits, dtype=str)
    unknown = sorted(set(values.tolist()) - set(SPLIT_NAMES))
    if unknown:
        raise ManifestError(f"unknown split name(s) {', '.join(unknown)}; use {SPLIT_NAMES}")
    return {name: np.flatnonzero(values == name).astype(np.int64) for name in SPLIT_NAMES}


def check_fractions(query_fraction: float, val_fraction: float) -> None:
    """Reject fractions outside ``[0, 1)`` or summing to 1 or more.

    Raises:
        ManifestError: Naming the fraction, e.g. ``query_fraction must be in [0, 1), got 1.5``.
    """
    for name, value in (("query_fraction", query_fraction), ("val_fraction", val_fraction)):
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if not number or not 0 <= value < 1:
            raise ManifestError(f"{name} must be in [0, 1), got {value}")
    if query_fraction + val_fraction >= 1:
        raise ManifestError(
            f"query_fraction + val_fraction must be below 1, got {query_fraction + val_fraction}"
        )


def _strata(labels: np.ndarray) -> np.ndarray:
    """One stratum per row: the class index, or the first positive label of a multi-hot row."""
    if labels.ndim == 1:
        return labels
    return np.where(labels.any(axis=1), labels.argmax(axis=1), -1)


def _query_counts(n: int, query_fraction: float, val_fraction: float) -> tuple[int, int]:
    """Test and validation query counts for a class of ``n``, leaving one database image."""
    n_test = max(1, round(query_fraction * n))
    n_val = round(val_fraction * n)
    if val_fraction > 0 and n >= 3:
        n_val = max(1, n_val)
    n_test = min(n_test, n - 1)
    return n_test, min(n_val, n - 1 - n_test)
