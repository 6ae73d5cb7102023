"""Whether a file is a training checkpoint that a run can continue from, read safely."""

import pickle
from pathlib import Path

import torch

_RESUMABLE_KEYS = ("state_dict", "epoch", "optimizer_states")


def unresumable_reason(path: Path) -> str | None:
    """Why a file cannot be resumed from, or None when it is a readable training checkpoint.

    The file is read with ``torch.load(weights_only=True)``, so a checkpoint from someone
    else can hold only tensors and plain data, never code, before Lightning reads it again.

    Args:
        path: The checkpoint.
    """
    try:
        saved = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError:
        return "it holds more than weights and plain data (it may have been edited)"
    except (RuntimeError, EOFError, OSError, ValueError):
        return "it is not a readable checkpoint (truncated or damaged)"
    missing = [key for key in _RESUMABLE_KEYS if not isinstance(saved, dict) or key not in saved]
    if missing:
        return f"it is not a training checkpoint (no {', '.join(missing)})"
    return None
