import json
from pathlib import Path

import pytest

from ash_lightning.report.collect import NoResultsError, collect_runs

from .fake_results import SEED_OFFSETS, FakeSweep, results_payload, write_run

GOOD_RUNS = 2 * 3 + 2 * 3 + 2 * 2 * 3 + 1 + 1  # dpsh, dsh_a, ash_u (2 r), drh, authors


def test_collect_reads_good_runs_and_skips_broken_ones(fake_sweep: FakeSweep) -> None:
    collected = collect_runs([fake_sweep.root])

    assert len(collected.records) == GOOD_RUNS
    reasons = {file.path: file.reason for file in collected.skipped}
    assert set(reasons) == {fake_sweep.corrupt, fake_sweep.incomplete}
    assert reasons[fake_sweep.corrupt].startswith("unreadable")
    assert reasons[fake_sweep.incomplete] == "incomplete (no 'metrics')"


def test_collect_accepts_run_folders_and_folders_of_sweeps(tmp_path: Path) -> None:
    run = write_run(tmp_path / "single_run", method="dpsh", bits=12, r=0.5, seed=0)
    write_run(tmp_path / "sweeps" / "a" / "0", method="dpsh", bits=12, r=0.5, seed=1)
    write_run(tmp_path / "sweeps" / "b" / "0", method="dpsh", bits=12, r=0.5, seed=2)

    collected = collect_runs([run, tmp_path / "sweeps"])

    assert sorted(record.seed for record in collected.records) == [0, 1, 2]


def test_a_seed_given_twice_is_counted_once(tmp_path: Path) -> None:
    for job in ("0", "1"):
        write_run(tmp_path / job, method="dpsh", bits=12, r=0.5, seed=0)

    collected = collect_runs([tmp_path])

    assert len(collected.records) == 1
    assert "counted once" in collected.skipped[0].reason


def test_old_files_without_dataset_take_it_from_the_data_config(tmp_path: Path) -> None:
    payload = results_payload(method="ash_u", bits=48, r=0.5, seed=1)
    del payload["dataset"]
    payload["method"] = "ash_l"
    payload["config"]["data"]["kind"] = "fundus"
    (tmp_path / "0").mkdir()
    (tmp_path / "0" / "results.json").write_text(json.dumps(payload))

    (record,) = collect_runs([tmp_path]).records

    assert (record.dataset, record.method, record.bits, record.seed) == (
        "synthetic_fundus",
        "ash_l",
        48,
        1,
    )
    assert record.test["mHR@5"] == pytest.approx(0.60 + 0.2 + SEED_OFFSETS[1])
    assert record.random_codes["mHR@5"] == pytest.approx(0.21)


def test_an_empty_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(NoResultsError, match="no results.json"):
        collect_runs([tmp_path])


def test_a_missing_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(NoResultsError, match="is not a folder"):
        collect_runs([tmp_path / "absent"])


def test_only_broken_files_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "0").mkdir()
    (tmp_path / "0" / "results.json").write_text("[]")

    with pytest.raises(NoResultsError, match="none of the 1"):
        collect_runs([tmp_path])
