"""A finished deep run, reloaded: its network, configuration, checkpoint and preprocessing.

Everything that serves a trained model (the case index, trunk features for the shallow
baselines) starts from here, so that a run folder or a checkpoint path is resolved, checked
and loaded the same way everywhere.
"""

import hashlib
import json
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, OmegaConf
from torch import nn

from ash_lightning.run.checkpoint_loading import load_network
from ash_lightning.run.legacy_targets import upgrade_targets
from ash_lightning.run.results_file import RESULTS_FILENAME
from ash_lightning.run.trusted_targets import UntrustedConfigError, check_targets

CHECKPOINTS = Path("checkpoints")
SELECTED = ("best.ckpt", "last.ckpt")
"""The checkpoint a run folder serves: the one model selection kept, else the last (older runs)."""


class TrainedRunError(ValueError):
    """A run folder or checkpoint that cannot be served: missing, shallow or damaged."""


@dataclass(frozen=True)
class TrainedRun:
    """A trained deep hashing network and what it needs to encode new images.

    Attributes:
        net: The network in eval mode; ``net(images)`` gives ``N x K`` relaxed codes.
        config: The run's resolved configuration (``results.json`` ``config``), with
            legacy ``_target_`` paths renamed to today's public names.
        results: The whole ``results.json``.
        checkpoint: The checkpoint file the weights came from.
        checkpoint_sha256: SHA-256 of that file, to tie an index to its weights.
        bits: Code length K.
        preprocessing: ``image_size``, ``channels`` and ``crop_black_border``: how an image
            file must be prepared for this network.
        class_names: Names of the training classes.
    """

    net: nn.Module
    config: DictConfig
    results: dict[str, Any]
    checkpoint: Path
    checkpoint_sha256: str
    bits: int
    preprocessing: dict[str, Any]
    class_names: tuple[str, ...]


def file_sha256(path: Path) -> str:
    """SHA-256 hex digest of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _locate(run_or_checkpoint: Path) -> tuple[Path, Path]:
    """``(run folder, checkpoint)`` of a run folder or of a checkpoint inside one."""
    if run_or_checkpoint.is_dir():
        folder = run_or_checkpoint / CHECKPOINTS
        found = [folder / name for name in SELECTED if (folder / name).is_file()]
        return run_or_checkpoint, found[0] if found else folder / SELECTED[0]
    if run_or_checkpoint.is_file():
        parent = run_or_checkpoint.parent
        run_dir = parent.parent if parent.name == CHECKPOINTS.name else parent
        return run_dir, run_or_checkpoint
    raise TrainedRunError(f"no run folder or checkpoint at {run_or_checkpoint}")


def load_trained_run(run_or_checkpoint: str | Path) -> TrainedRun:
    """Reload a finished deep run from its folder or from one of its checkpoints.

    The configuration comes from the run's ``results.json`` (beside the checkpoint's
    ``checkpoints/`` folder); the network is rebuilt from it (a class head gets the run's
    number of classes) and loaded with the checkpoint's weights.

    Args:
        run_or_checkpoint: A run folder, or a ``.ckpt`` file of a run.

    Returns:
        The run, ready to encode images.

    Raises:
        TrainedRunError: Missing folder, ``results.json`` or checkpoint; a shallow run
            (it has no network to load); weights that do not fit the configured network.
    """
    run_dir, checkpoint = _locate(Path(run_or_checkpoint).expanduser())
    results_path = run_dir / RESULTS_FILENAME
    if not results_path.is_file():
        raise TrainedRunError(f"no {RESULTS_FILENAME} in {run_dir}: is it a finished run?")
    try:
        results = json.loads(results_path.read_text())
        saved = upgrade_targets(results["config"])
        check_targets({"model": saved["model"], "data": saved["data"]}, str(results_path))
        config = OmegaConf.create(saved)
    except (json.JSONDecodeError, KeyError, TypeError) as error:
        raise TrainedRunError(f"unreadable {results_path}: {error}") from error
    except UntrustedConfigError as error:
        raise TrainedRunError(str(error)) from error
    if not checkpoint.is_file():
        raise TrainedRunError(
            f"no checkpoint {checkpoint}: only deep runs (not LSH, ITQ, MHF) can be loaded"
        )
    class_names = tuple(results.get("class_names") or ())
    overrides = {}
    if "num_classes" in config.model and config.model.num_classes is None:
        overrides["num_classes"] = len(class_names)
    try:
        net = load_network(config, checkpoint, **overrides)
    except pickle.UnpicklingError as error:
        raise TrainedRunError(
            f"checkpoint {checkpoint} holds more than weights and plain data; refusing to "
            "unpickle it (it may have been edited)"
        ) from error
    except (RuntimeError, KeyError) as error:
        raise TrainedRunError(f"checkpoint {checkpoint} does not fit its run: {error}") from error
    data = config.data
    return TrainedRun(
        net=net,
        config=config,
        results=results,
        checkpoint=checkpoint,
        checkpoint_sha256=file_sha256(checkpoint),
        bits=int(config.bits),
        preprocessing={
            "image_size": int(data.image_size),
            "channels": int(data.channels),
            "crop_black_border": bool(data.get("crop_black_border", False)),
        },
        class_names=class_names,
    )
