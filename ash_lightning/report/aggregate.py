"""Average runs over seeds, per (dataset, convention, ranking) group and (method, K, r) cell."""

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ash_lightning.report.methods import ordered_methods
from ash_lightning.report.run_record import RunRecord
from ash_lightning.report.stats import Stats

CellKey = tuple[str, int, float]
"""(method, bits K, r)."""


@dataclass(frozen=True, order=True)
class GroupKey:
    """Runs that may share a table: same dataset, metric convention and ranking."""

    dataset: str
    convention: str
    ranking: str

    def label(self) -> str:
        """The words every table and figure of the group carries."""
        return f"{self.dataset}, {self.convention} convention, {self.ranking} ranking"

    def slug(self, with_protocol: bool) -> str:
        """A file-name part: the dataset, and the convention and ranking if asked."""
        parts = (self.dataset, self.convention, self.ranking) if with_protocol else (self.dataset,)
        return re.sub(r"[^A-Za-z0-9_.-]+", "_", "_".join(parts))


@dataclass(frozen=True)
class Group:
    """The seed-averaged cells of one group.

    Attributes:
        key: Dataset, convention and ranking.
        cells: ``{(method, bits, r): {metric: Stats}}`` over the seeds of each cell.
        random_codes: ``{bits: {metric: Stats}}`` of the random-code reference, one
            value per seed (random codes do not depend on the method or on r).
        data_settings: How many runs used each data size / image size.
        runs: Number of runs in the group.
    """

    key: GroupKey
    cells: Mapping[CellKey, Mapping[str, Stats]]
    random_codes: Mapping[int, Mapping[str, Stats]]
    data_settings: Mapping[str, int]
    runs: int

    def methods(self) -> list[str]:
        """The methods, in display order."""
        return ordered_methods(method for method, _, _ in self.cells)

    def bits(self) -> list[int]:
        """Every hash-code length K of the group, ascending."""
        return sorted({bits for _, bits, _ in self.cells})

    def r_values(self, method: str, bits: int | None = None) -> list[float]:
        """The r values ``method`` was run with (at ``bits`` if given), ascending."""
        return sorted({r for m, k, r in self.cells if m == method and (bits is None or k == bits)})

    def chosen_r(self, method: str, preferred: float, bits: int | None = None) -> float | None:
        """``preferred`` if ``method`` was run with it, else its closest r; None if never run."""
        values = self.r_values(method, bits)
        if not values:
            return None
        return min(values, key=lambda r: (abs(r - preferred), r))

    def chosen_r_at(self, preferred: float, bits: int) -> dict[str, float]:
        """``{method: its chosen r}`` for every method run at ``bits``, in display order."""
        return {
            method: r
            for method in self.methods()
            if (r := self.chosen_r(method, preferred, bits)) is not None
        }

    def metric_names(self, chosen: Mapping[str, float], bits: int) -> set[str]:
        """Every metric recorded by the cells ``(method, bits, chosen[method])``."""
        return {name for method, r in chosen.items() for name in self.cells[(method, bits, r)]}

    def stats(self, method: str, bits: int, r: float, metric: str) -> Stats | None:
        """The summary of one cell's metric, or None when absent."""
        return self.cells.get((method, bits, r), {}).get(metric)


def _summaries(metric_dicts: Sequence[Mapping[str, float]]) -> dict[str, Stats]:
    names = sorted({name for metrics in metric_dicts for name in metrics})
    return {
        name: Stats.of([metrics[name] for metrics in metric_dicts if name in metrics])
        for name in names
    }


def _group(key: GroupKey, records: Sequence[RunRecord]) -> Group:
    by_cell: dict[CellKey, list[Mapping[str, float]]] = defaultdict(list)
    random_by_bits: dict[int, dict[int, Mapping[str, float]]] = defaultdict(dict)
    for record in records:
        by_cell[(record.method, record.bits, record.r)].append(record.test)
        if record.random_codes:
            random_by_bits[record.bits].setdefault(record.seed, record.random_codes)
    return Group(
        key=key,
        cells={cell: _summaries(values) for cell, values in by_cell.items()},
        random_codes={
            bits: _summaries(list(per_seed.values())) for bits, per_seed in random_by_bits.items()
        },
        data_settings=dict(Counter(record.data_settings for record in records)),
        runs=len(records),
    )


def group_records(records: Iterable[RunRecord]) -> list[Group]:
    """Split ``records`` by (dataset, convention, ranking) and average each cell over seeds.

    Runs of different metric conventions or rankings never share a group, so that no
    table mixes them.

    Returns:
        The groups, sorted by dataset, convention and ranking.
    """
    by_key: dict[GroupKey, list[RunRecord]] = defaultdict(list)
    for record in records:
        by_key[GroupKey(record.dataset, record.convention, record.ranking)].append(record)
    return [_group(key, by_key[key]) for key in sorted(by_key)]
