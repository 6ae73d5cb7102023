"""Peak memory of this process, for the efficiency report (Fang et al., BIBM 2020, §IV-C)."""

import resource
import sys

import torch

_MAXRSS_UNIT_BYTES = 1 if sys.platform == "darwin" else 1024


def peak_memory_mb() -> dict[str, float]:
    """Peak resident memory of this process so far and, on a GPU, peak allocated GPU memory.

    Returns:
        ``{"peak_rss_mb": ...}`` plus ``"peak_cuda_mb"`` when CUDA is in use; MiB.
    """
    peak = {
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        * _MAXRSS_UNIT_BYTES
        / 2**20
    }
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        peak["peak_cuda_mb"] = torch.cuda.max_memory_allocated() / 2**20
    return peak
