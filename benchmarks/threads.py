"""OpenMP's wait policy on a shared CPU: Faiss search and a torch forward, ACTIVE against PASSIVE.

    python benchmarks/threads.py

Each measurement runs in a fresh process (the policy is read when OpenMP loads), once alone
and once beside a busy neighbour (another process running torch matrix products on one
thread, as a training job shares the machine). It times the exact search of 1,000 queries
in 9,000 random 48-bit codes and a forward pass of the default network on 256 images, medians
of 5.
"""

import json
import os
import statistics
import subprocess
import sys
import time

NEIGHBOUR = (
    "import torch\ntorch.set_num_threads(1)\na = torch.randn(512, 512)\n"
    "while True:\n    a = (a @ a).tanh()\n"
)


def measure() -> dict[str, float]:
    """In this process: median seconds of a Faiss search and of a torch forward pass."""
    import numpy as np
    import torch

    from ash_lightning.retrieval.hamming_ranking import HammingIndex
    from ash_lightning.run.compose import compose_config
    from ash_lightning.run.network_build import build_network
    from ash_lightning.run.threads import apply_thread_policy

    apply_thread_policy()
    rng = np.random.default_rng(0)
    index = HammingIndex(rng.integers(0, 256, (9000, 8), dtype=np.uint8))
    queries = rng.integers(0, 256, (1000, 8), dtype=np.uint8)
    cfg = compose_config([])
    net = build_network(cfg.model).eval()
    images = torch.randn(256, int(cfg.data.channels), 64, 64)
    timings: dict[str, list[float]] = {"faiss search": [], "torch forward": []}
    with torch.no_grad():
        for _ in range(5):
            started = time.perf_counter()
            index.search(queries, 20)
            timings["faiss search"].append(time.perf_counter() - started)
            started = time.perf_counter()
            net(images)
            timings["torch forward"].append(time.perf_counter() - started)
    return {name: statistics.median(values) for name, values in timings.items()}


def _in_fresh_process(policy: str) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, __file__, "--measure"],
        env={**os.environ, "OMP_WAIT_POLICY": policy},
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def main() -> None:
    """Print the table: each policy, alone and beside a busy neighbour."""
    if "--measure" in sys.argv:
        print(json.dumps(measure()))
        return
    print("| neighbour | policy | Faiss search (ms) | torch forward (ms) |")
    print("|---|---|---:|---:|")
    for busy in (False, True):
        neighbour = subprocess.Popen([sys.executable, "-c", NEIGHBOUR]) if busy else None
        try:
            for policy in ("ACTIVE", "PASSIVE"):
                seconds = _in_fresh_process(policy)
                print(
                    f"| {'busy' if busy else 'none'} | {policy} | "
                    f"{1000 * seconds['faiss search']:.1f} | "
                    f"{1000 * seconds['torch forward']:.1f} |"
                )
        finally:
            if neighbour is not None:
                neighbour.kill()
                neighbour.wait()


if __name__ == "__main__":
    main()
