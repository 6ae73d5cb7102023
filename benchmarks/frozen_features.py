"""A pretrained recipe on images against the same recipe on precomputed frozen features.

    python benchmarks/frozen_features.py [--epochs 4] [extra overrides...]

Runs ``system=ash_pretrained`` (the whole ImageNet Lite0 backbone frozen, the attention of
Eq. (1) before pooling) on the default synthetic data three times in this process: on
images (``frozen_features.precompute=false``), on features encoded into an empty cache, and
on the same features read back from that cache. Prints each run's fit and whole-job
seconds, its test mAP@10, and the time ratios against the run on images.
"""

import argparse
import tempfile
import time
import warnings
from pathlib import Path

from hydra.core.global_hydra import GlobalHydra

from ash_lightning.run.compose import compose_config
from ash_lightning.run.job import train

SETTINGS = {
    "on images": ("frozen_features.precompute=false",),
    "features, empty cache": ("frozen_features.precompute=true",),
    "features, cache hit": ("frozen_features.precompute=true",),
}


def main() -> None:
    """Run the three settings and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("overrides", nargs="*")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        for index, (name, settings) in enumerate(SETTINGS.items()):
            overrides = [
                "system=ash_pretrained",
                f"trainer.max_epochs={args.epochs}",
                "trainer.enable_progress_bar=false",
                "logger=csv",
                f"frozen_features.cache_dir={scratch}/cache",
                *settings,
                *args.overrides,
            ]
            cfg = compose_config(overrides, output_dir=Path(scratch) / f"run{index}")
            GlobalHydra.instance().clear()
            started = time.perf_counter()
            results = train(cfg)
            job_s = time.perf_counter() - started
            fit_s = results["timings_s"]["fit"]
            score = results["metrics"]["test"]["metrics"]["mAP@10"]
            rows.append((name, fit_s, job_s, score))
    print(f"system=ash_pretrained, {args.epochs} epochs, {' '.join(args.overrides) or 'defaults'}")
    print("| run | fit s | job s | job / on images | test mAP@10 |")
    print("|---|---:|---:|---:|---:|")
    reference = rows[0][2]
    for name, fit_s, job_s, score in rows:
        print(f"| {name} | {fit_s:.1f} | {job_s:.1f} | {job_s / reference:.2f} | {score:.4f} |")


if __name__ == "__main__":
    main()
