"""Build a hashing network from ``cfg.model``, with the speed options that are not its arguments.

``model.compile`` and ``model.channels_last`` sit in the model config, beside the network's
own arguments, so that ``model.compile=true`` reads as a property of the model; they are
taken out before Hydra instantiates the network.
"""

from dataclasses import dataclass
from typing import Any

import torch
from hydra.utils import instantiate
from omegaconf import DictConfig, open_dict
from torch import nn

SPEED_OPTIONS = ("compile", "channels_last")


@dataclass(frozen=True)
class NetworkSpeed:
    """How the network runs, not what it computes.

    Attributes:
        compile: ``torch.compile`` the network in place (its state-dict keys stay the same).
        channels_last: Keep the network's weights and its image batches in NHWC layout.
    """

    compile: bool = False
    channels_last: bool = False


def network_speed(model: DictConfig) -> NetworkSpeed:
    """The speed options of a model config (false when it has none, e.g. an older run's)."""
    return NetworkSpeed(
        compile=bool(model.get("compile", False)),
        channels_last=bool(model.get("channels_last", False)),
    )


def build_network(model: DictConfig, **arguments: Any) -> Any:
    """Instantiate ``model`` without its speed options.

    Args:
        model: The ``model`` node.
        **arguments: Arguments filled at run time, e.g. ``num_classes``.

    Returns:
        The network (or shallow model) the config describes.
    """
    own = model.copy()
    with open_dict(own):
        for name in SPEED_OPTIONS:
            own.pop(name, None)
    return instantiate(own, **arguments)


def _to_channels_last(module: nn.Module, inputs: tuple[Any, ...]) -> tuple[Any, ...]:
    """Forward pre-hook: image batches (4-D tensors) in NHWC layout."""
    return tuple(
        item.contiguous(memory_format=torch.channels_last)
        if isinstance(item, torch.Tensor) and item.ndim == 4
        else item
        for item in inputs
    )


def apply_speed(net: nn.Module, speed: NetworkSpeed) -> nn.Module:
    """Put ``net`` in NHWC layout and/or compile it, in place.

    With ``channels_last`` the weights move to NHWC and a forward pre-hook on the trunk
    (every path to the codes and class logits goes through it) converts the image batches.

    Args:
        net: The network.
        speed: The options.

    Returns:
        ``net``.
    """
    if speed.channels_last:
        net.to(memory_format=torch.channels_last)  # type: ignore[call-overload]
        trunk = getattr(net, "trunk", None)
        entry: nn.Module = trunk if isinstance(trunk, nn.Module) else net
        entry.register_forward_pre_hook(_to_channels_last)
    if speed.compile:
        net.compile()
    return net
