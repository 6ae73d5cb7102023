"""Spatial attention maps read from the same forward pass that computes the codes."""

import torch
from torch import Tensor, nn


def attention_maps(net: nn.Module, images: Tensor) -> tuple[Tensor, Tensor]:
    """Codes and the attention block's sigmoid map of ``images``, from one forward pass.

    A forward hook on the ``gate`` of ``net.trunk.attention`` captures the spatial
    weights (the paper's Fig. 4 shows feature maps before and after this block).

    Args:
        net: A hashing network whose trunk has an attention block with a ``gate``.
        images: ``N x C x H x W`` network inputs.

    Returns:
        ``(codes N x K, maps N x 1 x h x w)``.

    Raises:
        ValueError: The network has no attention gate (e.g. ``attention=none``).
    """
    gate = getattr(getattr(getattr(net, "trunk", None), "attention", None), "gate", None)
    if gate is None:
        raise ValueError("this network has no attention gate (trained with attention=none?)")
    captured: list[Tensor] = []
    handle = gate.register_forward_hook(lambda _module, _inputs, output: captured.append(output))
    try:
        with torch.no_grad():
            codes = net(images)
    finally:
        handle.remove()
    return codes, captured[0]
