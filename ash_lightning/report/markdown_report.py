"""The Markdown text of the report: a header, one section per group, the skipped files."""

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ash_lightning.report.aggregate import Group
from ash_lightning.report.collect import SkippedFile
from ash_lightning.report.fig3_table import NO_PAPER_VALUES
from ash_lightning.report.paper_numbers import PAPER_LABEL, paper_dataset
from ash_lightning.report.stats import MIN_SEEDS
from ash_lightning.report.table_model import FEW_SEEDS_MARK, Table, table_markdown


@dataclass(frozen=True)
class GroupTables:
    """What one group's section shows.

    Attributes:
        group: The seed-averaged cells.
        table_i: One Table I per ASH method run at several r values.
        table_ii: Table II, or None without K = 12 runs.
        fig3: Fig. 3 as a table.
        figure: File name of the Fig. 3 PNG, relative to the report (a PDF beside it).
        figure_caption: Its caption.
        comparison: Every method at one K: mAP, NDCG, per-class mAP, the other ranking.
    """

    group: Group
    table_i: tuple[Table, ...]
    table_ii: Table | None
    fig3: Table
    figure: str
    figure_caption: str
    comparison: Table


def _table_block(table: Table) -> str:
    return f"{table_markdown(table)}\nCSV: [{table.stem}.csv]({table.stem}.csv)\n"


def _runs_line(group: Group) -> str:
    settings = "; ".join(f"{s} ({n} runs)" for s, n in sorted(group.data_settings.items()))
    line = f"{group.runs} runs. Data: {settings}."
    counterpart = paper_dataset(group.key.dataset)
    if counterpart:
        line += f" Paper counterpart: {counterpart} ({PAPER_LABEL})."
    if len(group.data_settings) > 1:
        line += "\n\n**Warning:** runs with different data settings share the cells below."
    return line


def group_section(tables: GroupTables) -> str:
    """The section of one (dataset, convention, ranking) group."""
    group = tables.group
    parts = [f"## {group.key.label()}", "", _runs_line(group), "", "### Table I shape", ""]
    if tables.table_i:
        parts.extend(_table_block(table) for table in tables.table_i)
    else:
        parts.append("Not shown: no ASH method was run at more than one r.\n")
    parts.extend(["### Table II shape", ""])
    if tables.table_ii:
        parts.append(_table_block(tables.table_ii))
    else:
        parts.append("Not shown: no run with K = 12 bits.\n")
    parts.extend(["### Fig. 3 shape", "", _table_block(tables.fig3)])
    vector = tables.figure.removesuffix(".png") + ".pdf"
    parts.append(f"![{tables.figure_caption}]({tables.figure})\n")
    parts.append(f"*{tables.figure_caption}* Vector version: [{vector}]({vector})\n")
    parts.extend(["### Comparison: NDCG, per-class mAP, other ranking", ""])
    parts.append(_table_block(tables.comparison))
    return "\n".join(parts)


def report_document(
    sweep_dirs: Sequence[Path], runs: int, sections: Sequence[str], skipped: Sequence[SkippedFile]
) -> str:
    """The whole report: what it was made from, how to read it, the sections, the skips."""
    sources = ", ".join(f"`{sweep_dir}`" for sweep_dir in sweep_dirs)
    header = [
        "# Retrieval report: the shapes of Fang et al., BIBM 2020 (ASH)",
        "",
        f"Regenerated from {sources}: {runs} runs read; skipped files: {len(skipped)}.",
        "",
        f"Cells are the mean ± sample standard deviation over seeds, with n the number of "
        f"seeds; {FEW_SEEDS_MARK} marks cells with fewer than {MIN_SEEDS} seeds. Each "
        "section holds one dataset, metric convention and ranking; they are never mixed.",
        "",
        f'Italic rows labelled "{PAPER_LABEL}" are the numbers printed in Tables I and II '
        "of Fang et al., BIBM 2020, measured on the paper's private ASOCT-Cataract and "
        "Fundus-iSee data: they show the expected shape, not values our data should reach. "
        + NO_PAPER_VALUES,
        "",
    ]
    footer = ["## Skipped files", "", *(f"- {file.line()}" for file in skipped), ""]
    return "\n".join([*header, *sections, *(footer if skipped else [])])
