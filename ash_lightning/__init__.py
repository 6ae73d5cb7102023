"""ash_lightning: Attention-based Saliency Hashing for ophthalmic image retrieval.

Reproduces Fang et al., "Attention-based Saliency Hashing for Ophthalmic Image
Retrieval", BIBM 2020, with its baselines, on PyTorch Lightning, Hydra and Faiss.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("ash_lightning")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"
