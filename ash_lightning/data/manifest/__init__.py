"""Labelled image collections: manifest reading, stratified splits, checks and the image cache."""

from ash_lightning.data.manifest.errors import CacheError, ManifestError
from ash_lightning.data.manifest.image_cache import CachedImages, load_images
from ash_lightning.data.manifest.manifest_reader import Manifest, read_manifest
from ash_lightning.data.manifest.preprocessing import BadImageError
from ash_lightning.data.manifest.row_splits import row_splits
from ash_lightning.data.manifest.split_checks import check_splits
from ash_lightning.data.manifest.stratified_split import split_indices, splits_from_column

__all__ = [
    "BadImageError",
    "CacheError",
    "CachedImages",
    "Manifest",
    "ManifestError",
    "check_splits",
    "load_images",
    "read_manifest",
    "row_splits",
    "split_indices",
    "splits_from_column",
]
