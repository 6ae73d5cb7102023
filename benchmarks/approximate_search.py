"""Approximate against exact search at 1M and 10M codes: the recall/speed curve of IVF.

    python benchmarks/approximate_search.py            # 1M, then 10M codes
    python benchmarks/approximate_search.py --sizes 1000000

For each size, 48-bit codes clustered like learned hash codes (1,000 centre codes, 10 % of
bits flipped; :func:`~ash_lightning.index.scale.clustered_outputs`) and 1,000 queries drawn
the same way. The reference is the project's exact search under the tie rule
(:func:`~ash_lightning.index.kinds.search_codes` on a flat index). An IVF index with the
default ``nlist`` (sqrt(n)) is built once and searched at several ``nprobe``; each row gives
the search time, the speed-up over exact search in the same run, and the tie-aware
recall@10 against it. ``*`` marks the default ``nprobe`` (``ceil(nlist / 16)``).
"""

import argparse
import time

import numpy as np

from ash_lightning.index.kinds import (
    IndexOptions,
    create_index,
    index_parameters,
    search_codes,
    set_search_parameters,
)
from ash_lightning.index.scale import clustered_outputs, tie_aware_recall
from ash_lightning.retrieval.codes import binarize, pack_bits

BITS, QUERIES, TOP_K = 48, 1000, 10
NPROBE_SHARES = (256, 64, 32, 16, 8, 4)
"""``nprobe = ceil(nlist / share)`` for each share."""


def curve(count: int) -> None:
    """Print the exact search and the IVF rows for ``count`` codes."""
    rng = np.random.default_rng(0)
    database = pack_bits(binarize(clustered_outputs(count, BITS, 1000, 0.1, rng)))
    queries = pack_bits(binarize(clustered_outputs(QUERIES, BITS, 1000, 0.1, rng)))
    flat = create_index("flat", {}, database)
    started = time.perf_counter()
    exact = search_codes(flat, queries, TOP_K)
    exact_s = time.perf_counter() - started
    default = index_parameters("ivf", BITS, count, IndexOptions())
    started = time.perf_counter()
    ivf = create_index("ivf", default, database)
    build_s = time.perf_counter() - started
    print(f"\n{count:,} codes of {BITS} bits, {QUERIES} queries, top-{TOP_K}")
    print(f"exact search: {exact_s:.2f} s; IVF build (nlist {default['nlist']}): {build_s:.1f} s\n")
    print("| nprobe | search (s) | speed-up over exact | recall@10 |")
    print("|---:|---:|---:|---:|")
    for share in NPROBE_SHARES:
        nprobe = -(-default["nlist"] // share)
        set_search_parameters(ivf, {"nprobe": nprobe})
        started = time.perf_counter()
        found = search_codes(ivf, queries, TOP_K)
        search_s = time.perf_counter() - started
        mark = " *" if nprobe == default["nprobe"] else ""
        print(
            f"| {nprobe}{mark} | {search_s:.3f} | {exact_s / search_s:.1f}x | "
            f"{tie_aware_recall(exact, found, TOP_K):.4f} |"
        )


def main() -> None:
    """Print the curve for each size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    for count in parser.parse_args().sizes:
        curve(count)


if __name__ == "__main__":
    main()
