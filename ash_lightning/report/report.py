"""Regenerate the report of finished sweeps: Markdown, CSV tables and Fig. 3 PNGs."""

import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from ash_lightning.console.progress import progress
from ash_lightning.report.aggregate import Group, group_records
from ash_lightning.report.collect import collect_runs
from ash_lightning.report.comparison_table import comparison_table
from ash_lightning.report.fig3_data import Fig3Data, fig3_data
from ash_lightning.report.fig3_table import fig3_table
from ash_lightning.report.figures import fig3_caption, plot_fig3
from ash_lightning.report.markdown_report import GroupTables, group_section, report_document
from ash_lightning.report.table_i import table_i, table_i_methods
from ash_lightning.report.table_ii import table_ii
from ash_lightning.report.table_model import table_csv

REPORT_FILENAME = "report.md"
PAPER_R = 0.5
"""The paper's weighting r for Fig. 3 and Table II (§IV-B)."""


@dataclass(frozen=True)
class ReportPaths:
    """What ``build_report`` wrote, and what it left out.

    Attributes:
        markdown: The report.
        tables: The CSV file of every table.
        figures: The Fig. 3 PNG of every group.
        vector_figures: The same figures as PDF, for a paper.
        skipped: The ``results.json`` files left out (unreadable, incomplete, repeated).
    """

    markdown: Path
    tables: tuple[Path, ...]
    figures: tuple[Path, ...]
    vector_figures: tuple[Path, ...]
    skipped: tuple[Path, ...]


def _group_tables(
    group: Group, slug: str, data: Fig3Data, metric_k: int, preferred_r: float
) -> GroupTables:
    return GroupTables(
        group=group,
        table_i=tuple(
            table_i(group, method, f"table1_{slug}_{method}") for method in table_i_methods(group)
        ),
        table_ii=table_ii(group, f"table2_{slug}", preferred_r),
        fig3=fig3_table(data, f"fig3_{slug}"),
        figure=f"fig3_{slug}.png",
        figure_caption=fig3_caption(data),
        comparison=comparison_table(group, f"comparison_{slug}", metric_k, preferred_r),
    )


def build_report(
    sweep_dirs: Sequence[Path],
    out_dir: Path,
    metric_k: int = 10,
    *,
    preferred_r: float = PAPER_R,
    log: TextIO | None = None,
    show_progress: bool = False,
) -> ReportPaths:
    """Read the runs of ``sweep_dirs`` and write the report into ``out_dir``.

    Per (dataset, convention, ranking) group it writes Table I (ASH's mAP@10 over r and
    K), Table II (mAP@5..20 per method at K = 12) and Fig. 3 (mHR, mAP, mRR at top-k per
    method over K) of the ASH paper, and a comparison of every method at one K
    (mAP, NDCG, per-class mAP, the other ranking), as Markdown in ``report.md``, as CSV, and
    Fig. 3 as ``fig3_<dataset>.png`` (``fig3_<dataset>_<convention>_<ranking>.png`` when
    a dataset has several groups) and as a vector PDF beside it, its title in the caption.
    Skipped files are listed, one line each, on ``log``.

    Args:
        sweep_dirs: Sweep folders, run folders, or folders of sweep folders.
        out_dir: Where to write; created if needed.
        metric_k: Length of the returned list in Fig. 3 (10 in the paper).
        preferred_r: The r shown in Table II and Fig. 3 for methods run at several.
        log: Stream for the skipped-file lines; standard error by default.
        show_progress: Show a bar over the groups while their tables and figures are written.

    Returns:
        The paths written and skipped.

    Raises:
        NoResultsError: No usable ``results.json`` under ``sweep_dirs``.
    """
    collected = collect_runs(sweep_dirs)
    for skipped in collected.skipped:
        print(skipped.line(), file=log or sys.stderr)
    groups = group_records(collected.records)
    groups_per_dataset = Counter(group.key.dataset for group in groups)
    out_dir.mkdir(parents=True, exist_ok=True)
    sections, tables, figures, vector_figures = [], [], [], []
    with progress("writing the report", len(groups), show_progress) as advance:
        for group in groups:
            slug = group.key.slug(with_protocol=groups_per_dataset[group.key.dataset] > 1)
            data = fig3_data(group, metric_k, preferred_r)
            shown = _group_tables(group, slug, data, metric_k, preferred_r)
            shown_tables = [*shown.table_i, *filter(None, [shown.table_ii]), shown.fig3]
            for table in [*shown_tables, shown.comparison]:
                tables.append(out_dir / f"{table.stem}.csv")
                tables[-1].write_text(table_csv(table))
            figures.append(out_dir / shown.figure)
            vector_figures.append(plot_fig3(data, figures[-1]))
            sections.append(group_section(shown))
            advance(1)
    markdown = out_dir / REPORT_FILENAME
    markdown.write_text(
        report_document(sweep_dirs, len(collected.records), sections, collected.skipped)
    )
    return ReportPaths(
        markdown=markdown,
        tables=tuple(tables),
        figures=tuple(figures),
        vector_figures=tuple(vector_figures),
        skipped=tuple(file.path for file in collected.skipped),
    )
