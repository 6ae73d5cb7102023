"""A loaded case index: its header, its Faiss binary index and its cases, searchable."""

from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

from ash_lightning.index.binary_search import search_codes
from ash_lightning.index.cases import Case
from ash_lightning.index.index_header import IndexHeader


@dataclass(frozen=True)
class Hit:
    """One retrieved case (Fang et al., BIBM 2020, §III: Hamming ranking of the database).

    Attributes:
        rank: 1 for the closest case.
        distance: Hamming distance between the query's code and the case's.
        position: The case's position in the index (the tie-breaker).
        case: The case.
    """

    rank: int
    distance: int
    position: int
    case: Case


@dataclass(frozen=True)
class CaseIndex:
    """The codes and cases of an index folder (Fang et al., BIBM 2020, §III, §IV-C).

    Attributes:
        directory: The index folder.
        header: Its ``index.json``.
        faiss_index: The binary index; position ``i`` holds the code of ``cases[i]``.
        cases: The cases, in database order.
    """

    directory: Path
    header: IndexHeader
    faiss_index: faiss.IndexBinary
    cases: tuple[Case, ...]

    def search(self, query_code: np.ndarray, k: int) -> list[Hit]:
        """The top-k cases for one query code (order: see :mod:`.binary_search`).

        Reference: Fang et al., BIBM 2020, §III (retrieval stage) and §IV-C (top-k lists).

        Args:
            query_code: ``1 x B`` packed code (:func:`~ash_lightning.index.index_codes`).
            k: Results wanted, at least 1; clipped to the number of cases.

        Returns:
            The hits, best first.
        """
        ((distances, positions),) = search_codes(self.faiss_index, query_code, k)
        return [
            Hit(rank, int(distance), int(position), self.cases[position])
            for rank, (distance, position) in enumerate(
                zip(distances, positions, strict=True), start=1
            )
        ]
