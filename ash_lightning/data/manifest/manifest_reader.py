"""Read a labelled image collection: a ``labels.csv`` manifest or one sub-folder per class."""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ash_lightning.data.manifest.errors import ManifestError

IMAGE_EXTENSIONS = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff"})
SPLIT_ALIASES = {
    "train": "database",
    "database": "database",
    "val": "val",
    "validation": "val",
    "test": "test",
    "query": "test",
}
MIN_IMAGES_PER_CLASS = 2
_FIRST_FEW = 5


@dataclass(frozen=True, eq=False)
class Manifest:
    """A labelled image collection, one row per image.

    Attributes:
        root: Folder the image paths are relative to.
        paths: Image paths relative to ``root``, in csv order or sorted class/file order.
        labels: ``(n,)`` int64 class indices when single-label, or ``(n, C)`` uint8 multi-hot
            when any row lists several distinct labels (``a|b``). Read-only.
        class_names: Sorted label names; a name's position is its class id.
        splits: Per row ``"database"``, ``"val"`` or ``"test"`` when the labels file has a
            ``split`` column, else ``None``.
    """

    root: Path
    paths: tuple[str, ...]
    labels: np.ndarray
    class_names: tuple[str, ...]
    splits: tuple[str, ...] | None


@dataclass(frozen=True)
class _Rows:
    """Raw rows before encoding: paths, label-name lists and optional canonical splits."""

    source: str
    paths: list[str]
    label_names: list[list[str]]
    splits: list[str] | None


def read_manifest(
    root: str | Path,
    labels_file: str = "labels.csv",
    check_files: bool = True,
    allow_outside_root: bool = False,
) -> Manifest:
    """Read and validate the collection under ``root``.

    With ``root/labels_file`` present, rows come from it (columns ``path,label[,split]``;
    multi-label written ``label1|label2``). Without it, every sub-folder holding at least one
    image is a class, and its images (searched recursively) are that class's rows.

    Args:
        root: Data root folder.
        labels_file: Name of the labels csv inside ``root``.
        check_files: Whether to verify that every image listed in the csv exists.
        allow_outside_root: Read images that resolve outside ``root`` (``../``, absolute
            paths, symlinks out of it); refused by default, since a labels file may come
            from someone else.

    Returns:
        The validated manifest.

    Raises:
        ManifestError: The root, labels file, a row, a file or a class is unusable.
    """
    root = Path(root)
    if not root.is_dir():
        raise ManifestError(f"data root not found: {root}")
    labels_path = root / labels_file
    if labels_path.is_file():
        rows = _read_csv(labels_path)
        _check_unique(rows)
        if check_files:
            _check_files_exist(root, rows)
    else:
        rows = _scan_class_folders(root, labels_file)
    if not allow_outside_root:
        _check_inside_root(root, rows)
    class_names = tuple(sorted({name for names in rows.label_names for name in names}))
    _check_class_sizes(rows, class_names)
    labels = _encode_labels(rows.label_names, class_names)
    labels.setflags(write=False)
    splits = tuple(rows.splits) if rows.splits is not None else None
    return Manifest(root, tuple(rows.paths), labels, class_names, splits)


def _read_csv(labels_path: Path) -> _Rows:
    """Parse ``labels_path`` into rows, naming the line of the first bad row."""
    try:
        return _parse_csv(labels_path)
    except UnicodeDecodeError as error:
        raise ManifestError(
            f"{labels_path} is not UTF-8 text (byte 0x{error.object[error.start]:02x} at "
            f"offset {error.start}): save it as UTF-8"
        ) from error
    except csv.Error as error:
        raise ManifestError(f"{labels_path} is not a readable CSV file: {error}") from error


def _parse_csv(labels_path: Path) -> _Rows:
    """The rows of a UTF-8 ``labels_path`` (see :func:`_read_csv`)."""
    with labels_path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        columns = [name.strip() for name in reader.fieldnames or []]
        missing = [name for name in ("path", "label") if name not in columns]
        if missing:
            raise ManifestError(
                f"{labels_path} is missing column(s) {', '.join(missing)} "
                f"(found: {', '.join(columns) or 'none'})"
            )
        reader.fieldnames = columns
        has_split = "split" in columns
        paths: list[str] = []
        label_names: list[list[str]] = []
        splits: list[str] = []
        for row in reader:
            where = f"{labels_path}, line {reader.line_num}"
            path = (row["path"] or "").strip()
            if not path:
                raise ManifestError(f"{where}: empty path")
            names = list(dict.fromkeys(n.strip() for n in (row["label"] or "").split("|")))
            if not all(names):
                raise ManifestError(f"{where}: empty label for {path}")
            paths.append(path)
            label_names.append(names)
            if has_split:
                splits.append(_canonical_split(row["split"] or "", where))
    if not paths:
        raise ManifestError(f"{labels_path} lists no images")
    return _Rows(labels_path.name, paths, label_names, splits if has_split else None)


def _canonical_split(value: str, where: str) -> str:
    """Map a split alias such as ``train`` or ``Query`` to database/val/test."""
    canonical = SPLIT_ALIASES.get(value.strip().lower())
    if canonical is None:
        raise ManifestError(
            f"{where}: unknown split {value!r} (use one of {', '.join(SPLIT_ALIASES)})"
        )
    return canonical


def _check_unique(rows: _Rows) -> None:
    """Reject a labels file that lists the same path twice."""
    duplicated = [path for path, count in Counter(rows.paths).items() if count > 1]
    if duplicated:
        raise ManifestError(
            f"{len(duplicated)} paths are listed more than once in {rows.source}, "
            f"first: {', '.join(duplicated[:_FIRST_FEW])}"
        )


def _check_inside_root(root: Path, rows: _Rows) -> None:
    """Reject a row whose file resolves outside ``root``."""
    inside = root.resolve()
    for path in rows.paths:
        if not (root / path).resolve().is_relative_to(inside):
            raise ManifestError(
                f"{rows.source}: {path} is outside the data root {root} (../, an absolute path "
                "or a symlink out of it); set data.allow_outside_root=true to read it anyway"
            )


def _check_files_exist(root: Path, rows: _Rows) -> None:
    """Reject a labels file that lists images absent from ``root``."""
    folders = [path for path in rows.paths if (root / path).is_dir()]
    if folders:
        raise ManifestError(f"{rows.source}: {folders[0]} is a folder, not an image file")
    missing = [path for path in rows.paths if not (root / path).is_file()]
    if missing:
        raise ManifestError(
            f"{len(missing)} images listed in {rows.source} are missing, "
            f"first: {', '.join(missing[:_FIRST_FEW])}"
        )


def _scan_class_folders(root: Path, labels_file: str) -> _Rows:
    """Collect images from the class sub-folders of ``root``, sorted by class then file."""
    paths: list[str] = []
    label_names: list[list[str]] = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        images = sorted(
            p.relative_to(root).as_posix()
            for p in folder.rglob("*")
            if p.is_file() and p.suffix.lower() in IMAGE_EXTENSIONS and not p.name.startswith(".")
        )
        paths.extend(images)
        label_names.extend([folder.name] for _ in images)
    if not paths:
        raise ManifestError(f"no {labels_file} and no class sub-folders with images in {root}")
    return _Rows(str(root), paths, label_names, None)


def _check_class_sizes(rows: _Rows, class_names: tuple[str, ...]) -> None:
    """Reject classes with fewer than ``MIN_IMAGES_PER_CLASS`` images."""
    counts = Counter(name for names in rows.label_names for name in names)
    small = [
        f"{name!r} has {counts[name]}"
        for name in class_names
        if counts[name] < MIN_IMAGES_PER_CLASS
    ]
    if small:
        raise ManifestError(
            f"every class needs at least {MIN_IMAGES_PER_CLASS} images in {rows.source}: "
            f"{', '.join(small[:_FIRST_FEW])}"
        )


def _encode_labels(label_names: list[list[str]], class_names: tuple[str, ...]) -> np.ndarray:
    """Class indices when every row has one label, else a multi-hot matrix."""
    class_id = {name: index for index, name in enumerate(class_names)}
    if all(len(names) == 1 for names in label_names):
        return np.array([class_id[names[0]] for names in label_names], dtype=np.int64)
    multi_hot = np.zeros((len(label_names), len(class_names)), dtype=np.uint8)
    for row, names in enumerate(label_names):
        multi_hot[row, [class_id[name] for name in names]] = 1
    return multi_hot
