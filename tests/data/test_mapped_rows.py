from pathlib import Path

import numpy as np
import pytest

from ash_lightning.data import mapped_rows
from ash_lightning.data.mapped_rows import MappedRows, release_pages

ROWS, ROW_BYTES = 256, 256 * 1024  # a 64 MiB map


def resident_file_bytes() -> int:
    """This process's resident pages that belong to mapped files (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("RssFile:"):
            return int(line.split()[1]) * 1024
    pytest.skip("no RssFile in /proc/self/status")


@pytest.fixture
def mapped(tmp_path: Path) -> np.ndarray:
    path = tmp_path / "rows.npy"
    array = np.lib.format.open_memmap(path, "w+", np.uint8, (ROWS, ROW_BYTES))
    array[:] = np.arange(ROWS, dtype=np.uint8)[:, None]
    array.flush()
    del array
    return np.load(path, mmap_mode="r")


def read_all(rows: MappedRows | np.ndarray) -> int:
    return sum(int(rows[index][-1]) for index in range(ROWS))


def test_rows_are_the_arrays_rows(mapped: np.ndarray) -> None:
    rows = MappedRows(mapped)
    assert len(rows) == ROWS
    for index in (0, 7, ROWS - 1):
        np.testing.assert_array_equal(rows[index], mapped[index])
    in_memory = MappedRows(np.arange(12).reshape(4, 3))
    np.testing.assert_array_equal(in_memory[2], [6, 7, 8])


def test_reading_through_mapped_rows_keeps_the_resident_set_bounded(
    mapped: np.ndarray, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(mapped_rows, "RELEASE_EVERY_BYTES", 4 * ROW_BYTES)
    release_pages(mapped)
    before = resident_file_bytes()
    assert read_all(MappedRows(mapped)) == sum(range(ROWS))
    assert resident_file_bytes() - before < 16 * ROW_BYTES  # about 4 rows stay resident

    release_pages(mapped)
    before = resident_file_bytes()
    read_all(mapped)  # the plain map keeps every page it read
    assert resident_file_bytes() - before > ROWS * ROW_BYTES // 2
    release_pages(mapped)
    assert resident_file_bytes() - before < 16 * ROW_BYTES


def test_release_leaves_in_memory_arrays_alone() -> None:
    array = np.ones((3, 4), dtype=np.uint8)
    release_pages(array)
    np.testing.assert_array_equal(array, 1)
