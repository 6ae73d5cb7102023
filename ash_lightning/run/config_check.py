"""Validation of a composed configuration, with one-line messages naming the key."""

import numbers
from pathlib import Path
from typing import TypeGuard

from omegaconf import DictConfig, OmegaConf

from ash_lightning.retrieval.metric_keys import parse_metric_key
from ash_lightning.run.resumable_checkpoint import unresumable_reason

CONVENTIONS = ("standard", "authors")


class ConfigError(ValueError):
    """A configuration value or key that cannot be used; the message is one line."""


def _value(cfg: DictConfig, key: str) -> object:
    return OmegaConf.select(cfg, key, throw_on_missing=False)


def _is_int(value: object) -> TypeGuard[int]:
    """Whether a config value is an integer (OmegaConf holds Python ints, not NumPy ones)."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _is_number(value: object) -> TypeGuard[float]:
    """Whether a config value is a real number; ``True`` and ``False`` are not numbers."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _missing_keys(node: object, prefix: str = "") -> list[str]:
    """Dotted keys whose value is still the mandatory marker ``???`` (Hydra's own node aside)."""
    if isinstance(node, dict):
        return [
            missing
            for key, value in node.items()
            if not (prefix == "" and key == "hydra")
            for missing in _missing_keys(value, f"{prefix}{key}.")
        ]
    return [prefix.rstrip(".")] if node == "???" else []


def _check_monitor(monitor: str, topk: list[int]) -> None:
    """Model selection must watch a validation metric the callback computes."""
    try:
        key = parse_metric_key(monitor)
    except ValueError as error:
        raise ConfigError(f"callbacks.model_checkpoint.monitor={monitor}: {error}") from error
    if key.stage != "val":
        raise ConfigError(
            f"callbacks.model_checkpoint.monitor={monitor}: models are selected on "
            "validation metrics only (val/...)"
        )
    if key.k not in topk:
        raise ConfigError(
            f"callbacks.model_checkpoint.monitor={monitor}: k={key.k} is not in topk={topk}"
        )


def _check_resume_path(path: Path, given: object) -> None:
    """Refuse an explicit ``resume=`` path that is missing or not a training checkpoint."""
    if not path.is_file():
        raise ConfigError(f"resume={given}: no such checkpoint (resume=auto finds last.ckpt)")
    reason = unresumable_reason(path)
    if reason is not None:
        raise ConfigError(f"resume={given}: {reason}")


def validate_config(cfg: DictConfig) -> None:
    """Check the top-level knobs before anything is built.

    Args:
        cfg: The composed run configuration.

    Raises:
        ConfigError: The first invalid value, e.g. ``bits=0: must be an integer >= 1``.
    """
    missing = sorted(_missing_keys(OmegaConf.to_container(cfg, resolve=False)))
    if missing:
        raise ConfigError(f"{missing[0]} is required: set {missing[0]}=VALUE")
    bits = _value(cfg, "bits")
    if not _is_int(bits) or bits < 1:
        raise ConfigError(f"bits={bits}: must be an integer >= 1 (the code length K)")
    r = _value(cfg, "r")
    if not _is_number(r) or not 0.0 <= r <= 1.0:
        raise ConfigError(f"r={r}: must be a number in [0, 1] (the margin ratio of Eq. (2))")
    seed = _value(cfg, "seed")
    if not _is_int(seed) or seed < 0:
        raise ConfigError(f"seed={seed}: must be an integer >= 0")
    resume = _value(cfg, "resume")
    if resume not in (None, "auto"):
        _check_resume_path(Path(str(resume)).expanduser(), resume)
    test = _value(cfg, "test")
    if not isinstance(test, bool):
        raise ConfigError(f"test={test}: must be true or false")
    topk = _value(cfg, "topk")
    topk_list = OmegaConf.to_object(topk) if OmegaConf.is_list(topk) else None
    if (
        not isinstance(topk_list, list)
        or not topk_list
        or not all(_is_int(k) and k >= 1 for k in topk_list)
    ):
        raise ConfigError(f"topk={topk}: must be a non-empty list of integers >= 1")
    monitor = _value(cfg, "callbacks.model_checkpoint.monitor")
    if monitor is not None:
        _check_monitor(str(monitor), topk_list)
    convention = _value(cfg, "metrics.convention")
    if convention not in CONVENTIONS:
        raise ConfigError(
            f"metrics.convention={convention}: must be one of {', '.join(CONVENTIONS)}"
        )
    tie_aware = _value(cfg, "metrics.tie_aware")
    if not isinstance(tie_aware, bool):
        raise ConfigError(f"metrics.tie_aware={tie_aware}: must be true or false")
    binarize = _value(cfg, "retrieval.binarize")
    if not isinstance(binarize, bool):
        raise ConfigError(f"retrieval.binarize={binarize}: must be true or false")
    for key in (
        "data.image_size",
        "trainer.max_epochs",
        "trainer.check_val_every_n_epoch",
        "data.batch_size",
        "data.eval_batch_size",
    ):
        value = _value(cfg, key)
        if value is not None and (not _is_int(value) or value < 1):
            raise ConfigError(f"{key}={value}: must be an integer >= 1")
    _check_validation_interval(cfg)
    _check_optimizer(cfg)
    _check_scheduler(cfg)
    _check_frozen_features(cfg)


def _check_validation_interval(cfg: DictConfig) -> None:
    """A monitored run must validate at least once, or no epoch would be selected."""
    every = _value(cfg, "trainer.check_val_every_n_epoch")
    epochs = _value(cfg, "trainer.max_epochs")
    monitored = _value(cfg, "callbacks.model_checkpoint.monitor") is not None
    if monitored and _is_int(every) and _is_int(epochs) and every > epochs:
        raise ConfigError(
            f"trainer.check_val_every_n_epoch={every} > trainer.max_epochs={epochs}: no epoch "
            "would be validated, so none could be selected"
        )


def _check_frozen_features(cfg: DictConfig) -> None:
    """Precomputed features are one per image: no augmentation can vary the image."""
    precompute = _value(cfg, "frozen_features.precompute")
    if not isinstance(precompute, bool):
        raise ConfigError(f"frozen_features.precompute={precompute}: must be true or false")
    if precompute and _value(cfg, "data.train_transform") is not None:
        raise ConfigError(
            "frozen_features.precompute=true needs data.train_transform=null "
            "(an augmented image has other features than the stored ones)"
        )


def _check_optimizer(cfg: DictConfig) -> None:
    """Refuse an optimiser value torch would reject only after the data are loaded."""
    bounds = {
        "lr": ("a number > 0", lambda v: v > 0),
        "weight_decay": ("a number >= 0", lambda v: v >= 0),
        "momentum": ("a number in [0, 1)", lambda v: 0 <= v < 1),
    }
    for name, (expected, holds) in bounds.items():
        key = f"optimizer.{name}"
        value = _value(cfg, key)
        if value is not None and (not _is_number(value) or not holds(value)):
            raise ConfigError(f"{key}={value}: must be {expected}")


def _check_scheduler(cfg: DictConfig) -> None:
    """Refuse warm-up values torch would reject only when training starts."""
    for name in ("start_factor", "end_factor"):
        key = f"scheduler.{name}"
        value = _value(cfg, key)
        if value is not None and (not _is_number(value) or not 0 < value <= 1):
            raise ConfigError(f"{key}={value}: must be a number in (0, 1]")
    iters = _value(cfg, "scheduler.total_iters")
    if iters is not None and (not _is_int(iters) or iters < 1):
        raise ConfigError(f"scheduler.total_iters={iters}: must be an integer >= 1")


def check_topk_fits(topk: list[int], database: int) -> None:
    """Refuse a top-k larger than the database, once its size is known (before training).

    Args:
        topk: The configured ``topk``.
        database: Images in the database split.

    Raises:
        ConfigError: Naming the first k that does not fit.
    """
    too_large = [k for k in topk if k > database]
    if too_large:
        raise ConfigError(
            f"topk={topk}: k={too_large[0]} is more than the {database} database images"
        )
