"""A finished deep run, reloaded: its network, configuration, checkpoint and preprocessing.

Everything that serves a trained model (the case index, trunk features for the shallow
baselines) starts from here, so that a run folder or a checkpoint path is resolved, checked
and loaded the same way everywhere.
"""

import hashlib
import json
import pickle
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, OmegaConf
from torch import nn

from ash_lightning.nn.weights_digest import weights_sha256
from ash_lightning.run.checkpoint_loading import network_with_weights, read_network_weights
from ash_lightning.run.legacy_targets import upgrade_targets
from ash_lightning.run.results_file import RESULTS_FILENAME
from ash_lightning.run.trusted_targets import UntrustedConfigError, check_targets

CHECKPOINTS = Path("checkpoints")
SELECTED = ("best.ckpt", "last.ckpt")
"""The checkpoint a run folder serves: the one model selection kept, else the last (older runs)."""


class TrainedRunError(ValueError):
    """A run folder or checkpoint that cannot be served: missing, shallow or damaged."""


@dataclass(frozen=True)
class RunIdentity:
    """What a run's codes depend on, known before its network is built.

    Attributes:
        checkpoint: The checkpoint file the weights come from.
        checkpoint_sha256: SHA-256 of that file (indexes of format version 1 recorded it).
        weights_sha256: :func:`~ash_lightning.nn.weights_digest.weights_sha256` of the
            network's weights, to tie an index to them whatever file holds them.
        bits: Code length K.
        preprocessing: ``image_size``, ``channels`` and ``crop_black_border``: how an image
            file must be prepared for this network.
    """

    checkpoint: Path
    checkpoint_sha256: str
    weights_sha256: str
    bits: int
    preprocessing: dict[str, Any]


@dataclass(frozen=True)
class TrainedRun(RunIdentity):
    """A trained deep hashing network and what it needs to encode new images.

    Attributes:
        net: The network in eval mode; ``net(images)`` gives ``N x K`` relaxed codes.
        config: The run's resolved configuration (``results.json`` ``config``), with
            legacy ``_target_`` paths renamed to today's public names.
        results: The whole ``results.json``.
        class_names: Names of the training classes.
    """

    net: nn.Module
    config: DictConfig
    results: dict[str, Any]
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


def load_trained_run(
    run_or_checkpoint: str | Path, accept: Callable[[RunIdentity], None] | None = None
) -> TrainedRun:
    """Reload a finished deep run from its folder or from one of its checkpoints.

    The configuration comes from the run's ``results.json`` (beside the checkpoint's
    ``checkpoints/`` folder); its ``_target_`` paths must name this package's public classes.
    The checkpoint is read with ``torch.load(weights_only=True)``, so it can hold only
    tensors and plain data, and its weights are hashed; ``accept`` sees that identity and
    may refuse it before any network is instantiated. The network is then rebuilt from the
    configuration (a class head gets the run's number of classes) and given the weights.

    Args:
        run_or_checkpoint: A run folder, or a ``.ckpt`` file of a run.
        accept: Called with the run's identity before the network is built; it raises to
            refuse the run (e.g. weights other than those an index was built with).

    Returns:
        The run, ready to encode images.

    Raises:
        TrainedRunError: Missing folder, ``results.json`` or checkpoint; a shallow run
            (it has no network to load); weights that do not fit the configured network.
        Exception: Whatever ``accept`` raises.
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
    try:
        weights = read_network_weights(checkpoint)
    except pickle.UnpicklingError as error:
        raise TrainedRunError(
            f"checkpoint {checkpoint} holds more than weights and plain data; refusing to "
            "unpickle it (it may have been edited)"
        ) from error
    except KeyError as error:
        raise TrainedRunError(f"checkpoint {checkpoint} has no {error} entry") from error
    except (RuntimeError, EOFError, OSError) as error:
        raise TrainedRunError(
            f"checkpoint {checkpoint} is not a readable checkpoint (truncated or damaged)"
        ) from error
    data = config.data
    identity = RunIdentity(
        checkpoint=checkpoint,
        checkpoint_sha256=file_sha256(checkpoint),
        weights_sha256=weights_sha256(weights),
        bits=int(config.bits),
        preprocessing={
            "image_size": int(data.image_size),
            "channels": int(data.channels),
            "crop_black_border": bool(data.get("crop_black_border", False)),
        },
    )
    if accept is not None:
        accept(identity)
    class_names = tuple(results.get("class_names") or ())
    overrides = {}
    if "num_classes" in config.model and config.model.num_classes is None:
        overrides["num_classes"] = len(class_names)
    try:
        net = network_with_weights(config, weights, **overrides)
    except (RuntimeError, KeyError) as error:
        raise TrainedRunError(f"checkpoint {checkpoint} does not fit its run: {error}") from error
    return TrainedRun(
        **vars(identity), net=net, config=config, results=results, class_names=class_names
    )
