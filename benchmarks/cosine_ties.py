"""Cosine ranking of collapsed outputs, side by side: through the distinct vectors and item by item.

    python benchmarks/cosine_ties.py                      # 1,000 queries x 20,000 items, k = 100
    python benchmarks/cosine_ties.py --queries 5000 --items 90000

Collapsed outputs (a handful of distinct vectors, every query tied with a large part of the
database) are the case where the item-by-item search deepens its Faiss search to the whole
database. :class:`~ash_lightning.retrieval.cosine_ranking.CosineIndex` ranks such a
database through its distinct vectors (``group_distinct=True``, the default). The two
rankings are checked equal, then each is timed once in this run; the ratio is item by item
over grouped.
"""

import argparse
import time

import numpy as np

from ash_lightning.retrieval.cosine_ranking import CosineIndex


def _outputs(count: int, distinct: int, dimensions: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    vectors = np.tanh(rng.standard_normal((distinct, dimensions)))
    return vectors[rng.integers(0, distinct, count)]


def main() -> None:
    """Time both searches and print them with their ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--items", type=int, default=20000)
    parser.add_argument("--distinct", type=int, default=4, help="distinct output vectors")
    parser.add_argument("--dimensions", type=int, default=48)
    parser.add_argument("--k", type=int, default=100)
    args = parser.parse_args()
    database = _outputs(args.items, args.distinct, args.dimensions, seed=0)
    queries = _outputs(args.queries, args.distinct, args.dimensions, seed=0)
    seconds, rankings = {}, {}
    for name, grouped in (("grouped", True), ("item by item", False)):
        started = time.perf_counter()
        rankings[name] = CosineIndex(database, group_distinct=grouped).search(queries, args.k)
        seconds[name] = time.perf_counter() - started
    np.testing.assert_array_equal(rankings["grouped"][1], rankings["item by item"][1])
    print(
        f"{args.queries} queries x {args.items} items, {args.distinct} distinct vectors, "
        f"k = {args.k}: the same ranking"
    )
    for name, value in seconds.items():
        print(f"  {name:>12}: {value:8.2f} s")
    print(f"  item by item / grouped: {seconds['item by item'] / seconds['grouped']:.0f}x")


if __name__ == "__main__":
    main()
