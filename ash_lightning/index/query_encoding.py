"""Encode one query image; with attention, read the map from the same forward pass."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from torch import nn

from ash_lightning.data.image_tensors import to_network_input
from ash_lightning.data.manifest import BadImageError
from ash_lightning.data.manifest.preprocessing import preprocess
from ash_lightning.index.encoding import encode_images
from ash_lightning.index.index_codes import index_codes
from ash_lightning.nn.attention_maps import attention_maps


@dataclass(frozen=True)
class EncodedQuery:
    """A query image as the network saw it, its code and, when available, its attention.

    Reference: Fang et al., BIBM 2020, §III-A (attention block) and Fig. 4.

    Attributes:
        image: ``C x S x S`` uint8, prepared with the index's preprocessing.
        code: ``1 x B`` packed code.
        attention: ``h x w`` attention map of the attention block, or None when the
            network has none (e.g. ``attention=none``).
    """

    image: np.ndarray
    code: np.ndarray
    attention: np.ndarray | None


def encode_query(
    net: nn.Module, path: Path, preprocessing: dict[str, Any], with_attention: bool
) -> EncodedQuery:
    """Prepare and encode one query image (Fang et al., BIBM 2020, §III retrieval stage).

    The attention map, when asked for, is captured by a hook on the attention block during
    the forward pass that computes the code (:func:`~ash_lightning.nn.attention_maps`), as
    the feature maps of the paper's Fig. 4 come from the trained network itself.

    Args:
        net: The index's network.
        path: The query image file.
        preprocessing: ``image_size``, ``channels``, ``crop_black_border``.
        with_attention: Also capture the attention map.

    Returns:
        The prepared image, its code and its attention map (or None).

    Raises:
        BadImageError: The file is missing or unreadable.
    """
    if not path.is_file():
        raise BadImageError(f"no image file {path}")
    image = preprocess(
        path,
        preprocessing["image_size"],
        preprocessing["channels"],
        preprocessing["crop_black_border"],
    )
    if with_attention:
        try:
            outputs, maps = attention_maps(net, to_network_input(image[None]))
        except ValueError:  # the network has no attention gate: encode without a map
            pass
        else:
            return EncodedQuery(
                image, index_codes(outputs.float().numpy()), maps[0, 0].float().numpy()
            )
    return EncodedQuery(image, index_codes(encode_images(net, image[None])), None)
