"""Decode, prepare and encode image files chunk by chunk, with one progress bar."""

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
from torch import nn
from tqdm.auto import tqdm

from ash_lightning.data.manifest import BadImageError, load_images
from ash_lightning.index.encoding import encode_images

BadImagePolicy = Literal["error", "skip"]


@dataclass(frozen=True)
class EncodedFiles:
    """The relaxed codes of the readable files among those given.

    Reference: Fang et al., BIBM 2020, §III (relaxed outputs, signed at retrieval).

    Attributes:
        outputs: ``n_kept x K`` float32 network outputs, in input order.
        kept: int64 indices, into the input paths, of the encoded files.
        bad: Input paths skipped as unreadable (only with ``on_bad_image="skip"``).
    """

    outputs: np.ndarray
    kept: np.ndarray
    bad: tuple[str, ...]


def encode_files(
    net: nn.Module,
    root: Path,
    paths: Sequence[str],
    preprocessing: dict[str, Any],
    batch_size: int = 64,
    on_bad_image: BadImagePolicy = "error",
    progress: bool = True,
) -> EncodedFiles:
    """Encode image files with a trained run's preparation (Fang et al., BIBM 2020, §III).

    Files are decoded, cropped and resized (``preprocessing`` of
    :class:`~ash_lightning.run.trained_run.TrainedRun`) one chunk of ``batch_size`` at a time, so
    memory stays bounded, then encoded by :func:`~ash_lightning.index.encoding.encode_images`.

    Args:
        net: The run's network.
        root: Folder the paths are relative to (absolute paths ignore it).
        paths: The image files.
        preprocessing: ``image_size``, ``channels`` and ``crop_black_border``.
        batch_size: Files per chunk and forward pass.
        on_bad_image: ``"error"`` stops at an unreadable file; ``"skip"`` leaves it out.
        progress: Show a progress bar over the files (on standard error).

    Returns:
        The outputs of the readable files and which files they are.

    Raises:
        BadImageError: An unreadable file with ``on_bad_image="error"``, or no readable file.
    """
    outputs: list[np.ndarray] = []
    kept: list[np.ndarray] = []
    bad: list[str] = []
    with tqdm(total=len(paths), desc="encoding", unit="image", disable=not progress) as bar:
        for start in range(0, len(paths), batch_size):
            chunk = list(paths[start : start + batch_size])
            try:
                loaded = load_images(
                    root,
                    chunk,
                    preprocessing["image_size"],
                    channels=preprocessing["channels"],
                    crop_border=preprocessing["crop_black_border"],
                    on_bad_image=on_bad_image,
                )
            except BadImageError:
                if on_bad_image != "skip":
                    raise
                bad.extend(chunk)  # with "skip", load_images raises only when all are bad
            else:
                outputs.append(encode_images(net, np.asarray(loaded.images), len(chunk)))
                kept.append(start + loaded.kept)
                bad.extend(loaded.bad)
            bar.update(len(chunk))
    if not outputs:
        raise BadImageError(f"none of the {len(paths)} images is readable")
    return EncodedFiles(np.concatenate(outputs), np.concatenate(kept), tuple(bad))
