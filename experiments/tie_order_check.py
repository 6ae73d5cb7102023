"""How much a deep run's test mAP@10 owes to the database order its ties are broken in.

Reloads a finished run's selected checkpoint, encodes its test queries and database, and
scores the Hamming ranking (standard convention) in the run's own seeded database order, in
ORDERS other seeded random orders, and by the tie-aware expectation. With many distinct codes
the three agree; with few, one order can score far from the others, and it must not be an
order that model selection has seen.

    python experiments/tie_order_check.py RUN_DIR [ORDERS]
"""

import json
import sys
from pathlib import Path

import numpy as np
from hydra.utils import instantiate
from omegaconf import OmegaConf

from ash_lightning.index.encode import encode_images
from ash_lightning.retrieval import evaluate_retrieval
from ash_lightning.run.trained_run import load_trained_run

ORDER_SEEDS_FROM = 1000
"""Seeds of the other orders: 1000, 1001, ...; none is a run's own (its seed)."""


def main(run_dir: Path, orders: int) -> None:
    """Print the run's test mAP@10 in its order, over other orders, and tie-aware."""
    run = load_trained_run(run_dir)
    config = OmegaConf.create(json.loads((run_dir / "results.json").read_text())["config"])
    data = instantiate(config.data)
    data.setup()
    splits = data.splits
    queries = encode_images(run.net, np.asarray(data.inputs.test_images))
    database = encode_images(run.net, np.asarray(data.inputs.database_images))
    own = data.database_order
    scored = evaluate_retrieval(
        queries, splits.test_labels, database[own], splits.database_labels[own], topk=[10]
    )
    others = []
    for seed in range(ORDER_SEEDS_FROM, ORDER_SEEDS_FROM + orders):
        order = np.random.default_rng(seed).permutation(len(own))
        again = evaluate_retrieval(
            queries,
            splits.test_labels,
            database[order],
            splits.database_labels[order],
            topk=[10],
            tie_aware=False,
        )
        others.append(again.metrics["mAP@10"])
    spread = np.array(others)
    print(f"{run_dir}: test mAP@10 in its own order {scored.metrics['mAP@10']:.3f}")
    print(
        f"  over {orders} other orders {spread.mean():.3f} ± {spread.std(ddof=1):.3f} "
        f"(min {spread.min():.3f}, max {spread.max():.3f})"
    )
    print(f"  tie-aware expectation {scored.metrics['tie_aware/mAP@10']:.3f}")


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: python experiments/tie_order_check.py RUN_DIR [ORDERS]")
    main(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) == 3 else 40)
