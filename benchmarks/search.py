"""Exact Hamming search, side by side: the project, raw Faiss, and a DeepHash-style NumPy loop.

    python benchmarks/search.py            # 1,000 queries x 9,000 / 100,000 codes, then 1M and 10M
    python benchmarks/search.py --quick    # 9,000 only

* **project**: :class:`~ash_lightning.retrieval.hamming_ranking.HammingIndex`, the exact
  top-k under the evaluation's tie rule (distance, then database position).
* **faiss**: ``faiss.IndexBinaryFlat.search`` as it comes (its heap search; not bound to
  any tie order).
* **numpy**: what DeepHash-pytorch's evaluation does per query, ``0.5 * (K - B @ q)`` on
  ``+-1`` codes and a full ``argsort``; timed on the first 100 queries and scaled to all.

Each configuration is timed 3 times in this one run (median); ratios are to raw Faiss.
Codes are random, or collapsed (5 distinct codes, every query tied with a fifth of the
database). Peak memory of the project's search at 1M and 10M codes is the growth of the
process's peak resident set during the search, measured in a fresh process per size.
"""

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

import faiss
import numpy as np

from ash_lightning.retrieval.hamming_ranking import HammingIndex

QUERIES = 1000
TOP_K = 20
NUMPY_QUERIES = 100
BITS = (12, 24, 36, 48)


def _codes(rng: np.random.Generator, count: int, bits: int, collapsed: bool) -> np.ndarray:
    """Packed codes as the project stores them: LSB first, zero-padded to 64-bit words."""
    width = 8 * -(-bits // 64)
    drawn = 5 if collapsed else count
    codes = np.zeros((drawn, width), dtype=np.uint8)
    codes[:, : -(-bits // 8)] = rng.integers(0, 256, (drawn, -(-bits // 8)), dtype=np.uint8)
    if bits % 8:
        codes[:, bits // 8] &= (1 << (bits % 8)) - 1
    return codes[rng.integers(0, drawn, count)] if collapsed else codes


def _median_seconds(call: Callable[..., object], *args: object, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        call(*args)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _numpy_search(queries: np.ndarray, database: np.ndarray, bits: int) -> None:
    signs_db = np.unpackbits(database, axis=1, bitorder="little")[:, :bits] * 2.0 - 1.0
    signs_q = np.unpackbits(queries, axis=1, bitorder="little")[:, :bits] * 2.0 - 1.0
    for query in signs_q:
        distances = 0.5 * (bits - signs_db @ query)
        np.argsort(distances, kind="stable")[:TOP_K]


def compare(count: int, with_numpy: bool) -> None:
    """Print one table row per code length and code kind for ``count`` database codes."""
    rng = np.random.default_rng(0)
    print(f"\n{QUERIES} queries x {count:,} codes, top-{TOP_K} (median of 3, seconds)\n")
    print("| K | codes | project | raw Faiss | NumPy (DeepHash-style) | project / Faiss |")
    print("|---:|---|---:|---:|---:|---:|")
    for bits in BITS:
        for collapsed in (False, True):
            database = _codes(rng, count, bits, collapsed)
            queries = _codes(rng, QUERIES, bits, collapsed=False)
            project = HammingIndex(database)
            raw = faiss.IndexBinaryFlat(8 * database.shape[1])
            raw.add(database)
            ours = _median_seconds(project.search, queries, TOP_K)
            theirs = _median_seconds(raw.search, queries, TOP_K)
            numpy_cell = "-"
            if with_numpy:
                part = _median_seconds(
                    _numpy_search, queries[:NUMPY_QUERIES], database, bits, repeats=1
                )
                numpy_cell = f"{part * QUERIES / NUMPY_QUERIES:.3f}"
            kind = "collapsed" if collapsed else "random"
            print(
                f"| {bits} | {kind} | {ours:.4f} | {theirs:.4f} | {numpy_cell} | "
                f"{ours / theirs:.2f}x |"
            )


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_memory(count: int, collapsed: bool) -> dict[str, float]:
    """In this process: peak RSS growth of one 1,000-query search of 48-bit codes."""
    rng = np.random.default_rng(0)
    database = _codes(rng, count, 48, collapsed=collapsed)
    queries = _codes(rng, QUERIES, 48, collapsed=False)
    index = HammingIndex(database)
    before = _peak_mb()
    seconds = _median_seconds(index.search, queries, TOP_K, repeats=1)
    return {
        "codes": count,
        "search_s": seconds,
        "peak_growth_mb": _peak_mb() - before,
        "peak_mb": _peak_mb(),
    }


def memory_table() -> None:
    """Print the peak memory of a search at 1M and 10M codes, one fresh process each."""
    print("\nExact search of 1,000 queries, 48-bit codes, top-20, one fresh process each\n")
    print("| codes | kind | search (s) | peak RSS growth in the search (MB) | process peak (MB) |")
    print("|---:|---|---:|---:|---:|")
    for count in (1_000_000, 10_000_000):
        for kind in ("random", "collapsed"):
            result = subprocess.run(
                [sys.executable, __file__, "--memory", str(count), kind],
                capture_output=True,
                text=True,
                check=True,
            )
            row = json.loads(result.stdout.strip().splitlines()[-1])
            print(
                f"| {count:,} | {kind} | {row['search_s']:.2f} | {row['peak_growth_mb']:.0f} | "
                f"{row['peak_mb']:.0f} |"
            )


def main() -> None:
    """Run the comparison (or, with ``--memory N``, one memory measurement)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="9,000 codes only")
    parser.add_argument("--memory", nargs=2, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.memory:
        count, kind = arguments.memory
        print(json.dumps(measure_memory(int(count), collapsed=kind == "collapsed")))
        return
    print(f"faiss threads: {faiss.omp_get_max_threads()}")
    compare(9_000, with_numpy=True)
    if arguments.quick:
        return
    compare(100_000, with_numpy=True)
    compare(1_000_000, with_numpy=False)
    memory_table()


if __name__ == "__main__":
    main()
