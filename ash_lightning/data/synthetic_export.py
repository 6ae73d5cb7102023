"""``python -m ash_lightning.data.synthetic_export``: a synthetic data set as image files.

The synthetic stand-ins for the ASH paper's private data sets (see
:mod:`ash_lightning.data.synthetic`) live in memory; whatever reads image files (the case index
of the retrieval stage; a manifest run) needs them on disk. The export writes
``OUT/images/<split>/<split>_<n>.png`` (grey or RGB, at the generated size) and, last,
``OUT/labels.csv`` with ``path,label,split``: a manifest that
:func:`~ash_lightning.data.manifest.read_manifest` reads with the generator's own splits.
Multi-hot labels are written ``a|b``.
"""

import argparse
import csv
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image

from ash_lightning.console.progress import progress
from ash_lightning.data.label_names import label_names
from ash_lightning.data.retrieval_splits import RetrievalSplits
from ash_lightning.data.synthetic import make_synthetic_splits
from ash_lightning.data.synthetic.sizes import NAMED_SIZES

LABELS_FILE = "labels.csv"
IMAGES_FOLDER = "images"


def label_text(label: np.ndarray, class_names: Sequence[str]) -> str:
    """A manifest label: the class name, or ``a|b`` for a multi-hot row.

    Args:
        label: A class index (0-d) or a multi-hot row (1-d).
        class_names: Name of each class.

    Returns:
        The label as written in ``labels.csv``.

    Raises:
        ValueError: A multi-hot row without any positive label.
    """
    names = label_names(label, class_names)
    if not names:
        raise ValueError("a multi-hot label has no positive class; the manifest needs one")
    return "|".join(names)


def _image(pixels: np.ndarray) -> Image.Image:
    """A ``C x H x W`` uint8 array as a grey (C = 1) or RGB (C = 3) Pillow image."""
    if pixels.shape[0] == 1:
        return Image.fromarray(pixels[0], mode="L")
    return Image.fromarray(np.ascontiguousarray(pixels.transpose(1, 2, 0)), mode="RGB")


def export_splits(splits: RetrievalSplits, out: Path, show_progress: bool = True) -> Path:
    """Write every image of ``splits`` as a PNG under ``out`` and the manifest last.

    Each image keeps its split (``database``, ``val`` or ``test``) in the manifest.

    Args:
        splits: The database, validation and test splits.
        out: An absent or empty folder.
        show_progress: Show a bar while writing (not with ``--quiet``).

    Returns:
        The written ``labels.csv``.

    Raises:
        FileExistsError: ``out`` exists and is not an empty folder.
    """
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise FileExistsError(f"{out} exists and is not an empty folder")
    rows = []
    parts = (
        ("database", splits.database_images, splits.database_labels),
        ("val", splits.val_images, splits.val_labels),
        ("test", splits.test_images, splits.test_labels),
    )
    with progress("writing images", sum(len(part[2]) for part in parts), show_progress) as advance:
        for split, images, labels in parts:
            folder = out / IMAGES_FOLDER / split
            folder.mkdir(parents=True, exist_ok=True)
            for number, (pixels, label) in enumerate(zip(images, labels, strict=True)):
                relative = f"{IMAGES_FOLDER}/{split}/{split}_{number:05d}.png"
                _image(pixels).save(out / relative)
                rows.append((relative, label_text(np.asarray(label), splits.class_names), split))
                advance(1)
    handle, temporary = tempfile.mkstemp(dir=out, prefix=f".{LABELS_FILE}.", suffix=".tmp")
    with os.fdopen(handle, "w", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(("path", "label", "split"))
        writer.writerows(rows)
    os.replace(temporary, out / LABELS_FILE)
    return out / LABELS_FILE


def main(argv: Sequence[str] | None = None) -> None:
    """Generate a synthetic data set and export it (see the module docstring).

    Args:
        argv: Command-line arguments; ``sys.argv[1:]`` when None.
    """
    parser = argparse.ArgumentParser(
        prog="python -m ash_lightning.data.synthetic_export",
        description="Write a synthetic data set as PNG files and a labels.csv manifest.",
    )
    parser.add_argument("--kind", choices=sorted(NAMED_SIZES), default="asoct")
    parser.add_argument("--size", choices=("tiny", "small", "paper"), default="tiny")
    parser.add_argument("--image-size", type=int, default=64, help="side in pixels (default 64)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True, help="an absent or empty folder")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    arguments = parser.parse_args(argv)
    if arguments.image_size < 8:
        parser.error("--image-size must be at least 8")
    splits = make_synthetic_splits(
        arguments.kind, arguments.size, arguments.image_size, arguments.seed
    )
    try:
        labels = export_splits(splits, arguments.out, show_progress=not arguments.quiet)
    except FileExistsError as error:
        parser.exit(2, f"{parser.prog}: error: {error}\n")
    count = len(splits.database_labels) + len(splits.val_labels) + len(splits.test_labels)
    print(f"wrote {count} images and {labels}")


if __name__ == "__main__":
    main()
