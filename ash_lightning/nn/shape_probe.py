"""Run a module once on a blank image to learn the shape of its output."""

import torch
from torch import Tensor, nn


def probe_output(module: nn.Module, image_size: int, in_channels: int, name: str) -> Tensor:
    """The output of ``module`` for one blank ``in_channels x image_size x image_size`` image.

    Layer widths that follow a trunk or encoder (the FC of a hash head, the GeM of mirror
    attention) are derived from this probe, so that every network works at any input size
    (the ASH authors feed 512 px; the defaults here use 64 px). The module runs in
    eval mode without gradients, and its training mode is restored afterwards.

    Args:
        module: A trunk or encoder.
        image_size: Side of the square input.
        in_channels: Image channels.
        name: How to name the module in the error message.

    Returns:
        The output for a batch of one image.

    Raises:
        ValueError: The image is too small for the module.
    """
    was_training = module.training
    module.eval()
    try:
        with torch.no_grad():
            return module(torch.zeros(1, in_channels, image_size, image_size))
    except RuntimeError as error:
        raise ValueError(f"image_size={image_size} is too small for {name}: {error}") from error
    finally:
        module.train(was_training)
