"""Model selection on validation only: the kept checkpoint, the test on it, the objective."""

import math

import numpy as np
import pytest
import torch
from hydra.utils import instantiate
from pytorch_lightning.callbacks import EarlyStopping

from ash_lightning.data.image_tensors import to_network_input
from ash_lightning.retrieval import evaluate_retrieval
from ash_lightning.run.compose import compose_config
from ash_lightning.run.config_check import ConfigError, validate_config
from ash_lightning.run.deep_fit import build_trainer
from ash_lightning.run.job import train, validation_objective
from ash_lightning.run.network_build import build_network
from ash_lightning.run.trained_run import load_trained_run
from ash_lightning.tracking.trackers import build_loggers


@pytest.fixture(scope="module")
def selected_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("selected")
    cfg = compose_config(
        [
            "data.size=tiny",
            "data.image_size=32",
            "trainer.enable_progress_bar=false",
            "model.head.hidden_features=256",
            "trainer.max_epochs=3",
            "optimizer=adam",
        ],
        output_dir=out,
    )
    return cfg, train(cfg), out


def test_the_kept_checkpoint_is_the_best_validation_epoch(selected_run):
    cfg, results, out = selected_run
    selection = results["selection"]
    assert selection["monitor"] == "val/mAP@10" and selection["mode"] == "max"
    assert 1 <= selection["epoch"] <= results["timings_s"]["epochs"] == 3
    assert (out / selection["checkpoint"]).is_file()
    assert (out / "checkpoints" / "last.ckpt").is_file()
    logged = np.genfromtxt(next(out.rglob("metrics.csv")), delimiter=",", names=True)
    per_epoch = logged["valmAP10"][~np.isnan(logged["valmAP10"])][:3]
    assert selection["score"] == pytest.approx(per_epoch.max(), abs=1e-6)
    assert selection["epoch"] == int(np.argmax(per_epoch)) + 1
    # The recorded validation metrics are the selected checkpoint's, not the last epoch's.
    assert results["metrics"]["val"]["metrics"]["mAP@10"] == pytest.approx(selection["score"])


@pytest.mark.parametrize("stage", ["val", "test"])
def test_each_stage_is_scored_by_the_selected_checkpoint_in_its_own_database_order(
    selected_run, stage
):
    cfg, results, out = selected_run
    run = load_trained_run(out)
    assert run.checkpoint.name == "best.ckpt"
    datamodule = instantiate(cfg.data)
    splits = datamodule.splits
    rows = datamodule.database_order
    if stage == "val":
        rows = datamodule.val_database_positions[datamodule.val_database_order]
    with torch.no_grad():
        queries = run.net(to_network_input(getattr(splits, f"{stage}_images"))).numpy()
        database = run.net(to_network_input(splits.database_images)).numpy()
    again = evaluate_retrieval(
        queries,
        getattr(splits, f"{stage}_labels"),
        database[rows],
        splits.database_labels[rows],
        topk=[10],
        grading=datamodule.grading,
    )
    assert again.metrics["mAP@10"] == pytest.approx(
        results["metrics"][stage]["metrics"]["mAP@10"], abs=1e-6
    )


def test_results_record_the_database_order_and_the_code_statistics(selected_run):
    cfg, results, _ = selected_run
    assert results["database_order_seed"] == cfg.seed
    for stage in ("val", "test"):
        stats = results["code_statistics"][stage]
        assert set(stats) == {
            "distinct_codes",
            "bit_balance",
            "constant_bits",
            "identical_outputs",
        }
        assert 1 <= stats["distinct_codes"] <= results["database"]


def test_the_sweep_objective_is_the_validation_score_never_the_test_one(selected_run):
    cfg, results, _ = selected_run
    assert validation_objective(cfg, results) == results["selection"]["score"]
    shallow = {
        "selection": None,
        "metrics": {"val": {"metrics": {"mAP@10": 0.25}}, "test": {"metrics": {"mAP@10": 0.75}}},
    }
    assert validation_objective(cfg, shallow) == 0.25
    assert math.isnan(validation_objective(cfg, {"selection": None, "metrics": {}}))


def test_early_stopping_watches_the_same_monitor_with_the_configured_patience(tiny_config):
    cfg = tiny_config("callbacks=early_stopping", "callbacks.early_stopping.patience=2")
    trainer = build_trainer(cfg, instantiate(cfg.data), build_loggers(cfg))
    stopping = [c for c in trainer.callbacks if isinstance(c, EarlyStopping)]
    assert len(stopping) == 1
    assert stopping[0].monitor == "val/mAP@10" and stopping[0].patience == 2
    assert stopping[0].mode == "max"


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("callbacks.model_checkpoint.monitor=test/mAP@10", "validation metrics only"),
        ("callbacks.model_checkpoint.monitor=val/mAP@7", "k=7 is not in topk"),
        ("callbacks.model_checkpoint.monitor=val/loss", "not a metric name"),
    ],
)
def test_a_monitor_that_is_not_a_computed_validation_metric_is_refused(
    tiny_config, override, message
):
    with pytest.raises(ConfigError, match=message):
        validate_config(tiny_config(override))


def test_the_database_order_is_a_seeded_permutation_not_the_file_order(tiny_config):
    cfg = tiny_config()
    first = instantiate(cfg.data).database_order
    assert sorted(first.tolist()) == list(range(len(first)))
    assert not np.array_equal(first, np.arange(len(first)))
    np.testing.assert_array_equal(first, instantiate(cfg.data).database_order)
    other = instantiate(cfg.data, database_order_seed=cfg.seed + 1).database_order
    assert not np.array_equal(first, other)


@pytest.mark.parametrize("val_database_size", [None, 40])
def test_validation_ranks_in_a_seeded_order_independent_of_the_test_one(
    tiny_config, val_database_size
):
    """Selection must not see the order the test breaks its ties in."""
    data = instantiate(tiny_config().data, val_database_size=val_database_size)
    val, test = data.val_database_order, data.database_order
    count = len(data.val_database_positions)
    assert sorted(val.tolist()) == list(range(count))
    assert not np.array_equal(val, test[:count]) and not np.array_equal(val, np.arange(count))
    np.testing.assert_array_equal(
        val, instantiate(tiny_config().data, val_database_size=val_database_size).val_database_order
    )


def test_the_shallow_baselines_validate_in_the_validation_order(tiny_config, tmp_path):
    cfg = tiny_config("model=itq", "bits=4", shallow=True)
    results = train(cfg)
    datamodule = instantiate(cfg.data)
    splits = datamodule.splits
    model = build_network(cfg.model)
    model.fit(splits.database_images, splits.database_labels)
    rows = datamodule.val_database_positions[datamodule.val_database_order]
    again = evaluate_retrieval(
        model.encode(splits.val_images),
        splits.val_labels,
        model.encode(splits.database_images)[rows],
        splits.database_labels[rows],
        topk=[10],
        grading=datamodule.grading,
    )
    assert again.metrics["mAP@10"] == pytest.approx(
        results["metrics"]["val"]["metrics"]["mAP@10"], abs=1e-9
    )


def test_a_code_floor_selects_the_best_epoch_whose_codes_reach_it(tiny_config, tmp_path):
    per_class = 1000  # more codes per class than the tiny database has images: no epoch reaches it
    results = train(
        tiny_config(
            "optimizer=adam",
            "trainer.max_epochs=3",
            f"callbacks.model_checkpoint.min_distinct_codes_per_class={per_class}",
        )
    )
    selection = results["selection"]
    assert selection["min_distinct_codes_per_class"] == per_class
    assert selection["reaches_code_floor"] is False
    logged = np.genfromtxt(next(tmp_path.rglob("metrics.csv")), delimiter=",", names=True)
    per_epoch = logged["valmAP10"][~np.isnan(logged["valmAP10"])][:3]
    assert selection["score"] == pytest.approx(per_epoch.max(), abs=1e-6)
    assert results["metrics"]["val"]["metrics"]["mAP@10"] == pytest.approx(selection["score"])
