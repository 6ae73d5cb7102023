"""ash_lightning: Attention-based Saliency Hashing for ophthalmic image retrieval.

Reproduces Fang et al., "Attention-based Saliency Hashing for Ophthalmic Image
Retrieval", BIBM 2020, with its baselines, on PyTorch Lightning, Hydra and Faiss.
"""

import os
import platform
from collections.abc import Callable, Mapping
from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import Any

# OpenMP threads that wait for work by spinning hold the cores that other processes need on a
# shared CPU: Faiss searched 10-100x slower beside a training job. Passive waiting unless the
# user chose otherwise; it must be set before torch or Faiss load their OpenMP runtime.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

# oneDNN picks torch's CPU convolution kernels by instruction set, and its AVX-512 and AVX2
# kernels sum in different orders. Training amplifies those last-bit differences: with the
# same seed the default run's test mAP@10 was 0.731 on AVX2 kernels and 0.643 on AVX-512 ones.
# Capped at AVX2, every x86 machine does the same arithmetic and a seed's numbers reproduce
# across machines. oneDNN reads the cap at its first kernel; the user's own value is kept.
if platform.machine().lower() in {"x86_64", "amd64"}:
    os.environ.setdefault("ONEDNN_MAX_CPU_ISA", "AVX2")

try:
    __version__ = version("ash_lightning")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"


def lazy_exports(package: str, modules: Mapping[str, str]) -> Callable[[str], Any]:
    """A package's ``__getattr__`` that imports each public name's module on first use.

    Lets a package offer its public names (the ones configurations name) without importing
    heavy dependencies, e.g. Lightning, when only a light module of it is used.

    Args:
        package: The package's ``__name__``.
        modules: The module that defines each public name.
    """

    def attribute(name: str) -> Any:
        if name not in modules:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(import_module(modules[name]), name)

    return attribute
