import math
from pathlib import Path

import pytest

from ash_lightning.report.aggregate import group_records
from ash_lightning.report.collect import collect_runs
from ash_lightning.report.comparison_table import comparison_table
from ash_lightning.report.table_model import table_csv, table_markdown

from .fake_results import write_run


def _metrics(base: float) -> dict[str, float]:
    return {
        "mAP@10": base,
        "NDCG@10": base + 0.1,
        "mAP@10/normal": base - 0.1,
        "mAP@10/dr": base + 0.2,
        "cosine/mAP@10": base + 0.05,
        "mAP@5": 0.99,
    }


@pytest.fixture
def group(tmp_path: Path):
    for seed, offset in enumerate((0.0, 0.02, 0.04)):
        write_run(
            tmp_path / f"ath{seed}",
            method="ath",
            bits=12,
            r=0.5,
            seed=seed,
            test=_metrics(0.5 + offset),
        )
        write_run(
            tmp_path / f"ash{seed}",
            method="ash_u",
            bits=12,
            r=0.5,
            seed=seed,
            test=_metrics(0.3 + offset),
        )
    write_run(tmp_path / "ash48", method="ash_u", bits=48, r=0.5, seed=0, test=_metrics(0.9))
    (only,) = group_records(collect_runs([tmp_path]).records)
    return only


def test_rows_are_methods_at_k12_and_columns_overall_per_class_then_other_ranking(group):
    table = comparison_table(group, "comparison_x", 10, 0.5)
    assert table.columns == ("mAP@10", "NDCG@10", "mAP@10/dr", "mAP@10/normal", "cosine/mAP@10")
    assert [row.labels[0] for row in table.rows] == ["ASH-U", "ATH", "random codes"]
    ath = dict(zip(table.columns, table.rows[1].cells, strict=True))
    assert ath["mAP@10"].mean == pytest.approx(0.52) and ath["mAP@10"].n == 3
    assert ath["mAP@10/dr"].mean == pytest.approx(0.72)
    assert ath["cosine/mAP@10"].mean == pytest.approx(0.57)
    assert math.isclose(ath["NDCG@10"].std, 0.02)


def test_the_random_codes_row_has_the_metrics_they_recorded(group):
    table = comparison_table(group, "comparison_x", 10, 0.5)
    random_row = dict(zip(table.columns, table.rows[-1].cells, strict=True))
    assert random_row["mAP@10"] is not None
    assert random_row["NDCG@10"] is None


def test_markdown_and_csv(group):
    table = comparison_table(group, "comparison_x", 10, 0.5)
    markdown = table_markdown(table)
    assert "| method | mAP@10 | NDCG@10 | mAP@10/dr |" in markdown
    assert "K = 12" in markdown
    csv_lines = table_csv(table).splitlines()
    assert csv_lines[0].startswith("method,metric,mean,std,n")
    assert any(line.startswith("ATH,mAP@10/dr,0.72") for line in csv_lines)
