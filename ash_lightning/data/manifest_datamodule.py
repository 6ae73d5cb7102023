"""DataModule over a labelled image collection: a labels file or one folder per class."""

import logging
from pathlib import Path
from typing import Any, Literal

import numpy as np

from ash_lightning.data.manifest import (
    ManifestError,
    check_splits,
    load_images,
    read_manifest,
    row_splits,
)
from ash_lightning.data.manifest.image_cache import reordered
from ash_lightning.data.manifest.preprocessing import DEFAULT_MAX_PIXELS
from ash_lightning.data.manifest.stratified_split import check_fractions
from ash_lightning.data.retrieval_datamodule import RetrievalDataModule
from ash_lightning.data.retrieval_splits import RetrievalSplits

LOGGER = logging.getLogger(__name__)


class ManifestDataModule(RetrievalDataModule):
    """Real images listed by ``labels.csv`` (``path,label[,split]``) or class sub-folders.

    Images are decoded, optionally cropped to the fundus disc, resized once and cached on
    disk, keyed by the file list and the preprocessing. Without a split column, a
    stratified split with a fixed seed takes ``query_fraction`` of every class as test
    queries, as the ASH paper does for Fundus-iSee (10 %), and ``val_fraction`` as
    validation queries; with a split column and no validation rows, the validation
    queries are carved from the database the same way; with ``val_fraction=0`` the
    validation loop reuses the test queries (for monitoring only: no result is selected
    on it). Multi-label rows (``a|b``) give
    multi-hot labels, and relevance becomes "at least one shared label".

    Args:
        root: Folder of the collection.
        labels_file: Manifest inside ``root``; class sub-folders are used when absent.
        image_size: Side of the resized square images.
        channels: 3 (RGB) or 1 (grey).
        crop_black_border: Crop to the fundus disc before resizing.
        query_fraction: Share of each class held out as test queries.
        val_fraction: Share of each class held out as validation queries.
        split_seed: Seed of the stratified split.
        on_bad_image: ``"error"`` stops at an unreadable image; ``"skip"`` drops and reports it.
        cache_dir: Folder of the decoded-image cache, or ``None`` to decode in memory.
        allow_outside_root: Read ``labels.csv`` rows that resolve outside ``root``.
        max_image_pixels: Files declaring more pixels are refused before decoding (or
            skipped with ``on_bad_image=skip``).
        **loader_options: See :class:`RetrievalDataModule`.
    """

    def __init__(
        self,
        root: str,
        labels_file: str = "labels.csv",
        image_size: int = 64,
        channels: int = 3,
        crop_black_border: bool = False,
        query_fraction: float = 0.1,
        val_fraction: float = 0.05,
        split_seed: int = 0,
        on_bad_image: Literal["error", "skip"] = "error",
        cache_dir: str | None = ".cache/images",
        allow_outside_root: bool = False,
        max_image_pixels: int = DEFAULT_MAX_PIXELS,
        **loader_options: Any,
    ) -> None:
        super().__init__(**loader_options)
        self.root = Path(root).expanduser()
        if not self.root.is_dir():
            raise ManifestError(f"data root not found: {self.root}")
        if channels not in (1, 3):
            raise ManifestError(f"data.channels must be 1 or 3, got {channels}")
        if on_bad_image not in ("error", "skip"):
            raise ManifestError(
                f"data.on_bad_image must be 'error' or 'skip', got {on_bad_image!r}"
            )
        check_fractions(query_fraction, val_fraction)
        self.labels_file = labels_file
        self.image_size = image_size
        self.channels = channels
        self.crop_black_border = crop_black_border
        self.query_fraction = query_fraction
        self.val_fraction = val_fraction
        self.split_seed = split_seed
        self.on_bad_image = on_bad_image
        self.cache_dir = Path(cache_dir) if cache_dir else None
        self.allow_outside_root = allow_outside_root
        self.max_image_pixels = max_image_pixels

    def load_splits(self) -> RetrievalSplits:
        """Read the manifest, load (or reuse) the decoded images, split and check them."""
        manifest = read_manifest(
            self.root, self.labels_file, allow_outside_root=self.allow_outside_root
        )
        loaded = load_images(
            self.root,
            manifest.paths,
            self.image_size,
            channels=self.channels,
            crop_border=self.crop_black_border,
            on_bad_image=self.on_bad_image,
            cache_dir=self.cache_dir,
            show_progress=True,
            max_pixels=self.max_image_pixels,
        )
        if loaded.bad:
            first = ", ".join(loaded.bad[:5])
            LOGGER.warning("skipped %d unreadable images, first: %s", len(loaded.bad), first)
        labels = manifest.labels[loaded.kept]
        column = None if manifest.splits is None else tuple(manifest.splits[i] for i in loaded.kept)
        indices = row_splits(
            labels, column, self.query_fraction, self.val_fraction, self.split_seed
        )
        if len(indices["val"]) == 0:
            indices["val"] = indices["test"]
        check_splits(labels, indices, manifest.class_names)
        # One copy of the images with the splits contiguous: each split is a slice of it, a
        # view of the memory-mapped cache, read page by page, never a per-split copy.
        names = ("database", "val", "test")
        ordered = reordered(loaded, np.concatenate([indices[name] for name in names]))
        ends = np.cumsum([len(indices[name]) for name in names])
        database, val, test = np.split(ordered, ends[:-1])
        return RetrievalSplits(
            database_images=database,
            database_labels=labels[indices["database"]],
            val_images=val,
            val_labels=labels[indices["val"]],
            test_images=test,
            test_labels=labels[indices["test"]],
            class_names=manifest.class_names,
        )
