import json

import pytest
import pytorch_lightning as pl
from ash_process import run_ash
from hydra.utils import instantiate

from ash_lightning.lightning.hashing_module import PairwiseHashingModule
from ash_lightning.run.deep_fit import build_trainer
from ash_lightning.run.job import train
from ash_lightning.run.network_build import build_network
from ash_lightning.tracking.trackers import build_loggers


@pytest.mark.slow
def test_ddp_cpu_metrics_equal_single_process_evaluation_of_its_checkpoint(tiny_config, tmp_path):
    # 2 gloo processes; the tiny splits (50 queries, 200 images) leave the distributed
    # sampler padding to make up, so a dropped or duplicated sample would change the metrics.
    cfg = tiny_config("trainer=ddp_cpu", "data.eval_batch_size=7", output_dir=tmp_path / "ddp")
    results = train(cfg)
    ddp_metrics = results["metrics"]["test"]["metrics"]
    assert results["timings_s"]["epochs"] == cfg.trainer.max_epochs
    assert results["distributed"]["world_size"] == 2

    single = tiny_config("trainer.devices=1", "~logger", output_dir=tmp_path / "single")
    datamodule = instantiate(single.data)
    module = PairwiseHashingModule(
        net=build_network(single.model),
        loss=instantiate(single.loss),
        optimizer=instantiate(single.optimizer),
    )
    trainer = build_trainer(single, datamodule, build_loggers(single))
    pl.seed_everything(0)
    trainer.test(
        module,
        datamodule=datamodule,
        ckpt_path=str(tmp_path / "ddp" / "checkpoints" / "last.ckpt"),
        verbose=False,
    )
    single_metrics = {name: float(trainer.callback_metrics[f"test/{name}"]) for name in ddp_metrics}
    assert single_metrics == pytest.approx(ddp_metrics, abs=1e-6)


def test_a_ddp_sweep_on_cpu_writes_one_folder_with_each_job_once(tmp_path):
    # trainer=ddp starts its second process by re-running the command line: it must re-run
    # the job, not the sweep, and write into the job's folder.
    result = run_ash(
        "-m",
        "trainer=ddp",
        "trainer.accelerator=cpu",
        "trainer.devices=2",
        "data.size=tiny",
        "data.image_size=32",
        "model.head.hidden_features=256",
        "trainer.max_epochs=2",
        "trainer.enable_progress_bar=false",
        "seed=0,1",
        "hydra.sweep.dir=sweep",
        cwd=tmp_path,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["sweep"]
    jobs = sorted(path for path in (tmp_path / "sweep").iterdir() if path.is_dir())
    assert [job.name for job in jobs] == ["0", "1"]
    for job in jobs:
        results = json.loads((job / "results.json").read_text())
        assert results["timings_s"]["epochs"] == 2
        assert results["distributed"] == {
            "per_device": 16,
            "world_size": 2,
            "accumulate_grad_batches": 1,
            "total": 32,
        }
    assert result.stderr.count("effective batch: 16 images per device x 2 process(es)") == 2
    assert result.stdout.count("results: ") == 2  # the child processes print nothing
