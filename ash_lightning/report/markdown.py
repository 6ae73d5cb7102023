"""The one Markdown table renderer of the project: run tables, sweeps, reports, efficiency."""

from collections.abc import Iterable, Sequence


def _line(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def markdown_table(
    header: Sequence[str], rows: Iterable[Sequence[str]], left_columns: int = 1
) -> str:
    """A GitHub Markdown table: the first ``left_columns`` columns left-aligned, the rest right.

    Args:
        header: Column titles.
        rows: Cells of each row, already formatted; every row has ``len(header)`` cells.
        left_columns: How many leading columns hold labels (left-aligned); the others hold
            numbers (right-aligned).

    Returns:
        The table without a trailing newline.

    Raises:
        ValueError: A row whose length differs from the header's.
    """
    width = len(header)
    left = min(left_columns, width)
    lines = [_line(header), "|" + "---|" * left + "---:|" * (width - left)]
    for row in rows:
        if len(row) != width:
            raise ValueError(f"a row has {len(row)} cells, the header {width}: {list(row)}")
        lines.append(_line(row))
    return "\n".join(lines)
