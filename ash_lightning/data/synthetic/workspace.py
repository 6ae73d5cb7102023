"""Scratch arrays reused from chunk to chunk, so rendering rarely allocates fresh memory.

Rendering a chunk of synthetic images (see `chunking`) touches a handful of image-sized
float32 planes. Allocating them anew for every chunk makes the allocator map and fault in
fresh pages each time, which costs more than the arithmetic itself; a `Workspace` keeps them.
"""

from __future__ import annotations

import numpy as np


class Workspace:
    """Named float32 scratch arrays owned by one rendering thread.

    An array is reallocated only when a request needs a larger leading dimension or a
    different trailing shape; otherwise the first ``shape[0]`` rows of the kept array are
    returned. Contents are undefined on return.
    """

    def __init__(self) -> None:
        self._arrays: dict[tuple[str, tuple[int, ...]], np.ndarray] = {}

    def array(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """Returns a C-contiguous float32 scratch array of the given shape.

        Args:
            name: Identifier of the array; distinct live arrays need distinct names.
            shape: Requested shape; the first axis is the number of images.

        Returns:
            An uninitialised array, a view of a kept buffer when one fits.
        """
        key = (name, tuple(shape[1:]))
        kept = self._arrays.get(key)
        if kept is None or kept.shape[0] < shape[0]:
            kept = np.empty(shape, dtype=np.float32)
            self._arrays[key] = kept
        return kept[: shape[0]]
