"""Measure the retrieval stage of a trained run: the paper's efficiency analysis (§IV-C).

Fang et al. (BIBM 2020, §IV-C) report, for Fundus-iSee at 12 bits: feature computation for the
9,000 training images, index build, the search of the 1,000 test queries at top-10, the
training time, and the memory of training and of the online search. This module times the same
steps on this machine with the case index's own code path: the network encodes the database
(:func:`~ash_lightning.index.encode.encode_images`), the sign codes are packed and put in a
flat Faiss binary index (:func:`~ash_lightning.index.kinds.create_index`), and every query is
ranked by :func:`~ash_lightning.index.kinds.search_codes`. The database and the queries are a
data module's database and test splits, prepared as the run prepares its images. The report
puts this machine beside the paper's figures, then, when asked, the comparison of index kinds
at scale (:mod:`ash_lightning.index.scale`).
"""

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np
import torch
from hydra.errors import HydraException
from hydra.utils import instantiate
from omegaconf import DictConfig, OmegaConf
from torch import nn

from ash_lightning.data.retrieval_splits import RetrievalSplits
from ash_lightning.index.build import parse_data_argument
from ash_lightning.index.encode import encode_images
from ash_lightning.index.kinds import create_index, search_codes
from ash_lightning.index.records import CaseIndexError
from ash_lightning.index.scale import KindResult
from ash_lightning.report.markdown import markdown_table
from ash_lightning.retrieval.codes import binarize, pack_bits
from ash_lightning.run.command_line import one_line_message
from ash_lightning.run.peak_memory import peak_memory_mb
from ash_lightning.run.trained_run import TrainedRun

MANIFEST_TARGET = "ash_lightning.data.manifest_datamodule.ManifestDataModule"
PAPER_SETTING = "Fundus-iSee, 12 bits, Geforce RTX 2080 Ti (Fang et al., BIBM 2020, §IV-C)"
PAPER = {
    "encode": "9,000 images in 33 s (≈ 273 images/s), GPU",
    "index": "about 1 s (Faiss)",
    "search": "1,000 queries in 3,000 ms",
    "query_encode": "—",
    "epoch": "about 1 h for 50 epochs (≈ 72 s per epoch)",
    "train_memory": "about 2,000 MB (batch 10)",
    "search_memory": "about 3,000 MB",
    "index_size": "—",
}


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
    """Seconds since ``started``, after the GPU's queued work when ``device`` is one."""
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
    """Encode, index and search once, timing each step.

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
    codes = pack_bits(binarize(database))
    index = create_index("flat", {}, codes)
    index_build_s = time.perf_counter() - started
    started = time.perf_counter()
    queries = encode_images(net, query_images, batch_size, device=device)
    encode_queries_s = _synchronised_seconds(device, started)
    started = time.perf_counter()
    search_codes(index, pack_bits(binarize(queries)), k)
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


def _with_run_preprocessing(data: DictConfig, run: TrainedRun) -> DictConfig:
    """``data`` with the run's image size and channels (and crop, for a manifest)."""
    prepared = cast(DictConfig, OmegaConf.create(OmegaConf.to_container(data, resolve=True)))
    prepared.image_size = run.preprocessing["image_size"]
    prepared.channels = run.preprocessing["channels"]
    if prepared.get("_target_") == MANIFEST_TARGET:
        prepared.crop_black_border = run.preprocessing["crop_black_border"]
    return prepared


def _data_config(data: str | None, run: TrainedRun) -> DictConfig:
    """The data configuration named by ``--data`` (a folder, a config name) or the run's."""
    if data is None:
        return run.config.data
    parsed = parse_data_argument(data)
    if not isinstance(parsed, Path):
        return parsed
    if run.config.data.get("_target_") == MANIFEST_TARGET:
        base = cast(dict[str, Any], OmegaConf.to_container(run.config.data, resolve=True))
    else:
        base = {"_target_": MANIFEST_TARGET, "seed": int(run.config.seed)}
    return OmegaConf.create({**base, "root": str(parsed.resolve()), "cache_dir": None})


def efficiency_splits(data: str | None, run: TrainedRun) -> RetrievalSplits:
    """The splits whose database and test queries the efficiency report times.

    The training set is encoded and indexed, the test set is searched against it.

    Args:
        data: A manifest folder, a data configuration name, or None for the run's own data
            (synthetic data is regenerated from the run's seed).
        run: The trained run; its preparation (size, channels, crop) is always used.

    Returns:
        The database, validation and test images and labels.

    Raises:
        CaseIndexError: No such folder or configuration, or no test queries.
    """
    config = _with_run_preprocessing(_data_config(data, run), run)
    try:
        datamodule = instantiate(config)
    except HydraException as error:
        raise CaseIndexError(f"data: {one_line_message(error)}") from error
    splits: RetrievalSplits = datamodule.splits
    if len(splits.test_labels) == 0:
        raise CaseIndexError("the data have no test queries to search with")
    return splits


def _seconds(value: float) -> str:
    """``1.23 s`` from one second up, ``12.3 ms`` below."""
    return f"{value:.2f} s" if value >= 1 else f"{1000 * value:.1f} ms"


def _mb(value: float | None) -> str:
    """``1,234 MiB``, or ``not recorded``."""
    return "not recorded" if value is None else f"{value:,.0f} MiB"


def _training_cells(results: dict[str, Any]) -> tuple[str, str]:
    """Time per epoch and peak training memory, as the run recorded them."""
    timings = results.get("timings_s", {})
    memory = results.get("memory_mb", {})
    epoch = "not recorded"
    if "fit_per_epoch" in timings:
        epoch = f"{timings['fit_per_epoch']:.1f} s ({timings.get('epochs', '?')} epochs)"
    peak = _mb(memory.get("fit_peak_rss_mb"))
    if "fit_peak_cuda_mb" in memory:
        peak += f" resident; {_mb(memory['fit_peak_cuda_mb'])} GPU"
    return epoch, peak


def retrieval_table(timings: RetrievalTimings, results: dict[str, Any]) -> str:
    """The paper's four efficiency folds, measured, with the paper's numbers beside them.

    Args:
        timings: The measured retrieval stage.
        results: The run's ``results.json`` (training time and memory).

    Returns:
        A Markdown table.
    """
    epoch, train_memory = _training_cells(results)
    search_memory = f"{_mb(timings.peak_rss_mb)} resident (whole process)"
    if timings.peak_cuda_mb is not None:
        search_memory += f"; {_mb(timings.peak_cuda_mb)} GPU"
    rows = [
        (
            "code extraction, database",
            f"{timings.database_images:,} images in {_seconds(timings.encode_database_s)} "
            f"({timings.images_per_s:,.0f} images/s), {timings.device}",
            PAPER["encode"],
        ),
        ("index build (flat binary)", _seconds(timings.index_build_s), PAPER["index"]),
        (
            f"search, all queries at top-{timings.k}",
            f"{timings.query_images:,} queries in {_seconds(timings.search_s)}",
            PAPER["search"],
        ),
        ("code extraction, queries", _seconds(timings.encode_queries_s), PAPER["query_encode"]),
        ("training time per epoch (from the run)", epoch, PAPER["epoch"]),
        ("peak memory, training (from the run)", train_memory, PAPER["train_memory"]),
        ("peak memory, encoding + index + search", search_memory, PAPER["search_memory"]),
        ("index size (packed codes)", f"{timings.index_bytes:,} bytes", PAPER["index_size"]),
    ]
    header = ("step", "this machine", f"paper: {PAPER_SETTING}")
    return markdown_table(header, rows, left_columns=3)


def scale_table(results: Sequence[KindResult], count: int, queries: int, bits: int, k: int) -> str:
    """Exact and approximate binary indexes on a synthetic case base (recall against exact).

    Args:
        results: One result per index kind.
        count: Codes in the synthetic case base.
        queries: Query codes.
        bits: Code length.
        k: Results per query.

    Returns:
        A line naming the setting, a blank line, and a Markdown table.
    """
    rows = [
        (
            result.index_type,
            ", ".join(f"{name}={value}" for name, value in result.params.items()) or "—",
            _seconds(result.build_s),
            _seconds(result.search_s),
            f"{result.recall:.3f}",
        )
        for result in results
    ]
    header = ("index", "parameters", "build", "search, all queries", f"recall@{k} vs exact")
    setting = f"{count:,} synthetic {bits}-bit codes, {queries:,} queries, top-{k}:"
    return f"{setting}\n\n{markdown_table(header, rows, left_columns=2)}"


def efficiency_report(
    run: TrainedRun, data: str | None, timings: RetrievalTimings, scale: str | None = None
) -> str:
    """The whole Markdown report: what was measured where, the retrieval table, the scale.

    Args:
        run: The measured run.
        data: The ``--data`` the images came from, or None for the run's own data.
        timings: The measured retrieval stage.
        scale: The comparison of index kinds (:func:`scale_table`), or None when skipped.

    Returns:
        The report, ending with a newline.
    """
    name = run.results.get("method", "the run")
    machine = f"{os.cpu_count()} CPU cores"
    if timings.device.startswith("cuda"):
        machine += f", {torch.cuda.get_device_name()}"
    sections = [
        f"# Efficiency of {name} ({run.bits} bits) on "
        f"{data or run.results.get('dataset', 'its data')}",
        f"Run: `{run.checkpoint}`; {machine}.",
        retrieval_table(timings, run.results),
    ]
    if scale is not None:
        sections.append(scale)
    return "\n\n".join(sections) + "\n"
