import json
import os

import pytest
import torch

from ash_lightning.data.retrieval_datamodule import RetrievalDataModule
from ash_lightning.lightning.hashing_module import PairwiseHashingModule
from ash_lightning.losses.contrastive_hash_loss import ContrastiveHashLoss
from ash_lightning.nn.ash_attention import ASHAttention
from ash_lightning.nn.ash_u_trunk import ASHUTrunk
from ash_lightning.nn.hash_head import HashHead
from ash_lightning.nn.hashing_network import HashingNetwork
from ash_lightning.run.checkpoint_loading import load_network
from ash_lightning.run.job import train


def test_tiny_run_writes_results_json(tiny_config, tmp_path):
    results = train(tiny_config())
    written = json.loads((tmp_path / "results.json").read_text())
    assert written["metrics"] == results["metrics"]
    assert written["onednn_max_cpu_isa"] == os.environ.get("ONEDNN_MAX_CPU_ISA")
    test = written["metrics"]["test"]
    assert test["convention"] == "standard" and test["ranking"] == "hamming"
    overall = {f"{m}@{k}" for m in ("mHR", "mAP", "mRR", "NDCG") for k in (5, 10, 15, 20)}
    grades = written["class_names"]
    assert written["grading"] is True and len(grades) == 5
    per_class = {f"mAP@{k}/{grade}" for grade in grades for k in (5, 10, 15, 20)}
    cosine = {f"cosine/{name}" for name in overall}
    tie_aware = {f"tie_aware/{name}" for name in overall | per_class}
    assert set(test["metrics"]) == overall | per_class | cosine | tie_aware
    assert all(0.0 <= v <= 1.0 for v in test["metrics"].values())
    random_codes = written["metrics"]["random_codes"]
    assert set(random_codes["metrics"]) == overall | per_class | tie_aware
    assert random_codes["ranking"] == "hamming"
    assert "val" in written["metrics"]
    assert written["method"] == "ash_u" and written["bits"] == 12 and written["seed"] == 0
    assert written["config"]["data"]["size"] == "tiny"
    assert written["timings_s"]["fit"] > 0 and written["timings_s"]["epochs"] == 2
    assert {"test_encode_s", "test_index_build_s", "test_search_s"} <= set(written["timings_s"])
    assert written["memory_mb"]["fit_peak_rss_mb"] > 50
    rows = ("| ash_u | mAP |", "| ash_u (tie-aware) | mAP |", "| ash_u (cosine) | mAP |")
    for row in (*rows, "| ash_u | NDCG |", "| random codes (tie-aware) | mAP |"):
        assert row in written["table"]
    assert "| random codes | mAP |" in written["table"]
    assert (tmp_path / "checkpoints" / "last.ckpt").is_file()
    assert (tmp_path / "csv" / "metrics.csv").is_file()
    assert not list(tmp_path.glob(".results.json.*"))


def test_a_tuning_trial_never_touches_the_test_split(tiny_config, tmp_path, monkeypatch):
    def refuse(self):
        raise AssertionError("test=false must not load the test queries")

    monkeypatch.setattr(RetrievalDataModule, "test_dataloader", refuse)
    results = train(tiny_config("test=false"))
    written = json.loads((tmp_path / "results.json").read_text())
    assert written["tested"] is False and written["table_stage"] == "val"
    assert set(written["metrics"]) == {"val", "random_codes"}
    assert not any(name.startswith("test_") for name in written["timings_s"])
    assert written["selection"]["monitor"] == "val/mAP@10"
    val = written["metrics"]["val"]["metrics"]
    assert f"| ash_u | mAP | {val['mAP@5']:.4f} | {val['mAP@10']:.4f}" in results["table"]


def test_a_shallow_tuning_trial_reports_validation_only(tiny_config):
    results = train(tiny_config("model=itq", "test=false", shallow=True))
    assert set(results["metrics"]) == {"val", "random_codes"}
    assert results["timings_s"] == {"fit": results["timings_s"]["fit"]}
    assert set(results["code_statistics"]) == {"val"}


def test_same_seed_same_metrics(tiny_config, tmp_path):
    first = train(tiny_config(output_dir=tmp_path / "a"))
    second = train(tiny_config(output_dir=tmp_path / "b"))
    assert first["metrics"] == second["metrics"]


def test_two_loader_workers_give_the_same_metrics_as_none(tiny_config, tmp_path):
    none = train(tiny_config("data.num_workers=0", output_dir=tmp_path / "none"))
    two = train(tiny_config("data.num_workers=2", output_dir=tmp_path / "two"))
    assert two["metrics"] == none["metrics"] and two["selection"] == none["selection"]


def test_released_conventions_are_labelled(tiny_config):
    results = train(
        tiny_config(
            "metrics.convention=authors",
            "retrieval.binarize=false",
            "attention=ash_released",
            "loss=contrastive_released",
            "optimizer=adam",
            "trainer.max_epochs=1",
        )
    )
    assert results["metrics"]["test"]["convention"] == "authors"
    assert results["metrics"]["test"]["ranking"] == "cosine"
    assert results["config"]["loss"]["distance"] == "mean_squared"
    # The tie-aware values are the other (Hamming) ranking's, and the table says so.
    assert "| ash_u (hamming, tie-aware) | mAP |" in results["table"]
    assert "| ash_u (tie-aware) |" not in results["table"]


def test_ash_l_on_fundus_and_attention_none(tiny_config):
    results = train(
        tiny_config(
            "model=ash_l", "data=synthetic_fundus", "attention=none", "trainer.max_epochs=1"
        )
    )
    assert results["method"] == "ash_l"
    assert results["config"]["model"]["trunk"]["attention"]["_target_"].endswith("NoAttention")


def test_checkpoint_reloads_into_the_configured_network(tiny_config, tmp_path):
    cfg = tiny_config("trainer.max_epochs=1")
    train(cfg)
    net = load_network(cfg, tmp_path / "checkpoints" / "last.ckpt")
    assert net(torch.zeros(2, 1, 32, 32)).shape == (2, 12)
    with pytest.raises(FileNotFoundError, match="checkpoint not found"):
        load_network(cfg, tmp_path / "missing.ckpt")


def test_one_network_encodes_both_images_of_a_pair():
    net = HashingNetwork(
        ASHUTrunk(ASHAttention, in_channels=1), lambda w: HashHead(w, 8, 32), 32, 1
    )
    module = PairwiseHashingModule(
        net, ContrastiveHashLoss(8, 0.5), lambda p: torch.optim.SGD(p, lr=0.1)
    )
    assert [id(p) for p in module.parameters()] == [id(p) for p in net.parameters()]
    calls = []
    net.register_forward_hook(lambda _m, inputs, _o: calls.append(inputs[0].shape[0]))
    first, second = torch.randn(3, 1, 32, 32), torch.randn(3, 1, 32, 32)
    module.log = lambda *args, **kwargs: None
    loss = module.training_step((first, second, torch.tensor([0.0, 1.0, 1.0])), 0)
    loss.backward()
    assert calls == [6]
    assert net.trunk.stem[0].weight.grad is not None
