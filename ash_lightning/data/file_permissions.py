"""Outputs written through private temporary files still get the user's usual permissions."""

import os


def permissions(mode: int) -> int:
    """``mode`` less the process's umask: what ``open``/``mkdir`` would give a new path.

    Temporary files and folders are created private (``0o600``/``0o700``); results, caches
    and indexes are meant to be shared like any other output, so they get the usual bits.

    Args:
        mode: ``0o666`` for a file, ``0o777`` for a folder.

    Returns:
        The permission bits.
    """
    umask = os.umask(0)
    os.umask(umask)
    return mode & ~umask
