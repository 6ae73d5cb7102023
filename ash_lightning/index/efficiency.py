"""Measure the retrieval stage of a trained run: the paper's efficiency analysis (§IV-C).

Fang et al. (BIBM 2020, §IV-C) report, for Fundus-iSee at 12 bits: feature computation for the
9,000 training images, index build, the search of the 1,000 test queries at top-10, the
training time, and the memory of training and of the online search. This module times the same
steps on this machine with the case index's own code path: the network encodes the database
(:func:`~ash_lightning.index.encoding.encode_images`), the sign codes are packed and put in a
flat Faiss binary index (:func:`~ash_lightning.index.index_kinds.create_index`), and every
query is ranked by :func:`~ash_lightning.index.binary_search.search_codes`.
"""

import time
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from ash_lightning.index.binary_search import search_codes
from ash_lightning.index.encoding import encode_images
from ash_lightning.index.index_codes import index_codes
from ash_lightning.index.index_kinds import create_index
from ash_lightning.run.peak_memory import peak_memory_mb


@dataclass(frozen=True)
class RetrievalTimings:
    """Seconds and sizes of one pass of the retrieval stage.

    Attributes:
        database_images: Images encoded and indexed.
        query_images: Queries encoded and searched.
        k: Results per query.
        device: Where the network ran.
        encode_database_s: Feature (code) computation for the database.
        index_build_s: Packing the sign codes and filling the flat binary index.
        encode_queries_s: Code computation for the queries.
        search_s: Ranking the database for every query at top-k.
        index_bytes: Bytes of the packed database codes.
        peak_rss_mb: Peak resident memory of this process by the end of the search (the
            model, the images, the codes, the index and the search together), MiB.
        peak_cuda_mb: Peak allocated GPU memory, MiB, when the network ran on a GPU.
    """

    database_images: int
    query_images: int
    k: int
    device: str
    encode_database_s: float
    index_build_s: float
    encode_queries_s: float
    search_s: float
    index_bytes: int
    peak_rss_mb: float
    peak_cuda_mb: float | None

    @property
    def images_per_s(self) -> float:
        """Database images encoded per second."""
        return self.database_images / self.encode_database_s


def _synchronised_seconds(device: str, started: float) -> float:
    if device.startswith("cuda"):
        torch.cuda.synchronize()
    return time.perf_counter() - started


def time_retrieval(
    net: nn.Module,
    database_images: np.ndarray,
    query_images: np.ndarray,
    k: int = 10,
    batch_size: int = 256,
    device: str = "cpu",
) -> RetrievalTimings:
    """Encode, index and search once, timing each step (Fang et al., BIBM 2020, §IV-C).

    One untimed forward pass on a few images warms the network up first (kernel selection,
    lazy allocations), so the timings are those of a running service.

    Args:
        net: The trained network.
        database_images: ``N x C x H x W`` uint8 database images.
        query_images: ``Q x C x H x W`` uint8 query images.
        k: Results per query (the paper: top-10).
        batch_size: Images per forward pass.
        device: ``"cpu"`` or ``"cuda"``.

    Returns:
        The timings.

    Raises:
        ValueError: Empty database or queries, or ``k < 1``.
    """
    if len(database_images) == 0 or len(query_images) == 0:
        raise ValueError("the efficiency report needs database images and query images")
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    encode_images(net, database_images[:batch_size], batch_size, device=device)
    started = time.perf_counter()
    database = encode_images(net, database_images, batch_size, device=device)
    encode_database_s = _synchronised_seconds(device, started)
    started = time.perf_counter()
    codes = index_codes(database)
    index = create_index("flat", {}, codes)
    index_build_s = time.perf_counter() - started
    started = time.perf_counter()
    queries = encode_images(net, query_images, batch_size, device=device)
    encode_queries_s = _synchronised_seconds(device, started)
    started = time.perf_counter()
    search_codes(index, index_codes(queries), k)
    search_s = time.perf_counter() - started
    memory = peak_memory_mb()
    return RetrievalTimings(
        database_images=len(database_images),
        query_images=len(query_images),
        k=k,
        device=device,
        encode_database_s=encode_database_s,
        index_build_s=index_build_s,
        encode_queries_s=encode_queries_s,
        search_s=search_s,
        index_bytes=int(codes.nbytes),
        peak_rss_mb=memory["peak_rss_mb"],
        peak_cuda_mb=memory.get("peak_cuda_mb"),
    )
