import io
from pathlib import Path

from matplotlib.image import imread

from ash_lightning.report import build_report

from .conftest import BuiltReport
from .fake_results import write_run

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_one_fig3_png_per_group(built_report: BuiltReport) -> None:
    names = sorted(path.name for path in built_report.paths.figures)

    assert names == [
        "fig3_synthetic_asoct_authors_hamming.png",
        "fig3_synthetic_asoct_standard_hamming.png",
    ]
    for path in built_report.paths.figures:
        assert path.read_bytes()[:8] == PNG_SIGNATURE
        assert path.stat().st_size > 20_000
        height, width, _ = imread(path).shape
        assert width > 1000 and height > 400
        assert f"]({path.name})" in built_report.markdown


def test_every_table_has_a_csv_beside_the_report(built_report: BuiltReport) -> None:
    out = built_report.paths.markdown.parent

    assert sorted(path.name for path in built_report.paths.tables) == [
        "comparison_synthetic_asoct_authors_hamming.csv",
        "comparison_synthetic_asoct_standard_hamming.csv",
        "fig3_synthetic_asoct_authors_hamming.csv",
        "fig3_synthetic_asoct_standard_hamming.csv",
        "table1_synthetic_asoct_standard_hamming_ash_u.csv",
        "table2_synthetic_asoct_authors_hamming.csv",
        "table2_synthetic_asoct_standard_hamming.csv",
    ]
    for path in built_report.paths.tables:
        assert path.parent == out and path.read_text().count("\n") > 1
        assert f"]({path.name})" in built_report.markdown


def test_broken_files_are_reported_and_skipped(built_report: BuiltReport) -> None:
    sweep = built_report.sweep

    assert set(built_report.paths.skipped) == {sweep.corrupt, sweep.incomplete}
    lines = built_report.log.splitlines()
    assert len(lines) == 2
    assert f"skipped {sweep.corrupt}: unreadable" in lines[0]
    assert f"skipped {sweep.incomplete}: incomplete (no 'metrics')" == lines[1]
    assert "## Skipped files" in built_report.markdown
    assert "26 runs read; skipped files: 2." in built_report.markdown


def test_fundus_runs_pair_ash_l_with_the_papers_ash(tmp_path: Path) -> None:
    for seed in range(3):
        write_run(
            tmp_path / str(seed),
            method="ash_l",
            dataset="synthetic_fundus",
            bits=12,
            r=0.5,
            seed=seed,
        )

    paths = build_report([tmp_path], tmp_path, log=io.StringIO())

    markdown = paths.markdown.read_text()
    assert "Paper counterpart: Fundus-iSee" in markdown
    assert (
        "| *ASH-L (paper, private data)* | *0.6490* | *0.6346* | *0.6272* | *0.6233* |" in markdown
    )
    assert "Not shown: no ASH method was run at more than one r." in markdown
    assert [path.name for path in paths.figures] == ["fig3_synthetic_fundus.png"]


def test_each_figure_has_a_vector_pdf_and_its_title_in_the_caption(
    built_report: BuiltReport,
) -> None:
    for png, pdf in zip(built_report.paths.figures, built_report.paths.vector_figures, strict=True):
        assert pdf == png.with_suffix(".pdf") and pdf.read_bytes()[:5] == b"%PDF-"
        assert f"Vector version: [{pdf.name}]({pdf.name})" in built_report.markdown
    assert "*Fig. 3 shape: mHR, mAP and mRR over the hash-code bits K (" in built_report.markdown


def test_the_figure_carries_no_title_of_its_own(fake_sweep) -> None:
    from ash_lightning.report.aggregate import group_records
    from ash_lightning.report.collect import collect_runs
    from ash_lightning.report.fig3_data import fig3_data
    from ash_lightning.report.figures import fig3_figure

    group = group_records(collect_runs([fake_sweep.root]).records)[0]
    figure = fig3_figure(fig3_data(group, 10, 0.5))
    assert figure.get_suptitle() == ""
    assert all(axis.get_title() == "" for axis in figure.axes)
    assert [axis.get_ylabel() for axis in figure.axes] == ["mHR@10", "mAP@10", "mRR@10"]
