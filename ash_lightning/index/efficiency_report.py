"""The efficiency report as Markdown: this machine beside the paper's §IV-C figures."""

from collections.abc import Sequence
from typing import Any

from ash_lightning.index.efficiency import RetrievalTimings
from ash_lightning.index.scale_benchmark import KindResult

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


def _seconds(value: float) -> str:
    """``1.23 s`` from one second up, ``12.3 ms`` below."""
    return f"{value:.2f} s" if value >= 1 else f"{1000 * value:.1f} ms"


def _mb(value: float | None) -> str:
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

    Reference: Fang et al., BIBM 2020, §IV-C.

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
    lines = [
        f"| step | this machine | paper: {PAPER_SETTING} |",
        "|---|---|---|",
        *(f"| {step} | {ours} | {paper} |" for step, ours, paper in rows),
    ]
    return "\n".join(lines)


def scale_table(results: Sequence[KindResult], count: int, queries: int, bits: int, k: int) -> str:
    """Exact and approximate binary indexes on a synthetic case base (recall against exact).

    Reference: Fang et al., BIBM 2020, §IV-C (scalable search with Faiss).

    Args:
        results: One result per index kind.
        count: Codes in the synthetic case base.
        queries: Query codes.
        bits: Code length.
        k: Results per query.

    Returns:
        A Markdown table.
    """
    lines = [
        f"{count:,} synthetic {bits}-bit codes, {queries:,} queries, top-{k}:",
        "",
        f"| index | parameters | build | search, all queries | recall@{k} vs exact |",
        "|---|---|---:|---:|---:|",
    ]
    for result in results:
        params = ", ".join(f"{name}={value}" for name, value in result.params.items()) or "—"
        lines.append(
            f"| {result.index_type} | {params} | {_seconds(result.build_s)} | "
            f"{_seconds(result.search_s)} | {result.recall:.3f} |"
        )
    return "\n".join(lines)
