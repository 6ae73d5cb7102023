"""Precision, gradient accumulation, channels_last and torch.compile as configuration."""

import math

import pytest
import torch
from hydra.utils import instantiate

from ash_lightning.run.checkpoint_loading import load_network
from ash_lightning.run.deep_fit import build_trainer
from ash_lightning.run.job import train
from ash_lightning.run.network_build import apply_speed, build_network, network_speed


def test_precision_and_accumulation_reach_the_trainer(tiny_config):
    cfg = tiny_config("trainer.precision=bf16-mixed", "trainer.accumulate_grad_batches=2")
    trainer = build_trainer(cfg, instantiate(cfg.data), [])
    assert trainer.precision == "bf16-mixed" and trainer.accumulate_grad_batches == 2


def test_bf16_with_accumulation_trains_end_to_end_on_cpu(tiny_config):
    results = train(
        tiny_config("trainer.precision=bf16-mixed", "trainer.accumulate_grad_batches=2")
    )
    assert results["distributed"]["total"] == 2 * results["distributed"]["per_device"]
    assert all(math.isfinite(v) for v in results["metrics"]["test"]["metrics"].values())
    assert results["config"]["trainer"]["precision"] == "bf16-mixed"


def test_channels_last_puts_the_network_and_its_batches_in_nhwc(tiny_config):
    cfg = tiny_config("model.channels_last=true", "data=synthetic_fundus")
    speed = network_speed(cfg.model)
    assert speed.channels_last and not speed.compile
    torch.manual_seed(0)
    plain = build_network(cfg.model).eval()
    nhwc = build_network(cfg.model).eval()
    nhwc.load_state_dict(plain.state_dict())
    apply_speed(nhwc, speed)
    conv = next(m for m in nhwc.modules() if isinstance(m, torch.nn.Conv2d))
    assert conv.weight.is_contiguous(memory_format=torch.channels_last)
    seen = []
    conv.register_forward_pre_hook(
        lambda module, inputs: seen.append(
            inputs[0].is_contiguous(memory_format=torch.channels_last)
        )
    )
    images = torch.randn(4, cfg.data.channels, 32, 32)
    assert not images.is_contiguous(memory_format=torch.channels_last)
    with torch.no_grad():
        torch.testing.assert_close(nhwc(images), plain(images), rtol=1e-4, atol=1e-5)
    assert seen == [True]


@pytest.mark.slow
def test_a_compiled_network_trains_to_the_same_codes_and_checkpoint_keys(tiny_config, tmp_path):
    plain = train(tiny_config(output_dir=tmp_path / "plain"))
    compiled = train(tiny_config("model.compile=true", output_dir=tmp_path / "compiled"))
    plain_map = plain["metrics"]["test"]["metrics"]["mAP@10"]
    assert compiled["metrics"]["test"]["metrics"]["mAP@10"] == pytest.approx(plain_map, abs=0.02)
    cfg = tiny_config("model.compile=true")
    net = load_network(cfg, tmp_path / "compiled" / "checkpoints" / "best.ckpt")
    assert set(net.state_dict()) == set(build_network(cfg.model).state_dict())
