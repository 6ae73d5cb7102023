"""Peak memory of this process, for the efficiency report."""

import resource
import sys
from pathlib import Path

import torch

_MAXRSS_UNIT_BYTES = 1 if sys.platform == "darwin" else 1024
_PROC_STATUS = Path("/proc/self/status")
_HIGH_WATER_MARK = "VmHWM:"


def _peak_rss_bytes() -> int:
    """The kernel's resident high-water mark of this process.

    On Linux it is ``VmHWM`` of ``/proc/self/status``: ``getrusage``'s ``ru_maxrss`` is
    preserved across ``execve``, so a process started by a large one (pytest, a notebook
    kernel) would report its parent's peak as its own. Elsewhere ``ru_maxrss`` is used.
    """
    if _PROC_STATUS.is_file():
        for line in _PROC_STATUS.read_text().splitlines():
            if line.startswith(_HIGH_WATER_MARK):
                return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * _MAXRSS_UNIT_BYTES


def peak_memory_mb() -> dict[str, float]:
    """Peak resident memory of this process so far and, on a GPU, peak allocated GPU memory.

    Returns:
        ``{"peak_rss_mb": ...}`` plus ``"peak_cuda_mb"`` when CUDA is in use; MiB.
    """
    peak = {"peak_rss_mb": _peak_rss_bytes() / 2**20}
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        peak["peak_cuda_mb"] = torch.cuda.max_memory_allocated() / 2**20
    return peak
