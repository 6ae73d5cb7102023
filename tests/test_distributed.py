import pytest
import pytorch_lightning as pl
from hydra.utils import instantiate

from ash_lightning.lightning.hashing_module import PairwiseHashingModule
from ash_lightning.run.deep_fit import build_trainer
from ash_lightning.run.job import train
from ash_lightning.tracking.trackers import build_loggers


@pytest.mark.slow
def test_ddp_cpu_metrics_equal_single_process_evaluation_of_its_checkpoint(tiny_config, tmp_path):
    # 2 gloo processes; the tiny splits (50 queries, 200 images) leave the distributed
    # sampler padding to make up, so a dropped or duplicated sample would change the metrics.
    cfg = tiny_config("trainer=ddp_cpu", "data.eval_batch_size=7", output_dir=tmp_path / "ddp")
    results = train(cfg)
    ddp_metrics = results["metrics"]["test"]["metrics"]

    single = tiny_config("trainer.devices=1", "~logger", output_dir=tmp_path / "single")
    datamodule = instantiate(single.data)
    module = PairwiseHashingModule(
        net=instantiate(single.model),
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
