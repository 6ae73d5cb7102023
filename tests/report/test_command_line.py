import subprocess
import sys
from pathlib import Path

from .fake_results import make_fake_sweep


def run_report(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ash_lightning.report", *arguments],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_command_writes_the_report(tmp_path: Path) -> None:
    sweep = make_fake_sweep(tmp_path / "sweep")
    out = tmp_path / "out"

    done = run_report(str(sweep.root), "--out", str(out), "--metric-k", "5")

    assert done.returncode == 0, done.stderr
    assert f"skipped {sweep.corrupt}: unreadable" in done.stderr
    assert f"skipped {sweep.incomplete}: incomplete" in done.stderr
    report = (out / "report.md").read_text()
    assert "| mAP@5 | ASH-U | 0.6500 ± 0.0458 (n=3) | 0.8500 ± 0.0458 (n=3) |" in report
    assert "| *0.7 (paper, private data)* | *0.5047* | *0.8856* |" in report
    assert (out / "fig3_synthetic_asoct_standard_hamming.png").stat().st_size > 20_000


def test_the_report_goes_to_the_first_sweep_by_default(tmp_path: Path) -> None:
    sweep = make_fake_sweep(tmp_path / "sweep")

    done = run_report(str(sweep.root))

    assert done.returncode == 0, done.stderr
    assert (sweep.root / "report.md").is_file()


def test_an_empty_folder_fails_clearly(tmp_path: Path) -> None:
    done = run_report(str(tmp_path))

    assert done.returncode != 0
    assert done.stderr.startswith(f"error: no results.json in {tmp_path}")
    assert "Traceback" not in done.stderr
