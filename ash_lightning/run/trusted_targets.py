"""Configurations read from disk may only build this package's public classes.

A run folder (``results.json``) or an index header (``index.json``) may come from someone
else, and Hydra instantiates whatever ``_target_`` a configuration names: ``os.system``
included. Before anything from such a file is built, every ``_target_`` in it must be a
public name of one of this package's layers (e.g. ``ash_lightning.nn.ASHAttention``) or one
of the few torch containers the packaged configurations use.
"""

import importlib
from typing import Any

PUBLIC_PACKAGES = (
    "ash_lightning.data",
    "ash_lightning.lightning",
    "ash_lightning.losses",
    "ash_lightning.nn",
    "ash_lightning.report",
    "ash_lightning.run",
    "ash_lightning.shallow",
)
TORCH_TARGETS = frozenset({"torch.nn.Sequential"})


class UntrustedConfigError(ValueError):
    """A configuration read from disk names something this package would not build."""


def _is_public(target: str) -> bool:
    package, _, name = target.rpartition(".")
    if package not in PUBLIC_PACKAGES:
        return False
    return name in getattr(importlib.import_module(package), "__all__", ())


def _targets(node: Any, where: str) -> list[tuple[str, Any]]:
    if isinstance(node, dict):
        found = [(where, node["_target_"])] if "_target_" in node else []
        for key, value in node.items():
            found += _targets(value, f"{where}.{key}" if where else str(key))
        return found
    if isinstance(node, list):
        return [item for i, value in enumerate(node) for item in _targets(value, f"{where}[{i}]")]
    return []


def check_targets(node: Any, source: str) -> None:
    """Refuse a configuration that names a ``_target_`` outside the allow-list.

    Args:
        node: The configuration as plain containers (after renaming legacy targets).
        source: The file it was read from, for the message.

    Raises:
        UntrustedConfigError: One line naming the key and the target.
    """
    for where, target in _targets(node, ""):
        if not isinstance(target, str) or not (target in TORCH_TARGETS or _is_public(target)):
            raise UntrustedConfigError(
                f"{source}: {where}._target_ = {target!r} is not one of this package's public "
                "classes; refusing to build it (the file may have been edited)"
            )
