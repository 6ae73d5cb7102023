"""The warm-up schedule (scheduler=warmup) sets each optimizer step's learning rate."""

import numpy as np
import pytest

from ash_lightning.run.job import train

LR = 0.01


def _logged_learning_rates(tiny_config, tmp_path, *extra: str) -> dict[int, float]:
    cfg = tiny_config(
        f"optimizer.lr={LR}", "trainer.max_epochs=2", "trainer.log_every_n_steps=1", *extra
    )
    train(cfg)
    return _read_learning_rates(tmp_path)


def _read_learning_rates(run_dir) -> dict[int, float]:
    """Step -> learning rate, as the run in ``run_dir`` logged them (train/lr)."""
    logged = np.genfromtxt(next(run_dir.rglob("metrics.csv")), delimiter=",", names=True)
    rows = ~np.isnan(logged["trainlr"])
    steps, rates = logged["step"][rows].astype(int).tolist(), logged["trainlr"][rows].tolist()
    return dict(zip(steps, rates, strict=True))


def test_the_rate_climbs_linearly_over_total_iters_then_holds(tiny_config, tmp_path):
    start, steps = 0.2, 5
    rates = _logged_learning_rates(
        tiny_config,
        tmp_path,
        "scheduler=warmup",
        f"scheduler.start_factor={start}",
        f"scheduler.total_iters={steps}",
    )
    assert len(rates) > steps + 1
    for step, rate in rates.items():
        expected = LR * (start + (1 - start) * min(step, steps) / steps)
        assert rate == pytest.approx(expected, rel=1e-6), step


def test_without_a_schedule_the_rate_is_the_optimizers(tiny_config, tmp_path):
    rates = _logged_learning_rates(tiny_config, tmp_path)
    assert len(rates) > 2
    assert all(rate == pytest.approx(LR, rel=1e-6) for rate in rates.values())


def test_a_resumed_run_continues_the_warm_up_where_it_stopped(tiny_config, tmp_path):
    start, steps = 0.1, 1000
    warmup = (
        "scheduler=warmup",
        f"scheduler.start_factor={start}",
        f"scheduler.total_iters={steps}",
    )
    first = _logged_learning_rates(tiny_config, tmp_path, *warmup)
    resumed_cfg = tiny_config(
        f"optimizer.lr={LR}",
        "trainer.max_epochs=3",
        "trainer.log_every_n_steps=1",
        "resume=auto",
        *warmup,
    )
    train(resumed_cfg)
    resumed = _read_learning_rates(tmp_path)
    later = [step for step in resumed if step > max(first)]
    assert later, "the resumed epoch logged no learning rate"
    for step in later:
        expected = LR * (start + (1 - start) * step / steps)
        assert resumed[step] == pytest.approx(expected, rel=1e-6), step
