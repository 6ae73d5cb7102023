"""Spatial attention maps read from the same forward pass that computes the codes."""

import torch
from torch import Tensor, nn

from ash_lightning.nn.mirror_attention import MirrorAttention

MIRROR_BRANCHES = ("horizontal_attention", "vertical_attention")


def _gate_maps(net: nn.Module, gate: nn.Module, images: Tensor) -> tuple[Tensor, Tensor]:
    """Codes and the gate's ``N x 1 x h x w`` output."""
    captured: list[Tensor] = []
    handle = gate.register_forward_hook(lambda _module, _inputs, output: captured.append(output))
    try:
        with torch.no_grad():
            codes = net(images)
    finally:
        handle.remove()
    return codes, captured[0]


def _mirror_maps(
    net: nn.Module, branches: list[MirrorAttention], images: Tensor
) -> tuple[Tensor, Tensor]:
    """Codes and the attention each position receives, averaged over queries and branches."""
    shapes: list[torch.Size] = []
    weights: list[Tensor] = []
    handles = []
    for branch in branches:
        handles.append(
            branch.register_forward_hook(
                lambda _module, inputs, _output: shapes.append(inputs[0].shape)
            )
        )
        handles.append(
            branch.softmax.register_forward_hook(
                lambda _module, _inputs, output: weights.append(output)
            )
        )
    try:
        with torch.no_grad():
            codes = net(images)
    finally:
        for handle in handles:
            handle.remove()
    received = [
        branch_weights.mean(dim=1).reshape(len(images), 1, *shape[-2:])
        for branch_weights, shape in zip(weights, shapes, strict=True)
    ]
    return codes, torch.stack(received).mean(dim=0)


def attention_maps(net: nn.Module, images: Tensor) -> tuple[Tensor, Tensor]:
    """Codes and a spatial attention map of ``images``, from one forward pass.

    - A network whose ``net.trunk.attention`` has a ``gate`` (ASH, ATH, attention-guided
      hashing): a forward hook on the gate captures its spatial weights (the paper's Fig. 4
      shows feature maps before and after this block; Fang et al., BIBM 2020).
    - Mirror attention (``net.trunk.horizontal_attention`` and ``vertical_attention``, BSPC
      2022): hooks on each branch's softmax capture the ``HW x HW`` attention weights; the
      map is the attention each image position receives, averaged over all query positions
      and over the two branches (the keys are aligned with the image, so the map is in
      image coordinates). It sums to 1 over the positions.

    Args:
        net: A hashing network with one of the attention blocks above.
        images: ``N x C x H x W`` network inputs.

    Returns:
        ``(codes N x K, maps N x 1 x h x w)``.

    Raises:
        ValueError: The network has no such attention block (e.g. ``attention=none``).
    """
    trunk = getattr(net, "trunk", None)
    gate = getattr(getattr(trunk, "attention", None), "gate", None)
    if gate is not None:
        return _gate_maps(net, gate, images)
    branches = [getattr(trunk, name, None) for name in MIRROR_BRANCHES]
    mirror_branches = [branch for branch in branches if isinstance(branch, MirrorAttention)]
    if len(mirror_branches) == len(branches):
        return _mirror_maps(net, mirror_branches, images)
    raise ValueError("this network has no attention gate (trained with attention=none?)")
