"""Table II of Fang et al., BIBM 2020: mAP at top-5/10/15/20 per method, at K = 12."""

from ash_lightning.report.aggregate import Group
from ash_lightning.report.fig3_data import RANDOM_CODES, curve_label
from ash_lightning.report.paper_numbers import (
    PAPER_LABEL,
    TABLE_II_BITS,
    paper_dataset,
    table_ii_value,
)
from ash_lightning.report.table_model import Row, Table
from ash_lightning.retrieval.metric_keys import (
    MetricKey,
    is_metric_key,
    metric_key,
    parse_metric_key,
)


def _top_ks(metric_names: set[str]) -> list[int]:
    keys = [parse_metric_key(name) for name in metric_names if is_metric_key(name)]
    return sorted(key.k for key in keys if key == MetricKey("mAP", key.k))


def table_ii(group: Group, stem: str, preferred_r: float) -> Table | None:
    """Table II's shape, with the paper's rows where it has them; None without K = 12 runs.

    Args:
        group: The seed-averaged cells.
        stem: File name of the CSV, without extension.
        preferred_r: The r shown for methods run at several (the paper's is 0.5).

    Returns:
        Rows methods (and the random codes), columns top-k, cells mAP@k.
    """
    bits = TABLE_II_BITS
    chosen = group.chosen_r_at(preferred_r, bits)
    if not chosen:
        return None
    names = group.metric_names(chosen, bits)
    top_ks = _top_ks(names)
    dataset = group.key.dataset
    rows = []
    for method, r in chosen.items():
        paper = tuple(table_ii_value(dataset, method, k) for k in top_ks)
        rows.append(
            Row(
                labels=(curve_label(method, r, preferred_r),),
                cells=tuple(group.stats(method, bits, r, metric_key("mAP", k)) for k in top_ks),
                paper=paper if any(value is not None for value in paper) else None,
            )
        )
    random_codes = group.random_codes.get(bits, {})
    if random_codes:
        rows.append(
            Row((RANDOM_CODES,), tuple(random_codes.get(metric_key("mAP", k)) for k in top_ks))
        )
    notes = []
    if any(row.paper for row in rows):
        notes.append(
            f"Italic rows: Table II of Fang et al., BIBM 2020 on {paper_dataset(dataset)} "
            f"({PAPER_LABEL}); the paper's ASH is ASH-U on ASOCT-Cataract, ASH-L on Fundus-iSee."
        )
    return Table(
        stem=stem,
        title=(
            f"Table II shape — {group.key.label()}: mAP@k at K = {bits} (r = {preferred_r:g}), "
            "rows methods, columns top-k"
        ),
        row_header=("method",),
        column_header="top_k",
        columns=tuple(top_ks),
        column_format="top-{}",
        rows=tuple(rows),
        notes=tuple(notes),
    )
