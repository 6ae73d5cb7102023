import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from sigterm_process import sigterm_when_ready

from ash_lightning.data.manifest import image_cache
from ash_lightning.data.manifest.image_cache import CachedImages, load_images, reordered
from ash_lightning.data.manifest.preprocessing import BadImageError
from ash_lightning.data.sigterm_unwinds import EXIT_STATUS

NAMES = ("a.png", "b.jpg", "sub/c.png", "d.png")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """Four 40 x 30 colour images, one of them a JPEG in the root, one in a subfolder."""
    images = tmp_path / "images"
    rng = np.random.default_rng(0)
    for name in NAMES:
        (images / name).parent.mkdir(parents=True, exist_ok=True)
        Image.fromarray(rng.integers(0, 256, (30, 40, 3), dtype=np.uint8)).save(images / name)
    return images


@pytest.fixture
def with_bad(root: Path) -> list[str]:
    """The good images interleaved with a truncated JPEG and a text file named .png."""
    Image.fromarray(np.full((64, 64, 3), 128, dtype=np.uint8)).save(root / "cut.jpg")
    data = (root / "cut.jpg").read_bytes()
    (root / "cut.jpg").write_bytes(data[: len(data) // 2])
    (root / "text.png").write_text("not an image")
    return ["a.png", "cut.jpg", "b.jpg", "text.png", "sub/c.png"]


def load(root: Path, cache: Path | None, paths=NAMES, size: int = 16, **kwargs) -> CachedImages:
    return load_images(root, list(paths), size, cache_dir=cache, **kwargs)


def test_without_cache_decodes_in_memory(root: Path) -> None:
    result = load(root, None)
    assert result.images.shape == (4, 3, 16, 16) and result.images.dtype == np.uint8
    assert result.kept.tolist() == [0, 1, 2, 3] and result.kept.dtype == np.int64
    assert result.cache_file is None and not result.from_cache and result.bad == ()


def test_cache_miss_then_hit(root: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = load(root, cache)
    second = load(root, cache)
    assert not first.from_cache and second.from_cache
    assert first.cache_file == second.cache_file
    assert isinstance(second.images, np.memmap)
    np.testing.assert_array_equal(first.images, second.images)
    np.testing.assert_array_equal(second.images, load(root, None).images)
    key = first.cache_file.stem
    assert sorted(p.name for p in cache.iterdir()) == [f"{key}.json", f"{key}.npy"]


def test_changed_settings_or_files_get_a_new_key(root: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    base = load(root, cache).cache_file
    resized = load(root, cache, size=8)
    assert resized.cache_file != base and not resized.from_cache
    assert resized.images.shape == (4, 3, 8, 8)
    grey = load(root, cache, channels=1)
    assert grey.cache_file not in (base, resized.cache_file) and grey.images.shape[1] == 1
    reordered = load(root, cache, paths=NAMES[::-1])
    assert reordered.cache_file != base and not reordered.from_cache
    subset = load(root, cache, paths=NAMES[:3])
    assert subset.cache_file != base and not subset.from_cache

    stat = (root / "a.png").stat()
    os.utime(root / "a.png", ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    touched = load(root, cache)
    assert touched.cache_file != base and not touched.from_cache

    Image.fromarray(np.zeros((30, 40, 3), dtype=np.uint8)).save(root / "a.png")
    modified = load(root, cache)
    assert modified.cache_file not in (base, touched.cache_file) and not modified.from_cache
    assert modified.images[0].max() == 0
    assert load(root, cache).from_cache


@pytest.mark.parametrize(
    "damage",
    [
        lambda npy, meta: npy.write_bytes(b"garbage"),
        lambda npy, meta: npy.write_bytes(npy.read_bytes()[:-100]),
        lambda npy, meta: np.save(npy, np.zeros((4, 3, 8, 8), dtype=np.uint8)),
        lambda npy, meta: meta.write_text("{"),
        lambda npy, meta: meta.write_text(meta.read_text().replace('"n": 4', '"n": 5')),
        lambda npy, meta: meta.unlink(),
    ],
    ids=["garbage-npy", "truncated-npy", "wrong-shape-npy", "bad-json", "wrong-meta", "no-meta"],
)
def test_damaged_cache_under_the_right_key_is_rebuilt(root: Path, tmp_path: Path, damage) -> None:
    cache = tmp_path / "cache"
    first = load(root, cache)
    expected = np.array(first.images)
    del first
    npy = next(cache.glob("*.npy"))
    damage(npy, npy.with_suffix(".json"))
    rebuilt = load(root, cache)
    assert not rebuilt.from_cache and rebuilt.cache_file == npy
    np.testing.assert_array_equal(rebuilt.images, expected)
    assert load(root, cache).from_cache


def test_bad_image_error_names_file_and_leaves_nothing(
    root: Path, with_bad: list[str], tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    with pytest.raises(BadImageError, match="cut.jpg"):
        load(root, cache, paths=with_bad)
    assert list(cache.iterdir()) == []
    with pytest.raises(BadImageError, match="text.png"):
        load(root, None, paths=["a.png", "text.png"])


@pytest.mark.parametrize("cached", [True, False])
def test_skip_reports_bad_paths_and_keeps_order(
    root: Path, with_bad: list[str], tmp_path: Path, cached: bool
) -> None:
    cache = tmp_path / "cache" if cached else None
    result = load(root, cache, paths=with_bad, on_bad_image="skip")
    assert result.bad == ("cut.jpg", "text.png")
    assert result.kept.tolist() == [0, 2, 4]
    reference = load(root, None, paths=["a.png", "b.jpg", "sub/c.png"]).images
    np.testing.assert_array_equal(result.images, reference)
    if cached:
        again = load(root, cache, paths=with_bad, on_bad_image="skip")
        assert again.from_cache and again.bad == result.bad
        assert again.kept.tolist() == [0, 2, 4]
        assert len(list(cache.iterdir())) == 2


def test_skip_with_only_bad_images_raises(root: Path, with_bad: list[str], tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    with pytest.raises(BadImageError, match="all 2 images"):
        load(root, cache, paths=["cut.jpg", "text.png"], on_bad_image="skip")
    assert list(cache.iterdir()) == []


def test_no_temporaries_after_success(root: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    load(root, cache)
    load(root, cache, size=8)
    names = [p.name for p in cache.iterdir()]
    assert len(names) == 4
    assert not [name for name in names if name.startswith(".") or name.endswith(".tmp")]


def test_empty_path_list_is_rejected(root: Path) -> None:
    with pytest.raises(ValueError, match="no image paths"):
        load(root, None, paths=[])


@pytest.fixture
def two_rows_a_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Decode and copy two 16 px colour images at a time, releasing pages after each."""
    monkeypatch.setattr(image_cache, "RELEASE_EVERY_BYTES", 2 * 3 * 16 * 16)


@pytest.mark.usefixtures("two_rows_a_chunk")
def test_chunked_decoding_skips_bad_images_at_the_right_rows(
    root: Path, with_bad: list[str], tmp_path: Path
) -> None:
    result = load(root, tmp_path / "cache", paths=with_bad, on_bad_image="skip")
    assert result.kept.tolist() == [0, 2, 4]
    reference = load(root, None, paths=["a.png", "b.jpg", "sub/c.png"]).images
    np.testing.assert_array_equal(result.images, reference)


@pytest.mark.usefixtures("two_rows_a_chunk")
def test_reordered_rows_are_written_once_in_chunks(root: Path, tmp_path: Path) -> None:
    cached = load(root, tmp_path / "cache")
    order = np.array([3, 1, 0, 2])
    ordered = reordered(cached, order)
    assert isinstance(ordered, np.memmap) and not ordered.flags.writeable
    np.testing.assert_array_equal(ordered, cached.images[order])
    again = reordered(cached, order)
    assert again.filename == ordered.filename
    in_memory = reordered(load(root, None), order)
    np.testing.assert_array_equal(in_memory, cached.images[order])


STOPPED_WRITE = """
import sys, time
from pathlib import Path
from ash_lightning.data.manifest import image_cache

root, cache, stage = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
names = ["a.png", "b.jpg", "sub/c.png", "d.png"]
if stage == "reorder":
    cached = image_cache.load_images(root, names, 16, cache_dir=cache)
slow = getattr(image_cache, {"decode": "_decode_or_error", "reorder": "_copy_rows"}[stage])

def announce_then_wait(*arguments):
    print("ready", flush=True)
    time.sleep(2)
    return slow(*arguments)

setattr(image_cache, slow.__name__, announce_then_wait)
if stage == "decode":
    image_cache.load_images(root, names, 16, cache_dir=cache, num_threads=1)
else:
    image_cache.reordered(cached, [3, 2, 1, 0])
"""


@pytest.mark.parametrize("stage", ["decode", "reorder"])
def test_a_write_stopped_by_sigterm_leaves_no_temporary(
    root: Path, tmp_path: Path, stage: str
) -> None:
    cache = tmp_path / "cache"
    status = sigterm_when_ready(STOPPED_WRITE, str(root), str(cache), stage)
    assert status == EXIT_STATUS
    left = {path.suffix for path in cache.iterdir()} if cache.exists() else set()
    assert left == (set() if stage == "decode" else {".npy", ".json"})
