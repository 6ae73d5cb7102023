"""A report table: seed-averaged cells, optional paper rows, rendered as Markdown and CSV."""

import csv
import io
import math
from dataclasses import dataclass

from ash_lightning.report.markdown import markdown_table
from ash_lightning.report.paper_numbers import PAPER_LABEL
from ash_lightning.report.stats import MIN_SEEDS, Stats

FEW_SEEDS_MARK = "†"
FEW_SEEDS_NOTE = (
    f"{FEW_SEEDS_MARK} fewer than {MIN_SEEDS} seeds (the comparison protocol asks for "
    f"at least {MIN_SEEDS})."
)


@dataclass(frozen=True)
class Row:
    """One row: our cells and, where the paper has them, its numbers for the same cells.

    Attributes:
        labels: The row's label columns, e.g. ``("0.5",)`` or ``("mAP@10", "ASH-U")``.
        cells: Our summary per column, None where no run covers it.
        paper: The paper's value per column (None where it has none), or None when the
            paper has no such row.
    """

    labels: tuple[str, ...]
    cells: tuple[Stats | None, ...]
    paper: tuple[float | None, ...] | None = None


@dataclass(frozen=True)
class Table:
    """A table of one (dataset, convention, ranking) group.

    Attributes:
        stem: File name of its CSV, without ``.csv``.
        title: Caption; names the dataset, convention and ranking.
        row_header: Names of the label columns.
        column_header: Name of the swept quantity on the columns, e.g. ``K``.
        columns: The column values, e.g. ``(12, 24)`` or metric names.
        column_format: Markdown heading of a column, e.g. ``"K = {}"``.
        rows: The rows.
        notes: Lines printed under the table.
    """

    stem: str
    title: str
    row_header: tuple[str, ...]
    column_header: str
    columns: tuple[int | float | str, ...]
    column_format: str
    rows: tuple[Row, ...]
    notes: tuple[str, ...] = ()


def format_cell(stats: Stats | None) -> str:
    """``mean ± std (n=3)``; cells with too few seeds are marked with ``FEW_SEEDS_MARK``."""
    if stats is None:
        return "—"
    mark = f" {FEW_SEEDS_MARK}" if stats.too_few_seeds else ""
    return f"{stats.text()}{mark}"


def _paper_cell(value: float | None) -> str:
    return "—" if value is None else f"*{value:.4f}*"


def table_markdown(table: Table) -> str:
    """The table in Markdown: caption, header, rows (each paper row under ours), notes."""
    header = [*table.row_header, *(table.column_format.format(c) for c in table.columns)]
    cells: list[list[str]] = []
    for row in table.rows:
        cells.append([*row.labels, *map(format_cell, row.cells)])
        if row.paper is not None:
            labels = [*row.labels[:-1], f"*{row.labels[-1]} ({PAPER_LABEL})*"]
            cells.append([*labels, *map(_paper_cell, row.paper)])
    lines = [
        f"**{table.title}**",
        "",
        markdown_table(header, cells, left_columns=len(table.row_header)),
    ]
    notes = list(table.notes)
    if any(cell is not None and cell.too_few_seeds for row in table.rows for cell in row.cells):
        notes.append(FEW_SEEDS_NOTE)
    return "\n".join([*lines, "", *(f"{note}  " for note in notes)]).rstrip() + "\n"


def _number(value: float | None) -> str:
    return "" if value is None or math.isnan(value) else f"{value:.10g}"


def table_csv(table: Table) -> str:
    """The table in long CSV form: one line per (row, column) with mean, std, n and paper."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        [
            *table.row_header,
            table.column_header,
            "mean",
            "std",
            "n",
            f"fewer_than_{MIN_SEEDS}_seeds",
            "paper_private_data",
        ]
    )
    for row in table.rows:
        paper = row.paper or (None,) * len(table.columns)
        for column, stats, paper_value in zip(table.columns, row.cells, paper, strict=True):
            if stats is None and paper_value is None:
                continue
            writer.writerow(
                [
                    *row.labels,
                    column,
                    _number(stats.mean if stats else None),
                    _number(stats.std if stats else None),
                    stats.n if stats else "",
                    str(stats.too_few_seeds).lower() if stats else "",
                    _number(paper_value),
                ]
            )
    return buffer.getvalue()
