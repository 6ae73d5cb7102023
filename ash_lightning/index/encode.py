"""The index's network: load it, refuse one whose codes are not comparable, encode images.

Query and database codes are comparable only when the same hashing network, at the same code
length, encoded images prepared the same way (Fang et al., BIBM 2020, §III: one network
encodes the database and the queries). ``query`` and ``add`` therefore load the checkpoint
recorded in the index, or an explicitly given one (the same weights moved elsewhere), and
refuse it when its SHA-256, bits or preprocessing differ from the index's.

Images are scaled exactly as in training and evaluation
(:func:`~ash_lightning.data.image_tensors.to_network_input`) and encoded without gradients
in eval mode; the relaxed outputs become codes by the evaluation's own sign and packing
(:mod:`ash_lightning.retrieval.codes`). Image files are decoded and prepared with the run's
preprocessing one chunk at a time, so memory stays bounded. A query's attention map, when
asked for, is captured by a hook on the attention block during the forward pass that
computes its code (:func:`~ash_lightning.nn.attention_maps.attention_maps`), as the feature
maps of the paper's Fig. 4 come from the trained network itself.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import torch
from torch import nn

from ash_lightning.console.progress import progress as show_progress
from ash_lightning.data.image_tensors import to_network_input
from ash_lightning.data.manifest import BadImageError, load_images
from ash_lightning.data.manifest.preprocessing import preprocess
from ash_lightning.index.records import IndexHeader, IndexMismatchError
from ash_lightning.nn.attention_maps import attention_maps
from ash_lightning.retrieval.codes import binarize, pack_bits
from ash_lightning.run.trained_run import (
    RunIdentity,
    TrainedRun,
    TrainedRunError,
    load_trained_run,
)

BadImagePolicy = Literal["error", "skip"]
_SHOWN_DIGITS = 12


def differences(header: IndexHeader, run: RunIdentity) -> list[str]:
    """What differs between a run and the index, e.g. ``bits 24 (index: 12)``.

    The weights are compared by their digest (a version-1 index: by the checkpoint file's).

    Args:
        header: The index's header.
        run: The run's identity (a :class:`TrainedRun` is one).

    Returns:
        One item per differing property; empty when the run may serve the index.
    """
    found = []
    if run.bits != header.bits:
        found.append(f"bits {run.bits} (index: {header.bits})")
    for key, indexed in header.preprocessing.items():
        if run.preprocessing.get(key) != indexed:
            found.append(f"{key} {run.preprocessing.get(key)} (index: {indexed})")
    if header.weights_sha256:
        digests = ("weights sha256", run.weights_sha256, header.weights_sha256)
    else:
        digests = ("checkpoint sha256", run.checkpoint_sha256, header.checkpoint_sha256)
    name, own, indexed_digest = digests
    if own != indexed_digest:
        found.append(f"{name} {own[:_SHOWN_DIGITS]}… (index: {indexed_digest[:_SHOWN_DIGITS]}…)")
    return found


def load_index_run(header: IndexHeader, checkpoint: Path | None = None) -> TrainedRun:
    """The run that serves an index: its recorded checkpoint or ``checkpoint``, checked.

    The weights' digest, bits and preprocessing are compared with the index's after the
    checkpoint is read (``weights_only``) and before any network is built.

    Args:
        header: The index's header.
        checkpoint: A run folder or ``.ckpt`` to use instead of the recorded checkpoint.

    Returns:
        The run, whose codes are comparable with the index's.

    Raises:
        IndexMismatchError: The run differs from the index (the message names what).
        TrainedRunError: The checkpoint cannot be loaded.
    """
    hint = "" if checkpoint is not None else " (it changed since the build: rebuild the index)"

    def accept(run: RunIdentity) -> None:
        found = differences(header, run)
        if found:
            raise IndexMismatchError(
                f"checkpoint {run.checkpoint}{hint} does not match the index: {'; '.join(found)}"
            )

    source = checkpoint if checkpoint is not None else Path(header.checkpoint)
    try:
        return load_trained_run(source, accept)
    except TrainedRunError as error:
        if checkpoint is not None:
            raise
        raise TrainedRunError(
            f"{error}; pass --checkpoint with the weights the index was built with"
        ) from error


def encode_images(
    net: nn.Module, images: np.ndarray, batch_size: int = 256, device: str | torch.device = "cpu"
) -> np.ndarray:
    """Relaxed codes of stored images, batch by batch.

    Args:
        net: A hashing network, ``N x C x H x W`` -> ``N x K``.
        images: ``N x C x H x W`` uint8 images.
        batch_size: Images per forward pass.
        device: Where the network runs (``"cpu"``, ``"cuda"``); it is moved there.

    Returns:
        ``N x K`` float32 outputs (sign them for the binary codes).

    Raises:
        ValueError: ``images`` is not ``N x C x H x W`` uint8, or ``batch_size < 1``.
    """
    if images.ndim != 4 or images.dtype != np.uint8:
        raise ValueError(f"images must be N x C x H x W uint8, got {images.dtype} {images.shape}")
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    net.eval().to(device)
    outputs = []
    with torch.no_grad():
        for start in range(0, len(images), batch_size):
            batch = to_network_input(images[start : start + batch_size]).to(device)
            outputs.append(net(batch).float().cpu().numpy())
    if not outputs:
        return np.zeros((0, 0), dtype=np.float32)
    return np.concatenate(outputs)


@dataclass(frozen=True)
class EncodedFiles:
    """The packed codes of the readable files among those given.

    Attributes:
        codes: ``n_kept x B`` packed uint8 codes, in input order.
        kept: int64 indices, into the input paths, of the encoded files.
        bad: Input paths skipped as unreadable (only with ``on_bad_image="skip"``).
    """

    codes: np.ndarray
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
    """Encode image files with a trained run's preparation, one chunk at a time.

    Args:
        net: The run's network.
        root: Folder the paths are relative to (absolute paths ignore it).
        paths: The image files.
        preprocessing: ``image_size``, ``channels`` and ``crop_black_border`` of the run.
        batch_size: Files per chunk and forward pass.
        on_bad_image: ``"error"`` stops at an unreadable file; ``"skip"`` leaves it out.
        progress: Show a progress bar over the files (on standard error; never in CI or
            when standard error is not a terminal).

    Returns:
        The codes of the readable files and which files they are.

    Raises:
        BadImageError: An unreadable file with ``on_bad_image="error"``, or no readable file.
    """
    codes: list[np.ndarray] = []
    kept: list[np.ndarray] = []
    bad: list[str] = []
    with show_progress("encoding images", len(paths), progress) as advance:
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
                outputs = encode_images(net, np.asarray(loaded.images), len(chunk))
                codes.append(pack_bits(binarize(outputs)))
                kept.append(start + loaded.kept)
                bad.extend(loaded.bad)
            advance(len(chunk))
    if not codes:
        raise BadImageError(f"none of the {len(paths)} images is readable")
    return EncodedFiles(np.concatenate(codes), np.concatenate(kept), tuple(bad))


@dataclass(frozen=True)
class EncodedQuery:
    """A query image as the network saw it, its code and, when available, its attention.

    Attributes:
        image: ``C x S x S`` uint8, prepared with the index's preprocessing.
        code: ``1 x B`` packed code.
        attention: ``h x w`` attention map of the attention block, or None when the
            network has none (e.g. ``attention=none``) or it was not asked for.
    """

    image: np.ndarray
    code: np.ndarray
    attention: np.ndarray | None


def encode_query(
    net: nn.Module, path: Path, preprocessing: dict[str, Any], with_attention: bool
) -> EncodedQuery:
    """Prepare and encode one query image.

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
            code = pack_bits(binarize(outputs.float().numpy()))
            return EncodedQuery(image, code, maps[0, 0].float().numpy())
    return EncodedQuery(image, pack_bits(binarize(encode_images(net, image[None]))), None)
