"""One table comparing every method of a group: mAP, NDCG, each class's mAP, the other ranking.

It puts ASH, its baselines and the related attention-hashing systems side by side at one
code length: overall mAP@k and NDCG@k, the mAP@k of each class's queries (to check ATH's
small-class claim, Fang, Fu, Liu, MedIA 2021) and, where the runs recorded it, the mAP@k of
the other ranking (real-valued cosine for hashing runs: the evaluation of descriptor
learners such as mirror attention).
"""

from ash_lightning.report.aggregate import Group
from ash_lightning.report.fig3_data import RANDOM_CODES, curve_label
from ash_lightning.report.paper_numbers import TABLE_II_BITS
from ash_lightning.report.table_model import Row, Table
from ash_lightning.retrieval.metric_keys import (
    RANKINGS,
    MetricKey,
    is_metric_key,
    metric_key,
    parse_metric_key,
)


def comparison_bits(group: Group) -> int:
    """K = 12 (the paper's Table II) when the group has it, else its smallest K."""
    bits = group.bits()
    return TABLE_II_BITS if TABLE_II_BITS in bits else bits[0]


def _columns(names: set[str], metric_k: int) -> tuple[str, ...]:
    """Overall mAP and NDCG, each class's mAP (alphabetical), then the other ranking's mAP."""
    keys = [parse_metric_key(name) for name in names if is_metric_key(name)]
    overall = [metric_key(metric, metric_k) for metric in ("mAP", "NDCG")]
    other = [
        metric_key(metric, metric_k, ranking=ranking)
        for ranking in RANKINGS
        for metric in ("mAP", "NDCG")
    ]
    per_class = sorted(
        str(key)
        for key in keys
        if key.class_name is not None
        and key == MetricKey("mAP", metric_k, class_name=key.class_name)
    )
    overall = [name for name in overall if name in names]
    other = [name for name in other if name in names]
    return (*overall, *per_class, *other)


def comparison_table(group: Group, stem: str, metric_k: int, preferred_r: float) -> Table:
    """Every method of ``group`` at one K: overall, per-class and other-ranking metrics.

    Args:
        group: The seed-averaged cells.
        stem: File name of the CSV, without extension.
        metric_k: The cut-off k of every column.
        preferred_r: The r shown for methods run at several.

    Returns:
        Rows methods (and the random codes), columns metrics; a column is present when
        at least one method recorded it (runs older than NDCG or per-class mAP leave
        their cells empty).
    """
    bits = comparison_bits(group)
    chosen = group.chosen_r_at(preferred_r, bits)
    names = group.metric_names(chosen, bits)
    columns = _columns(names, metric_k)
    rows = [
        Row(
            labels=(curve_label(method, r, preferred_r),),
            cells=tuple(group.stats(method, bits, r, name) for name in columns),
        )
        for method, r in chosen.items()
    ]
    random_codes = group.random_codes.get(bits, {})
    if random_codes:
        rows.append(Row((RANDOM_CODES,), tuple(random_codes.get(name) for name in columns)))
    return Table(
        stem=stem,
        title=(
            f"Comparison — {group.key.label()}: K = {bits}, top-{metric_k}; overall mAP and "
            "NDCG, the mAP of each class's queries (mAP@k/<class>), and the other ranking"
        ),
        row_header=("method",),
        column_header="metric",
        columns=columns,
        column_format="{}",
        rows=tuple(rows),
        notes=(
            "NDCG gains: 1 for the query's class, the number of shared labels on multi-label "
            "data, G - |grade distance| on grading data. cosine/: the real-valued outputs "
            "ranked by cosine similarity (Faiss flat inner product); hamming/: sign codes.",
        ),
    )
