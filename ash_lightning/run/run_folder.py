"""A run folder that a failed job leaves as it found it: Hydra's own files are not a result."""

import os
import shutil
from pathlib import Path

from ash_lightning.run.config_check import ConfigError

HYDRA_ENTRIES = frozenset({".hydra", "__main__.log"})
"""What Hydra writes into a run folder before the job starts."""


def holds_nothing_yet(folder: Path) -> bool:
    """Whether ``folder`` holds only what Hydra wrote for this job (no earlier run's files).

    Args:
        folder: The job's output folder.
    """
    return folder.is_dir() and {entry.name for entry in folder.iterdir()} <= HYDRA_ENTRIES


def discard_run_folder(folder: Path, within: Path) -> None:
    """Remove a job's folder and the parents it emptied, up to (not including) ``within``.

    Only for a folder that :func:`holds_nothing_yet` said was fresh when the job started,
    so nothing but this job's own files is removed.

    Args:
        folder: The job's output folder.
        within: The outermost folder that is kept, e.g. the working directory; parents
            outside it are never touched.
    """
    folder, within = folder.resolve(), within.resolve()
    shutil.rmtree(folder, ignore_errors=True)
    parent = folder.parent
    while parent != within and parent.is_relative_to(within) and not any(parent.iterdir()):
        parent.rmdir()
        parent = parent.parent


def check_creatable(key: str, folder: Path) -> None:
    """Refuse an output folder that cannot be created, before Hydra tries to.

    Args:
        key: The configuration key that names it, e.g. ``hydra.run.dir``.
        folder: The folder.

    Raises:
        ConfigError: Its nearest existing ancestor is a file or is not writable.
    """
    existing = folder.absolute()
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise ConfigError(f"{key}={folder}: {existing} is a file, not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise ConfigError(f"{key}={folder}: {existing} is not writable")
