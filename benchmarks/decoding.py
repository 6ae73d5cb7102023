"""Decoding and resizing JPEG photographs: the manifest path with 1 and 2 threads, and PIL's draft.

    python benchmarks/decoding.py [--images 200] [--side 1500]

Writes ``--images`` JPEG files of ``--side`` px (fundus-like: a bright disc with noise,
quality 90) to a temporary folder, then decodes and resizes them to 64, 128 and 224 px:

* **manifest path**: :func:`~ash_lightning.data.manifest.load_images` without a cache, as a
  first run decodes a collection, with 1 and 2 decoding threads;
* **PIL draft**: ``Image.draft`` lets libjpeg decode at 1/2, 1/4 or 1/8 scale before the same
  resize, an option the manifest path does not take (its pixels would differ slightly).

Images/s, one pass each in this one run; ratios are to the manifest path on 1 thread.
"""

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

from ash_lightning.data.manifest import load_images

SIZES = (64, 128, 224)


def _write_photographs(folder: Path, count: int, side: int) -> list[str]:
    rng = np.random.default_rng(0)
    grid = np.hypot(*np.meshgrid(np.arange(side) - side / 2, np.arange(side) - side / 2))
    disc = (grid < side * 0.45)[:, :, None] * np.array([180, 90, 40])
    names = []
    for number in range(count):
        noise = rng.integers(0, 40, (side, side, 3))
        Image.fromarray((disc + noise).clip(0, 255).astype(np.uint8)).save(
            folder / f"{number}.jpg", quality=90
        )
        names.append(f"{number}.jpg")
    return names


def _draft_rate(folder: Path, names: list[str], size: int) -> float:
    started = time.perf_counter()
    for name in names:
        with Image.open(folder / name) as image:
            image.draft("RGB", (size, size))
            image.convert("RGB").resize((size, size), Image.Resampling.BILINEAR)
    return len(names) / (time.perf_counter() - started)


def _manifest_rate(folder: Path, names: list[str], size: int, threads: int) -> float:
    started = time.perf_counter()
    load_images(folder, names, size, num_threads=threads)
    return len(names) / (time.perf_counter() - started)


def main() -> None:
    """Print images/s per output size and decoder."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=200)
    parser.add_argument("--side", type=int, default=1500)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        names = _write_photographs(folder, arguments.images, arguments.side)
        print(f"{arguments.images} JPEGs of {arguments.side} px, images/s\n")
        print("| output | manifest path, 1 thread | 2 threads | PIL draft, 1 thread |")
        print("|---:|---:|---:|---:|")
        for size in SIZES:
            one = _manifest_rate(folder, names, size, 1)
            two = _manifest_rate(folder, names, size, 2)
            draft = _draft_rate(folder, names, size)
            print(
                f"| {size} px | {one:.0f} | {two:.0f} ({two / one:.2f}x) | "
                f"{draft:.0f} ({draft / one:.2f}x) |"
            )


if __name__ == "__main__":
    main()
