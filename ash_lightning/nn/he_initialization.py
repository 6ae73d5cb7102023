"""He initialisation for the trunks without batch normalisation."""

from torch import nn


def he_initialize(module: nn.Module) -> None:
    """Kaiming-normal weights (fan-in, ReLU gain) and zero biases for every conv and linear layer.

    PyTorch's default initialisation shrinks the signal by about a third per ReLU layer; in
    the deep trunks without batch norm (DPSH's AlexNet shape, DSH) the images' codes then
    differ by ~1e-4 at the start, every sign code is the same, and pairwise training cannot
    leave that point. He initialisation keeps the activations' scale through depth.

    Reference: He et al., "Delving Deep into Rectifiers", ICCV 2015.

    Args:
        module: The network whose layers are re-initialised in place.
    """
    for layer in module.modules():
        if isinstance(layer, nn.Conv2d | nn.Linear):
            nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
            if layer.bias is not None:
                nn.init.zeros_(layer.bias)
