"""Faiss sharding: one flat binary index against the same codes split over 2 shards.

    python benchmarks/shards.py [--codes 1000000]

``faiss.IndexBinaryShards`` searches each shard (threaded) and merges the per-shard top-k
by distance: the way to spread a case base over several indexes, e.g. one per node, and
query them as one. Random 48-bit codes, 1,000 queries, top-20, median of 3. The merged
distances equal the single index's; among items tied at a distance, the merge does not
promise the single index's order, so the project's exact tie rule needs one index.
"""

import argparse
import statistics
import time

import faiss
import numpy as np

QUERIES, TOP_K, BYTES = 1000, 20, 8


def _seconds(index: faiss.IndexBinary, queries: np.ndarray) -> tuple[float, np.ndarray]:
    times: list[float] = []
    distances = np.empty(0, dtype=np.int32)
    for _ in range(3):
        started = time.perf_counter()
        distances, _ = index.search(queries, TOP_K)
        times.append(time.perf_counter() - started)
    return statistics.median(times), distances


def main() -> None:
    """Print the search time of 1 and 2 shards and whether their distances agree."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--codes", type=int, default=1_000_000)
    count = parser.parse_args().codes
    rng = np.random.default_rng(0)
    codes = rng.integers(0, 256, (count, BYTES), dtype=np.uint8)
    queries = rng.integers(0, 256, (QUERIES, BYTES), dtype=np.uint8)
    single = faiss.IndexBinaryFlat(8 * BYTES)
    single.add(codes)
    # threaded, successive ids: Faiss's stubs list only the first argument.
    sharded = faiss.IndexBinaryShards(8 * BYTES, True, True)  # type: ignore[call-arg]
    parts = [faiss.IndexBinaryFlat(8 * BYTES) for _ in range(2)]
    for part, block in zip(parts, np.array_split(codes, 2), strict=True):
        part.add(block)
        sharded.add_shard(part)
    one_s, one_d = _seconds(single, queries)
    two_s, two_d = _seconds(sharded, queries)
    print(f"{count:,} codes of 48 bits, {QUERIES} queries, top-{TOP_K} (median of 3)\n")
    print("| index | search (s) | ratio to 1 shard |")
    print("|---|---:|---:|")
    print(f"| 1 shard | {one_s:.3f} | 1.00 |")
    print(f"| 2 shards (IndexBinaryShards) | {two_s:.3f} | {two_s / one_s:.2f} |")
    print(f"\nsame distances: {bool(np.array_equal(one_d, two_d))}")


if __name__ == "__main__":
    main()
