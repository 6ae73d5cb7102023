import csv
import math
from pathlib import Path

import pytest

from .conftest import BuiltReport

SAMPLE_STD = math.sqrt(0.0021)
THREE = "± 0.0458 (n=3)"


def section(markdown: str, heading: str) -> str:
    start = markdown.index(heading)
    end = markdown.find("\n## ", start + 1)
    return markdown[start : end if end != -1 else None]


def standard(report: BuiltReport) -> str:
    return section(report.markdown, "## synthetic_asoct, standard convention, hamming ranking")


def csv_rows(report: BuiltReport, stem: str) -> list[dict[str, str]]:
    (path,) = [path for path in report.paths.tables if path.stem == stem]
    with Path(path).open() as stream:
        return list(csv.DictReader(stream))


def test_table_i_has_our_means_and_the_papers_values(built_report: BuiltReport) -> None:
    text = standard(built_report)

    assert "| r | K = 12 | K = 48 |" in text
    assert f"| 0.5 | 0.6000 {THREE} | 0.8000 {THREE} |" in text
    assert f"| 0.7 | 0.6500 {THREE} | 0.8500 {THREE} |" in text
    assert "| *0.5 (paper, private data)* | *0.7000* | *0.8161* |" in text
    assert "| *0.7 (paper, private data)* | *0.5047* | *0.8856* |" in text


def test_table_i_csv(built_report: BuiltReport) -> None:
    rows = csv_rows(built_report, "table1_synthetic_asoct_standard_hamming_ash_u")

    (cell,) = [row for row in rows if (row["r"], row["K"]) == ("0.7", "48")]
    assert float(cell["mean"]) == pytest.approx(0.85)
    assert float(cell["std"]) == pytest.approx(SAMPLE_STD)
    assert (cell["n"], cell["fewer_than_3_seeds"]) == ("3", "false")
    assert float(cell["paper_private_data"]) == 0.8856


def test_table_ii_has_every_method_at_k12_and_the_papers_rows(built_report: BuiltReport) -> None:
    text = standard(built_report)

    assert "| method | top-5 | top-10 | top-15 | top-20 |" in text
    assert f"| ASH-U | 0.6500 {THREE} | 0.6000 {THREE} | 0.5500 {THREE} | 0.5000 {THREE} |" in text
    assert "| *ASH-U (paper, private data)* | *0.7985* | *0.7000* | *0.6240* | *0.5706* |" in text
    assert "| *DPSH (paper, private data)* | *0.4368* | *0.3785* | *0.3462* | *0.3262* |" in text
    assert "DSH-A (paper" not in text
    assert "| random codes | 0.2200 ± 0.0100 (n=3) | 0.1700 ± 0.0100 (n=3) |" in text


def test_table_ii_csv(built_report: BuiltReport) -> None:
    rows = csv_rows(built_report, "table2_synthetic_asoct_standard_hamming")

    (ash,) = [row for row in rows if (row["method"], row["top_k"]) == ("ASH-U", "10")]
    assert float(ash["mean"]) == pytest.approx(0.60)
    assert float(ash["paper_private_data"]) == 0.7000
    (dsh_a,) = [row for row in rows if (row["method"], row["top_k"]) == ("DSH-A", "10")]
    assert dsh_a["paper_private_data"] == ""


def test_cells_with_fewer_than_three_seeds_are_flagged(built_report: BuiltReport) -> None:
    text = standard(built_report)

    assert "| DRH | 0.5600 (n=1) † | 0.5100 (n=1) † | 0.4600 (n=1) † | 0.4100 (n=1) † |" in text
    assert "| *DRH (paper, private data)* | *0.5920* |" in text
    assert "† fewer than 3 seeds" in text
    rows = csv_rows(built_report, "table2_synthetic_asoct_standard_hamming")
    assert {row["fewer_than_3_seeds"] for row in rows if row["method"] == "DRH"} == {"true"}


def test_fig3_table_has_methods_random_codes_and_no_paper_values(
    built_report: BuiltReport,
) -> None:
    text = standard(built_report)

    assert f"| mHR@10 | DPSH | 0.3900 {THREE} | 0.5900 {THREE} |" in text
    assert f"| mAP@10 | ASH-U | 0.6000 {THREE} | 0.8000 {THREE} |" in text
    assert "| mRR@10 | DRH | 0.5200 (n=1) † | — |" in text
    assert "| mRR@10 | random codes | 0.1800 ± 0.0100 (n=3) | 0.1800 ± 0.0100 (n=3) |" in text
    assert "Fig. 3 only as a plot" in text


def test_conventions_are_not_mixed(built_report: BuiltReport) -> None:
    authors = section(built_report.markdown, "## synthetic_asoct, authors convention")
    text = standard(built_report)

    assert "0.9123" not in text
    assert "| mAP@10 | ASH-U | 0.9123 (n=1) † | — |" not in text
    assert "| mAP@10 | ASH-U | 0.9123 (n=1) † |" in authors
    assert "Not shown: no ASH method was run at more than one r." in authors
    for title in [line for line in built_report.markdown.splitlines() if line.startswith("**")]:
        assert "convention" in title and "ranking" in title
