"""Mean, sample standard deviation and count of one metric over seeds."""

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

MIN_SEEDS = 3
"""Seeds per cell the comparison protocol asks for; cells with fewer are flagged."""


@dataclass(frozen=True)
class Stats:
    """Summary of one cell's metric over its seeds.

    Attributes:
        mean: Mean over seeds.
        std: Sample standard deviation (n - 1 in the denominator); NaN when n = 1.
        n: Number of seeds.
    """

    mean: float
    std: float
    n: int

    @classmethod
    def of(cls, values: Sequence[float]) -> "Stats":
        """Summarize one value per seed.

        Raises:
            ValueError: ``values`` is empty.
        """
        if not values:
            raise ValueError("no values to summarize")
        std = statistics.stdev(values) if len(values) > 1 else math.nan
        return cls(statistics.fmean(values), std, len(values))

    @property
    def too_few_seeds(self) -> bool:
        """Whether the cell has fewer seeds than ``MIN_SEEDS``."""
        return self.n < MIN_SEEDS

    def text(self, digits: int = 4) -> str:
        """``mean ± std (n=3)``; a single seed has no spread and shows ``mean (n=1)``."""
        spread = "" if math.isnan(self.std) else f" ± {self.std:.{digits}f}"
        return f"{self.mean:.{digits}f}{spread} (n={self.n})"
