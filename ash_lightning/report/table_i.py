"""Table I of Fang et al., BIBM 2020: ASH's mAP@10 over the weighting r (rows) and K (columns)."""

from ash_lightning.report.aggregate import Group
from ash_lightning.report.methods import display_name, is_ash
from ash_lightning.report.paper_numbers import (
    PAPER_LABEL,
    TABLE_I_TOP_K,
    paper_dataset,
    table_i_value,
)
from ash_lightning.report.table_model import Row, Table
from ash_lightning.retrieval.metric_keys import metric_key


def table_i_methods(group: Group) -> list[str]:
    """The ASH methods of ``group`` run at several r values: those that get a Table I."""
    return [m for m in group.methods() if is_ash(m) and len(group.r_values(m)) > 1]


def table_i(group: Group, method: str, stem: str) -> Table:
    """Table I's shape for one ASH method, with the paper's rows where it has them.

    Args:
        group: The seed-averaged cells.
        method: An ASH method of the group (``ash_u`` or ``ash_l``).
        stem: File name of the CSV, without extension.

    Returns:
        Rows r, columns K, cells mAP@10.
    """
    metric = metric_key("mAP", TABLE_I_TOP_K)
    bits = [k for k in group.bits() if group.r_values(method, k)]
    dataset = group.key.dataset
    rows = []
    for r in group.r_values(method):
        paper = tuple(table_i_value(dataset, r, k) for k in bits)
        rows.append(
            Row(
                labels=(f"{r:g}",),
                cells=tuple(group.stats(method, k, r, metric) for k in bits),
                paper=paper if any(value is not None for value in paper) else None,
            )
        )
    notes = []
    if any(row.paper for row in rows):
        notes.append(
            f"Italic rows: Table I of Fang et al., BIBM 2020, ASH on {paper_dataset(dataset)} "
            f"({PAPER_LABEL})."
        )
    return Table(
        stem=stem,
        title=(
            f"Table I shape — {group.key.label()}: {metric} of {display_name(method)}, "
            "rows r, columns K"
        ),
        row_header=("r",),
        column_header="K",
        columns=tuple(bits),
        column_format="K = {}",
        rows=tuple(rows),
        notes=tuple(notes),
    )
