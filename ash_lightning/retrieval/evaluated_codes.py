"""The outputs one evaluation ranked: queries and database, in the database's ranking order."""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class EvaluatedCodes:
    """Network (or shallow hasher) outputs of an evaluation, kept for figures and trackers.

    Attributes:
        queries: ``(nq, K)`` query outputs.
        query_labels: ``(nq,)`` or ``(nq, C)`` labels.
        database: ``(n, K)`` database outputs in ranking order (ties break by this order).
        database_labels: Their labels, in the same order.
        database_order: Position in the database split of each row of ``database``.
    """

    queries: np.ndarray
    query_labels: np.ndarray
    database: np.ndarray
    database_labels: np.ndarray
    database_order: np.ndarray
