"""Decode a list of image files once into a validated, atomically written ``.npy`` cache."""

import hashlib
import json
import os
import tempfile
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path
from typing import Any, Literal

import numpy as np

from ash_lightning.console.progress import progress
from ash_lightning.data.file_permissions import permissions
from ash_lightning.data.manifest.errors import CacheError
from ash_lightning.data.manifest.preprocessing import (
    DEFAULT_MAX_PIXELS,
    BadImageError,
    preprocess,
)
from ash_lightning.data.mapped_rows import RELEASE_EVERY_BYTES, release_pages
from ash_lightning.data.sigterm_unwinds import sigterm_unwinds

CACHE_FORMAT_VERSION = 3  # 2: 16-bit grey scaled, no longer clipped; 3: EXIF orientation applied


@dataclass(frozen=True)
class CachedImages:
    """Decoded images and where they came from.

    Attributes:
        images: ``(n_kept, C, S, S)`` uint8, memory-mapped read-only when cached.
        kept: int64 indices, into the input path list, of the images kept.
        bad: Relative paths skipped as unreadable (only with ``on_bad_image="skip"``).
        cache_file: The ``.npy`` used, or None without a cache.
        from_cache: True when an existing valid cache was reused.
    """

    images: np.ndarray
    kept: np.ndarray
    bad: tuple[str, ...]
    cache_file: Path | None
    from_cache: bool


@dataclass(frozen=True)
class _Settings:
    """What, besides the files themselves, determines the decoded pixels."""

    image_size: int
    channels: int
    crop_border: bool
    max_pixels: int = DEFAULT_MAX_PIXELS  # refuses files, never changes pixels: not in the key

    def shape(self, count: int) -> tuple[int, int, int, int]:
        """The array shape for ``count`` images."""
        return (count, self.channels, self.image_size, self.image_size)


def _cache_key(root: Path, paths: Sequence[str], settings: _Settings) -> str:
    """Hash the format version, the settings and every file's path, size and mtime (ns).

    A missing file hashes as size and mtime -1, so that it fails at decoding, not here.
    """
    digest = hashlib.sha256()
    header = [CACHE_FORMAT_VERSION, settings.image_size, settings.channels, settings.crop_border]
    digest.update(json.dumps(header).encode())
    for relative in paths:
        try:
            stat = (root / relative).stat()
            size, mtime = stat.st_size, stat.st_mtime_ns
        except FileNotFoundError:
            size, mtime = -1, -1
        digest.update(b"\n" + json.dumps([relative, size, mtime]).encode())
    return digest.hexdigest()


def _read_cache(
    npy: Path, meta_file: Path, key: str, count: int, settings: _Settings
) -> CachedImages | None:
    """Return the cache under ``key`` if both files exist and agree; None otherwise."""
    if not (npy.is_file() and meta_file.is_file()):
        return None
    try:
        meta = json.loads(meta_file.read_text())
        kept = np.asarray(meta["kept"], dtype=np.int64)
        bad = tuple(str(path) for path in meta["bad"])
        images = np.load(npy, mmap_mode="r")
        valid = (
            meta["version"] == CACHE_FORMAT_VERSION
            and meta["key"] == key
            and meta["n"] == count == kept.size + len(bad)
            and tuple(meta["shape"]) == images.shape == settings.shape(kept.size)
            and images.dtype == np.uint8
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return CachedImages(images, kept, bad, npy, from_cache=True) if valid else None


def _decode_or_error(path: Path, settings: _Settings) -> np.ndarray | BadImageError:
    """Preprocess one file, returning (not raising) its error when it is unreadable."""
    try:
        return preprocess(
            path,
            settings.image_size,
            settings.channels,
            settings.crop_border,
            settings.max_pixels,
        )
    except BadImageError as error:
        return error


def _fill(
    target: np.ndarray,
    root: Path,
    paths: Sequence[str],
    settings: _Settings,
    on_bad_image: Literal["error", "skip"],
    num_threads: int,
    show_progress: bool,
) -> tuple[np.ndarray, tuple[str, ...]]:
    """Decode into the leading rows of ``target``; return the kept indices and bad paths.

    Raises:
        BadImageError: A file is unreadable and ``on_bad_image`` is "error", or all are.
    """
    kept: list[int] = []
    bad: list[str] = []
    executor = ThreadPoolExecutor(max_workers=num_threads)
    chunk = _rows_per_release(target)
    try:
        with progress("decoding images", len(paths), show_progress) as advance:
            for start in range(0, len(paths), chunk):  # a chunk at a time: bounded memory
                chunk_paths = (root / path for path in paths[start : start + chunk])
                results = executor.map(_decode_or_error, chunk_paths, repeat(settings))
                for index, result in enumerate(results, start):
                    if isinstance(result, BadImageError):
                        if on_bad_image == "error":
                            raise result
                        bad.append(paths[index])
                    else:
                        target[len(kept)] = result
                        kept.append(index)
                    advance(1)
                _write_back(target)
    finally:  # on an error, drop the queued decodes instead of waiting for them
        executor.shutdown(wait=True, cancel_futures=True)
    if not kept:
        raise BadImageError(f"all {len(paths)} images under {root} are unreadable")
    return np.asarray(kept, dtype=np.int64), tuple(bad)


@contextmanager
def _cache_writes(cache_dir: Path) -> Iterator[None]:
    """Turn a failed write in the cache folder (read-only, not a folder, full) into one line."""
    try:
        yield
    except OSError as error:
        raise CacheError(
            f"cannot write the image cache in {cache_dir}: {error.strerror or error}; set "
            "data.cache_dir to a writable folder, or data.cache_dir=null to decode in memory"
        ) from error


def _allocated_memmap(path: Path, shape: tuple[int, ...]) -> np.memmap:
    """A writable uint8 ``.npy`` memory map whose blocks are reserved on disk up front.

    Without the reservation a full disk would surface as SIGBUS on a page write; with it,
    as an ``OSError`` before any image is decoded.
    """
    array = np.lib.format.open_memmap(path, "w+", np.uint8, shape)
    descriptor = os.open(path, os.O_RDWR)
    try:
        os.posix_fallocate(descriptor, 0, path.stat().st_size)
    finally:
        os.close(descriptor)
    return array


def _rows_per_release(array: np.ndarray) -> int:
    """Rows of ``array`` in :data:`RELEASE_EVERY_BYTES` (at least one)."""
    row_bytes = max(1, int(np.prod(array.shape[1:])) * array.itemsize)
    return max(1, RELEASE_EVERY_BYTES // row_bytes)


def _write_back(array: np.ndarray) -> None:
    """Write a memory map's pages to its file and drop them from the resident set."""
    if isinstance(array, np.memmap):
        array.flush()
        release_pages(array)


def _copy_rows(target: np.memmap, source: np.ndarray, order: np.ndarray) -> None:
    """``target[:] = source[order]`` a chunk at a time, neither map's pages kept resident."""
    chunk = _rows_per_release(target)
    for start in range(0, len(order), chunk):
        target[start : start + chunk] = source[order[start : start + chunk]]
        _write_back(target)
        release_pages(source)


def _temporary(cache_dir: Path, key: str, suffix: str) -> Path:
    """Create an empty, uniquely named temporary file in ``cache_dir``."""
    handle, name = tempfile.mkstemp(prefix=f".{key}.", suffix=suffix, dir=cache_dir)
    os.fchmod(handle, permissions(0o666))  # mkstemp makes it private; the cache is shared
    os.close(handle)
    return Path(name)


def _build_cache(
    npy: Path,
    meta_file: Path,
    key: str,
    meta: dict[str, Any],
    fill_args: tuple[Path, Sequence[str], _Settings, Literal["error", "skip"], int, bool],
) -> CachedImages:
    """Decode into temporaries, then move the array and (last) the metadata into place.

    On any failure every temporary is removed, so no half-written file remains (and on
    SIGTERM, under :func:`sigterm_unwinds`).
    """
    settings = fill_args[2]
    cache_dir = npy.parent
    temporaries: list[Path] = []
    try:
        with _cache_writes(cache_dir):
            full_file = _temporary(cache_dir, key, ".npy.tmp")
            temporaries.append(full_file)
            full = _allocated_memmap(full_file, settings.shape(meta["n"]))
        kept, bad = _fill(full, *fill_args)
        with _cache_writes(cache_dir):
            array_file = full_file
            if bad:
                array_file = _temporary(cache_dir, key, ".npy.tmp")
                temporaries.append(array_file)
                shrunk = _allocated_memmap(array_file, settings.shape(kept.size))
                _copy_rows(shrunk, full, np.arange(kept.size))
                del shrunk
            del full
            meta.update(kept=kept.tolist(), bad=list(bad), shape=list(settings.shape(kept.size)))
            meta_temporary = _temporary(cache_dir, key, ".json.tmp")
            temporaries.append(meta_temporary)
            with meta_temporary.open("w") as stream:
                json.dump(meta, stream)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(array_file, npy)
            os.replace(meta_temporary, meta_file)
    finally:
        for temporary in temporaries:
            temporary.unlink(missing_ok=True)
    return CachedImages(np.load(npy, mmap_mode="r"), kept, bad, npy, from_cache=False)


def load_images(
    root: Path,
    paths: Sequence[str],
    image_size: int,
    channels: int = 3,
    crop_border: bool = False,
    on_bad_image: Literal["error", "skip"] = "error",
    cache_dir: Path | None = None,
    num_threads: int = 2,
    show_progress: bool = False,
    max_pixels: int = DEFAULT_MAX_PIXELS,
) -> CachedImages:
    """Decode and resize image files, reusing a valid cache in ``cache_dir`` when there is one.

    The cache is keyed on the settings and every file's relative path, size and mtime, so a
    cache for another file list, size or file version is never reused; a cache under the
    right key is reused only when its metadata and array agree, and rebuilt otherwise.

    Args:
        root: Directory the paths are relative to.
        paths: Image files, relative to ``root``; the output keeps their order.
        image_size: Side of the square output images, in pixels.
        channels: 3 for RGB, 1 for grey.
        crop_border: Whether to crop the black surround of each image before resizing.
        on_bad_image: "error" raises on the first unreadable file; "skip" leaves it out.
        cache_dir: Directory of ``<key>.npy`` and ``<key>.json``; None decodes in memory.
        num_threads: Decoding threads.
        show_progress: Show a bar while decoding (a cache hit decodes nothing).
        max_pixels: Files declaring more pixels (width x height) are unreadable.

    Returns:
        The images, the kept indices, the skipped paths and where the cache lies.

    Raises:
        BadImageError: A file is unreadable with ``on_bad_image="error"``, or all are.
        CacheError: ``cache_dir`` cannot be created or written (nothing is left in it).
        ValueError: ``paths`` is empty.
    """
    if not paths:
        raise ValueError(f"no image paths given under {root}")
    settings = _Settings(image_size, channels, crop_border, max_pixels)
    fill_args = (root, paths, settings, on_bad_image, num_threads, show_progress)
    if cache_dir is None:
        images = np.empty(settings.shape(len(paths)), dtype=np.uint8)
        kept, bad = _fill(images, *fill_args)
        return CachedImages(images[: kept.size], kept, bad, None, from_cache=False)
    with _cache_writes(cache_dir):
        cache_dir.mkdir(parents=True, exist_ok=True)
    key = _cache_key(root, paths, settings)
    npy, meta_file = cache_dir / f"{key}.npy", cache_dir / f"{key}.json"
    cached = _read_cache(npy, meta_file, key, len(paths), settings)
    if cached is not None:
        return cached
    meta = {
        "version": CACHE_FORMAT_VERSION,
        "key": key,
        "n": len(paths),
        "root": str(root),
        "image_size": image_size,
        "channels": channels,
        "crop_border": crop_border,
    }
    with sigterm_unwinds():
        return _build_cache(npy, meta_file, key, meta, fill_args)


def reordered(cached: CachedImages, order: np.ndarray) -> np.ndarray:
    """The cached images in ``order``, as one array whose slices are views, never copies.

    With a cache file the reordered images are written once beside it
    (``<key>.order-<digest>.npy``, atomically, a chunk at a time) and memory-mapped
    read-only, so a slice of them is loaded page by page on demand and shared by DataLoader
    workers; without one they are gathered in memory once.

    Args:
        cached: Images from :func:`load_images`.
        order: Row indices into ``cached.images``, e.g. the database, val and test rows.

    Returns:
        ``(len(order), C, S, S)`` uint8.

    Raises:
        CacheError: The reordered file cannot be written (nothing is left in the folder).
    """
    if cached.cache_file is None:
        return np.ascontiguousarray(cached.images[order])
    digest = hashlib.sha256(np.ascontiguousarray(order, dtype=np.int64).tobytes()).hexdigest()
    npy = cached.cache_file.with_name(f"{cached.cache_file.stem}.order-{digest[:16]}.npy")
    shape = (len(order), *cached.images.shape[1:])
    if npy.is_file():
        try:
            existing = np.load(npy, mmap_mode="r")
            if existing.shape == shape and existing.dtype == np.uint8:
                return existing
        except (OSError, ValueError):
            pass
    temporary: Path | None = None
    with sigterm_unwinds():
        try:
            with _cache_writes(npy.parent):
                temporary = _temporary(npy.parent, npy.stem, ".npy.tmp")
                out = _allocated_memmap(temporary, shape)
                _copy_rows(out, cached.images, order)
                del out
                os.replace(temporary, npy)
        finally:
            if temporary is not None:
                temporary.unlink(missing_ok=True)
    return np.load(npy, mmap_mode="r")
