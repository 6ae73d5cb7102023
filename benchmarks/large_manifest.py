"""One training epoch on a manifest larger than memory, with the peak resident memory it needed.

    python benchmarks/large_manifest.py --out /big/disk/folder [--images 100000] [--image-size 224]
        [--pairs-per-epoch N] [overrides...]

Writes ``--images`` synthetic fundus photographs (RGB JPEG, quality 95, ``--image-size`` px,
generated 5,000 at a time, 90 % database, 5 % validation, 5 % test queries) and their
``labels.csv`` under ``--out`` (kept and reused by a later run with the same settings), then
runs ``python -m ash_lightning data=manifest`` on them for one epoch: the default model
(ASH-U), the image cache under ``--out``, 2 DataLoader workers, validation against a seeded
2,000-image subset of the database, and the test encoding the whole database. Extra
arguments are passed on as overrides.

While the job runs, its process tree is sampled every 0.2 s from ``/proc``. Printed: the
decoded size of the images, the peak resident set (RSS) of the main process and of any one
worker, split into anonymous memory and mapped-file pages at the main process's peak, the
peak of the whole tree's proportional set size (PSS: each shared page divided among the
processes that map it, so the sum is the tree's real footprint), and the job's stage times.
Linux only.
"""

import argparse
import csv
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from PIL import Image

from ash_lightning.data.synthetic import make_synthetic_splits

CHUNK = 5_000
GIB = 2**30


def _chunks(count: int) -> Iterator[tuple[int, tuple[int, int, int]]]:
    """``(chunk number, (database, val, test) totals)`` covering ``count`` images."""
    for number, start in enumerate(range(0, count, CHUNK)):
        size = min(CHUNK, count - start)
        queries = max(5, size // 20)
        yield number, (size - 2 * queries, queries, queries)


def _save(pixels: np.ndarray, path: Path) -> None:
    Image.fromarray(np.ascontiguousarray(pixels.transpose(1, 2, 0))).save(path, quality=95)


def write_manifest(out: Path, count: int, image_size: int) -> Path:
    """Write the images and, last, ``labels.csv``; reuse them when already complete."""
    labels = out / "labels.csv"
    settings = out / "settings.json"
    wanted = {"images": count, "image_size": image_size}
    if labels.is_file() and settings.is_file() and json.loads(settings.read_text()) == wanted:
        return labels
    labels.unlink(missing_ok=True)
    rows: list[tuple[str, str, str]] = []
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        for number, totals in _chunks(count):
            splits = make_synthetic_splits("fundus", totals, image_size, seed=number)
            folder = out / "images" / f"{number:03d}"
            folder.mkdir(parents=True, exist_ok=True)
            parts = (
                ("database", splits.database_images, splits.database_labels),
                ("val", splits.val_images, splits.val_labels),
                ("test", splits.test_images, splits.test_labels),
            )
            for split, images, classes in parts:
                paths = [folder / f"{split}_{n:04d}.jpg" for n in range(len(images))]
                list(pool.map(_save, images, paths))
                names = [splits.class_names[int(c)] for c in classes]
                rows += [
                    (str(p.relative_to(out)), c, split) for p, c in zip(paths, names, strict=True)
                ]
            print(f"wrote {len(rows):,} of {count:,} images", flush=True)
    temporary = labels.with_suffix(".tmp")
    with temporary.open("w", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(("path", "label", "split"))
        writer.writerows(rows)
    os.replace(temporary, labels)
    settings.write_text(json.dumps(wanted))
    return labels


def _memory_kib(pid: int) -> dict[str, int]:
    """``VmRSS``, ``RssAnon`` and ``RssFile`` of one process, in KiB (empty if it is gone)."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return {}
    fields = dict(line.split(":", 1) for line in lines if ":" in line)
    return {k: int(fields[k].split()[0]) for k in ("VmRSS", "RssAnon", "RssFile") if k in fields}


def _pss_kib(pid: int) -> int:
    """Proportional set size of one process in KiB: shared pages divided among their users."""
    try:
        lines = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
    except OSError:
        return 0
    return sum(int(line.split()[1]) for line in lines if line.startswith("Pss:"))


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    found = [int(child) for child in text.split()]
    return found + [grandchild for child in found for grandchild in _children(child)]


class TreeSampler(threading.Thread):
    """Samples the resident memory of a process and its descendants until stopped."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.main_peak: dict[str, int] = {"VmRSS": 0}
        self.worker_peak = 0
        self.tree_peak = 0
        self.stopped = threading.Event()

    def run(self) -> None:
        """Sample every 0.2 s."""
        while not self.stopped.wait(0.2):
            main = _memory_kib(self.pid)
            workers = [_memory_kib(child).get("VmRSS", 0) for child in _children(self.pid)]
            if main.get("VmRSS", 0) > self.main_peak["VmRSS"]:
                self.main_peak = main
            self.worker_peak = max([self.worker_peak, *workers])
            tree = [self.pid, *_children(self.pid)]
            self.tree_peak = max(self.tree_peak, sum(_pss_kib(pid) for pid in tree))


def run_epoch(out: Path, image_size: int, pairs: int | None, extra: Sequence[str]) -> None:
    """Train one epoch on the manifest under ``out`` and print its memory and times."""
    run_dir = out / "run"
    overrides = [
        "data=manifest",
        f"data.root={out}",
        f"data.image_size={image_size}",
        f"data.cache_dir={out / 'cache'}",
        "data.num_workers=2",
        "data.val_database_size=2000",
        f"data.pairs_per_epoch={'null' if pairs is None else pairs}",
        "trainer.max_epochs=1",
        "trainer.enable_progress_bar=false",
        f"hydra.run.dir={run_dir}",
        *extra,
    ]
    print("python -m ash_lightning " + " ".join(overrides), flush=True)
    started = time.perf_counter()
    job = subprocess.Popen([sys.executable, "-m", "ash_lightning", *overrides])
    sampler = TreeSampler(job.pid)
    sampler.start()
    code = job.wait()
    sampler.stopped.set()
    sampler.join()
    if code:
        raise SystemExit(f"the job failed with exit status {code}")
    seconds = time.perf_counter() - started
    results = json.loads((run_dir / "results.json").read_text())
    decoded = sum(f.stat().st_size for f in (out / "cache").glob("*.npy"))
    main = sampler.main_peak
    print()
    print("| measure | value |")
    print("|---|---:|")
    sizes = f"{results['database']:,} / {results['val_queries']:,} / {results['queries']:,}"
    print(f"| images (database / val / test) | {sizes} |")
    print(f"| image cache on disk (cache + split order) | {decoded / GIB:.1f} GiB |")
    print(f"| peak RSS, main process | {main['VmRSS'] / 2**20:.2f} GiB |")
    anon, mapped = main.get("RssAnon", 0) / 2**20, main.get("RssFile", 0) / 2**20
    print(f"| at that peak: anonymous / mapped files | {anon:.2f} / {mapped:.2f} GiB |")
    print(f"| peak RSS, one DataLoader worker | {sampler.worker_peak / 2**20:.2f} GiB |")
    print(
        f"| peak of the tree's summed PSS (all processes) | {sampler.tree_peak / 2**20:.2f} GiB |"
    )
    for stage, value in results.get("timings_s", {}).items():
        print(f"| {stage} (s) | {value:.0f} |")
    print(f"| whole job, wall (s) | {seconds:.0f} |")
    print(f"| test mAP@10 | {results['metrics']['test']['metrics']['mAP@10']:.4f} |")


def main() -> None:
    """Write the manifest if needed, then train and measure one epoch."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="a folder with room to spare")
    parser.add_argument("--images", type=int, default=100_000)
    parser.add_argument("--image-size", type=int, default=224)
    parser.add_argument("--pairs-per-epoch", type=int, default=None, help="default: one per image")
    arguments, extra = parser.parse_known_args()
    if arguments.images < 3 * CHUNK // 100 or arguments.image_size < 8:
        parser.error("--images must be at least 150 and --image-size at least 8")
    arguments.out.mkdir(parents=True, exist_ok=True)
    write_manifest(arguments.out, arguments.images, arguments.image_size)
    run_epoch(arguments.out, arguments.image_size, arguments.pairs_per_epoch, extra)


if __name__ == "__main__":
    main()
