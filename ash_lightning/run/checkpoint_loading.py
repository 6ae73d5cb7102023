"""Rebuild a trained hashing network from its run configuration and checkpoint."""

from pathlib import Path
from typing import Any

import torch
from omegaconf import DictConfig
from torch import nn

from ash_lightning.run.network_build import build_network

NET_PREFIX = "net."


def load_network(cfg: DictConfig, checkpoint_path: str | Path, **model_overrides: Any) -> nn.Module:
    """The network of ``cfg.model`` with the weights of a Lightning checkpoint, in eval mode.

    Args:
        cfg: The configuration the checkpoint was trained with.
        checkpoint_path: A ``.ckpt`` written by the run.
        **model_overrides: Arguments of ``cfg.model`` filled at training time, e.g.
            ``num_classes`` of a class head that the configuration leaves null.

    Returns:
        The network, ready to encode images.

    Raises:
        FileNotFoundError: No such checkpoint.
        pickle.UnpicklingError: The file holds objects other than tensors and plain data.
    """
    path = Path(checkpoint_path)
    if not path.is_file():
        raise FileNotFoundError(f"checkpoint not found: {path}")
    # weights_only: tensors and plain containers only, so a checkpoint can run no code.
    state = torch.load(path, map_location="cpu", weights_only=True)["state_dict"]
    net: nn.Module = build_network(cfg.model, **model_overrides)
    net.load_state_dict(
        {
            key[len(NET_PREFIX) :]: value
            for key, value in state.items()
            if key.startswith(NET_PREFIX)
        }
    )
    return net.eval()
