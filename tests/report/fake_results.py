"""A fake sweep folder of results.json files with metric values known by construction.

Every test metric is BASE[method] + BITS_GAIN[bits] + R_GAIN[r] + METRIC_SHIFT[name]
+ K_SHIFT[k] + SEED_OFFSETS[seed]. The seed offsets (0.00, 0.03, 0.09) have mean 0.04
and sample standard deviation sqrt(0.0021) = 0.0458 (population std: 0.0374).
Random codes: 0.20 + METRIC_SHIFT + K_SHIFT + 0.01 * seed, the same for every method.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TOPK = (5, 10, 15, 20)
BASE = {"dpsh": 0.40, "dsh_a": 0.50, "drh": 0.55, "ash_u": 0.60, "ash_l": 0.60}
BITS_GAIN = {12: 0.0, 48: 0.2}
R_GAIN = {0.5: 0.0, 0.7: 0.05}
METRIC_SHIFT = {"mHR": 0.0, "mAP": 0.01, "mRR": 0.02}
K_SHIFT = {5: 0.0, 10: -0.05, 15: -0.10, 20: -0.15}
SEED_OFFSETS = (0.00, 0.03, 0.09)
OTHER_CONVENTION_VALUE = 0.9123


def metrics(value: Callable[[str, int], float]) -> dict[str, float]:
    return {f"{name}@{k}": value(name, k) for name in METRIC_SHIFT for k in TOPK}


def run_metrics(method: str, bits: int, r: float, seed: int) -> dict[str, float]:
    return metrics(
        lambda name, k: (
            BASE[method]
            + BITS_GAIN[bits]
            + R_GAIN[r]
            + METRIC_SHIFT[name]
            + K_SHIFT[k]
            + SEED_OFFSETS[seed]
        )
    )


def random_metrics(seed: int) -> dict[str, float]:
    return metrics(lambda name, k: 0.20 + METRIC_SHIFT[name] + K_SHIFT[k] + 0.01 * seed)


def results_payload(
    *,
    method: str,
    bits: int,
    r: float,
    seed: int,
    dataset: str = "synthetic_asoct",
    convention: str = "standard",
    test: dict[str, float] | None = None,
) -> dict[str, Any]:
    """What ash_lightning.run.job writes, with known metric values."""

    def entry(values: dict[str, float]) -> dict[str, Any]:
        return {"convention": convention, "ranking": "hamming", "metrics": values}

    return {
        "method": method,
        "dataset": dataset,
        "bits": bits,
        "r": r,
        "seed": seed,
        "queries": 150,
        "database": 1500,
        "package_version": "0.1.0",
        "python": "3.11.7",
        "metrics": {
            "test": entry(test or run_metrics(method, bits, r, seed)),
            "val": entry(test or run_metrics(method, bits, r, seed)),
            "random_codes": entry(random_metrics(seed)),
        },
        "timings_s": {"fit": 20.0, "epochs": 10, "fit_per_epoch": 2.0, "test_search_s": 0.002},
        "config": {
            "data": {"kind": "asoct", "size": "small", "image_size": 64},
            "metrics": {"convention": convention},
            "retrieval": {"binarize": True},
        },
        "table": "| method |",
    }


def write_run(run_dir: Path, **fields: Any) -> Path:
    """Write one run folder's results.json; returns the run folder."""
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / "results.json").write_text(json.dumps(results_payload(**fields)))
    return run_dir


@dataclass(frozen=True)
class FakeSweep:
    root: Path
    corrupt: Path
    incomplete: Path
    other_convention: Path


def make_fake_sweep(root: Path) -> FakeSweep:
    """3 seeds of dpsh, dsh_a (r = 0.5) and ash_u (r = 0.5, 0.7) at K = 12, 48; drh with
    one seed at K = 12; a corrupt file, an incomplete one, and one "authors" run."""
    cells = [
        (method, bits, r, seed)
        for method, rs in (("dpsh", (0.5,)), ("dsh_a", (0.5,)), ("ash_u", (0.5, 0.7)))
        for r in rs
        for bits in BITS_GAIN
        for seed in range(len(SEED_OFFSETS))
    ]
    cells.append(("drh", 12, 0.5, 0))
    for job, (method, bits, r, seed) in enumerate(cells):
        write_run(root / str(job), method=method, bits=bits, r=r, seed=seed)
    (root / "multirun.yaml").write_text("hydra: {}\n")
    corrupt = root / "90" / "results.json"
    corrupt.parent.mkdir()
    corrupt.write_text('{"method": "dpsh", "bits": 1')
    incomplete = root / "91" / "results.json"
    incomplete.parent.mkdir()
    incomplete.write_text(json.dumps({"method": "dpsh", "bits": 12, "r": 0.5, "seed": 0}))
    other = write_run(
        root / "92",
        method="ash_u",
        bits=12,
        r=0.5,
        seed=0,
        convention="authors",
        test=metrics(lambda name, k: OTHER_CONVENTION_VALUE),
    )
    return FakeSweep(root, corrupt, incomplete, other / "results.json")
