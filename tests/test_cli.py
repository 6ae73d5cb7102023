import csv
import json

import pytest
from ash_process import run_ash


@pytest.mark.slow
def test_table1_sweep_writes_summary(tmp_path):
    result = run_ash(
        "-m",
        "r=0.3,0.5,0.7",
        "bits=12,24,36,48",
        "data.size=tiny",
        "data.image_size=32",
        "trainer.max_epochs=1",
        "trainer.enable_progress_bar=false",
        "model.head.hidden_features=256",
        f"hydra.sweep.dir={tmp_path / 'sweep'}",
        cwd=tmp_path,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    sweep = tmp_path / "sweep"
    assert len(list(sweep.glob("*/results.json"))) == 12
    rows = list(csv.reader((sweep / "summary_test_mAPat10.csv").open()))
    assert rows[0] == ["method=ash_u"]
    assert rows[1] == ["r", "12", "24", "36", "48"]
    assert [row[0] for row in rows[2:5]] == ["0.3", "0.5", "0.7"]
    job = json.loads((sweep / "0" / "results.json").read_text())
    assert float(rows[2][1]) == pytest.approx(job["metrics"]["test"]["metrics"]["mAP@10"], abs=1e-6)
    assert rows[5] == ["method=random codes (chance)"]
    chance = job["metrics"]["random_codes"]["metrics"]["mAP@10"]
    assert float(rows[7][1]) == pytest.approx(chance, abs=1e-6)
    markdown = (sweep / "summary_test_mAPat10.md").read_text()
    assert "| r | K = 12 | K = 24 | K = 36 | K = 48 |" in markdown
    assert markdown.strip().splitlines()[-1] in result.stdout


@pytest.mark.slow
def test_default_run_beats_random_codes(tmp_path):
    result = run_ash(
        f"hydra.run.dir={tmp_path / 'run'}",
        "trainer.enable_progress_bar=false",
        cwd=tmp_path,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    results = json.loads((tmp_path / "run" / "results.json").read_text())
    trained = results["metrics"]["test"]["metrics"]["mAP@10"]
    chance = results["metrics"]["random_codes"]["metrics"]["mAP@10"]
    assert trained > chance + 0.15
    assert "| ash_u | mAP |" in result.stdout and "| random codes | mAP |" in result.stdout
