"""A logger=wandb multirun leaves one offline W&B run per job, with config, names and media."""

import json
import os

from ash_process import run_ash

from .wandb_records import read_records

JOBS = [(bits, seed) for bits in (8, 12) for seed in (0, 1)]
MEDIA = (
    "test/retrieval_grid",
    "test/attention_overlay",
    "test/per_class_mAP",
    "test/bit_balance",
    "test/code_usage",
    "test/pr_curve_table",
)


def _keys(items) -> set[str]:
    return {item.key or "/".join(item.nested_key) for item in items}


def test_each_job_of_a_multirun_is_its_own_offline_run(tmp_path):
    sweep = tmp_path / "sweep"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("WANDB_")},
        "WANDB_SILENT": "true",
    }
    result = run_ash(
        "-m",
        "logger=wandb",
        "data.size=tiny",
        "data.image_size=32",
        "model.head.hidden_features=256",
        "trainer.max_epochs=1",
        "trainer.enable_progress_bar=false",
        "bits=8,12",
        "seed=0,1",
        f"hydra.sweep.dir={sweep}",
        cwd=tmp_path,
        env=env,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    names = set()
    for job in sorted(path for path in sweep.iterdir() if path.is_dir()):
        files = list((job / "wandb").glob("offline-run-*/run-*.wandb"))
        assert len(files) == 1, f"{job}: {files}"
        records = read_records(files[0])
        kinds = [record.WhichOneof("record_type") for record in records]
        assert kinds.count("run") == 1 and kinds.count("exit") == 1
        run = next(record.run for record in records if record.HasField("run"))
        results = json.loads((job / "results.json").read_text())
        name = f"ash_u-K{results['bits']}-r0.5-s{results['seed']}"
        assert run.display_name == name and run.run_group == str(sweep)
        assert run.job_type == "train"
        assert {"method:ash_u", "dataset:synthetic_asoct"} <= set(run.tags)
        config = set().union(*(_keys(r.config.update) for r in records if r.HasField("config")))
        assert {"data", "model", "loss", "optimizer", "bits", "seed"} <= config
        assert "hydra" not in config
        summary = {
            item.key: item.value_json
            for record in records
            if record.HasField("summary")
            for item in record.summary.update
        }
        test_map = results["metrics"]["test"]["metrics"]["mAP@10"]
        assert json.loads(summary["test/mAP@10"]) == test_map
        assert json.loads(summary["selection/epoch"]) == results["selection"]["epoch"]
        assert "timings_s/fit" in summary
        history = set().union(*(_keys(r.history.item) for r in records if r.HasField("history")))
        for medium in MEDIA:
            assert any(key.startswith(medium + "/") for key in history), medium
        images = list(files[0].parent.glob("files/media/images/test/*.png"))
        assert len(images) == 8  # 4 fixed queries: their grids and attention overlays
        names.add(run.display_name)
    assert names == {f"ash_u-K{bits}-r0.5-s{seed}" for bits, seed in JOBS}
