"""Rows of a memory-mapped image array, read without keeping its pages resident.

A page of a memory map that a process has read stays in its resident set (RSS) until the
mapping is closed, so reading every row of a 15 GB cache once would leave 15 GB resident.
Released pages stay in the kernel's page cache: reading them again costs a minor fault,
not a disk read, and memory pressure can reclaim them.
"""

import mmap

import numpy as np

#: Bytes read from (or written to) a mapping between two releases of its pages.
RELEASE_EVERY_BYTES = 64 * 2**20


def release_pages(array: np.ndarray) -> None:
    """Drop the pages of ``array``'s memory map from this process's resident set.

    Written pages must be flushed first (``array.flush()``). Does nothing for an in-memory
    array, or where the platform has no ``MADV_DONTNEED``.
    """
    mapping = getattr(array, "_mmap", None)
    advice = getattr(mmap, "MADV_DONTNEED", None)
    if isinstance(mapping, mmap.mmap) and not mapping.closed and advice is not None:
        mapping.madvise(advice)


class MappedRows:
    """Integer-indexed rows of an image array that release a memory map's pages as they go.

    Each process (DataLoader workers included) counts its own reads and releases its own
    pages every :data:`RELEASE_EVERY_BYTES`, so its resident set stays bounded however
    large the array. An in-memory array is read as is.

    Args:
        array: ``N x ...`` array, a read-only memory map or in memory.
    """

    def __init__(self, array: np.ndarray) -> None:
        self.array = array
        self._unreleased = 0

    def __len__(self) -> int:
        return len(self.array)

    def __getitem__(self, index: int) -> np.ndarray:
        if self._unreleased >= RELEASE_EVERY_BYTES:
            release_pages(self.array)
            self._unreleased = 0
        row: np.ndarray = self.array[index]
        self._unreleased += row.nbytes
        return row
