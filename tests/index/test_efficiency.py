"""``ash-index efficiency``: the §IV-C report on a tiny run, and the scale benchmark's parts."""

import numpy as np
import pytest

from ash_lightning.index.scale import (
    clustered_outputs,
    compare_index_kinds,
    tie_aware_recall,
)

from .helpers import run_cli

SMALL_SCALE = ["--scale-codes=4000", "--scale-queries=20", "--scale-bits=48"]


def test_report_of_a_synthetic_run_beside_the_papers_numbers(trained_run, tmp_path, capsys):
    out = tmp_path / "efficiency.md"
    code, stdout, stderr = run_cli(
        ["efficiency", f"--checkpoint={trained_run}", f"--out={out}", *SMALL_SCALE], capsys
    )
    assert code == 0, stderr
    report = out.read_text()
    assert report.strip() == stdout.strip().rsplit("\nwritten:", 1)[0].strip()
    assert "| code extraction, database | 200 images in " in report
    assert "| search, all queries at top-10 | 50 queries in " in report
    assert "9,000 images in 33 s" in report and "1,000 queries in 3,000 ms" in report
    assert "| peak memory, training (from the run) | " in report
    assert "4,000 synthetic 48-bit codes, 20 queries, top-10:" in report
    assert "| flat | — |" in report and report.count("| 1.000 |") >= 1
    for kind in ("multihash", "ivf"):
        assert f"| {kind} | " in report


def test_a_folder_of_images_is_timed_with_the_runs_preparation(
    trained_run, exported_data, tmp_path, capsys
):
    out = tmp_path / "efficiency.md"
    code, _, stderr = run_cli(
        [
            "efficiency",
            f"--checkpoint={trained_run}",
            f"--data={exported_data}",
            f"--out={out}",
            "--scale-codes=0",
        ],
        capsys,
    )
    assert code == 0, stderr
    report = out.read_text()
    assert "| code extraction, database | 200 images in " in report
    assert report.startswith(f"# Efficiency of ash_u (12 bits) on {exported_data}\n")


def test_a_missing_data_folder_is_one_line_error(trained_run, tmp_path, capsys):
    code, _, stderr = run_cli(
        ["efficiency", f"--checkpoint={trained_run}", f"--data={tmp_path / 'nope'}/"], capsys
    )
    assert code == 2 and stderr.startswith("ash-index: error: --data ")
    assert stderr.count("\n") == 1


def test_tie_aware_recall_by_hand():
    exact = [(np.array([0, 1, 1]), np.array([4, 2, 7])), (np.array([2, 3, 5]), np.array([1, 0, 9]))]
    # Query 0: a different case tied at the k-th distance 1 is a hit; distance 2 is not.
    # Query 1: only two results found, both within 5.
    found = [(np.array([0, 1, 2]), np.array([4, 3, 8])), (np.array([2, 5]), np.array([1, 6]))]
    assert tie_aware_recall(exact, found, 3) == pytest.approx((2 / 3 + 2 / 3) / 2)


def test_clustered_codes_stay_near_their_centres():
    outputs = clustered_outputs(500, 48, clusters=5, flip=0.05, rng=np.random.default_rng(0))
    assert outputs.shape == (500, 48) and set(np.unique(outputs)) == {-1.0, 1.0}
    distances = (outputs[:, None, :] != outputs[None, :, :]).sum(axis=2)
    nearest = np.sort(distances, axis=1)[:, 1]
    assert np.median(nearest) <= 6 < np.median(distances)


def test_flat_is_exact_and_every_kind_is_compared_on_the_same_codes():
    results = compare_index_kinds(count=4000, queries=30, bits=24, k=10, clusters=50)
    assert [result.index_type for result in results] == ["flat", "multihash", "ivf"]
    assert results[0].recall == 1.0 and results[0].params == {}
    assert all(0.0 <= result.recall <= 1.0 for result in results)
    assert results[2].params["nlist"] >= 1
