"""A digest of a network's weights, independent of how the checkpoint file was written."""

import hashlib
from collections.abc import Mapping

import torch


def weights_sha256(state: Mapping[str, torch.Tensor]) -> str:
    """SHA-256 over the names, dtypes, shapes and values of a state dict's tensors.

    Two files holding the same weights (a re-save, another pickle protocol, another
    optimiser state or epoch counter beside them) give the same digest; one changed value,
    shape, dtype or name gives another.

    Args:
        state: Parameter and buffer tensors by name.

    Returns:
        The hex digest.
    """
    digest = hashlib.sha256()
    for name in sorted(state):
        tensor = state[name].detach().cpu()
        digest.update(f"{name}\0{tensor.dtype}\0{tuple(tensor.shape)}\0".encode())
        # Raw bytes through a uint8 view, so any dtype (bfloat16 too) hashes its exact bits.
        digest.update(tensor.contiguous().reshape(-1).view(torch.uint8).numpy().tobytes())
    return digest.hexdigest()
