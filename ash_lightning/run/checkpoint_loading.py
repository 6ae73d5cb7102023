"""Rebuild a trained hashing network from its run configuration and checkpoint."""

from pathlib import Path
from typing import Any

import torch
from omegaconf import DictConfig
from torch import nn

from ash_lightning.run.network_build import build_network

NET_PREFIX = "net."


def read_network_weights(checkpoint_path: str | Path) -> dict[str, torch.Tensor]:
    """The network's tensors of a Lightning checkpoint, read without running any code.

    Args:
        checkpoint_path: A ``.ckpt`` written by the run.

    Returns:
        The ``net.`` entries of its state dict, with the prefix removed.

    Raises:
        FileNotFoundError: No such checkpoint.
        pickle.UnpicklingError: The file holds objects other than tensors and plain data.
    """
    path = Path(checkpoint_path)
    if not path.is_file():
        raise FileNotFoundError(f"checkpoint not found: {path}")
    # weights_only: tensors and plain containers only, so a checkpoint can run no code.
    state = torch.load(path, map_location="cpu", weights_only=True)["state_dict"]
    return {
        key[len(NET_PREFIX) :]: value for key, value in state.items() if key.startswith(NET_PREFIX)
    }


def network_with_weights(
    cfg: DictConfig, weights: dict[str, torch.Tensor], **model_overrides: Any
) -> nn.Module:
    """The network of ``cfg.model`` holding ``weights``, in eval mode.

    Args:
        cfg: The configuration the weights were trained with.
        weights: The network's state dict (:func:`read_network_weights`).
        **model_overrides: Arguments of ``cfg.model`` filled at training time, e.g.
            ``num_classes`` of a class head that the configuration leaves null.

    Returns:
        The network, ready to encode images.

    Raises:
        RuntimeError: The weights do not fit the network.
    """
    net: nn.Module = build_network(cfg.model, **model_overrides)
    net.load_state_dict(weights)
    return net.eval()


def load_network(cfg: DictConfig, checkpoint_path: str | Path, **model_overrides: Any) -> nn.Module:
    """The network of ``cfg.model`` with the weights of a Lightning checkpoint, in eval mode.

    Args:
        cfg: The configuration the checkpoint was trained with.
        checkpoint_path: A ``.ckpt`` written by the run.
        **model_overrides: See :func:`network_with_weights`.

    Returns:
        The network, ready to encode images.

    Raises:
        FileNotFoundError: No such checkpoint.
        pickle.UnpicklingError: The file holds objects other than tensors and plain data.
    """
    return network_with_weights(cfg, read_network_weights(checkpoint_path), **model_overrides)
