"""Fig. 3 of Fang et al., BIBM 2020 as a table: mHR, mAP, mRR at top-k per method over K."""

from ash_lightning.report.fig3_data import Curve, Fig3Data
from ash_lightning.report.table_model import Row, Table

NO_PAPER_VALUES = (
    "The paper gives Fig. 3 only as a plot, without printed values, so no paper numbers "
    "are shown for it."
)


def _row(metric: str, curve: Curve, bits: tuple[int, ...]) -> Row:
    return Row((metric, curve.label), tuple(curve.points.get((metric, k)) for k in bits))


def fig3_table(data: Fig3Data, stem: str) -> Table:
    """The numbers behind the Fig. 3 plot: rows (metric, method), columns K.

    Args:
        data: Fig. 3's curves of one group.
        stem: File name of the CSV, without extension.

    Returns:
        The table; each metric's block ends with the random-code reference.
    """
    curves = [*data.curves, *([data.random_codes] if data.random_codes else [])]
    rows = tuple(_row(metric, curve, data.bits) for metric in data.metrics for curve in curves)
    return Table(
        stem=stem,
        title=(
            f"Fig. 3 shape — {data.group.label()}: {', '.join(data.metrics)} "
            f"(r = {data.preferred_r:g}), rows metric and method, columns K"
        ),
        row_header=("metric", "method"),
        column_header="K",
        columns=data.bits,
        column_format="K = {}",
        rows=rows,
        notes=(NO_PAPER_VALUES,),
    )
