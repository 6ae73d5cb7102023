"""One progress style (rich, as Lightning's own training bar) for every step a user waits on.

Decoding and caching images, ``synthetic_export``, ``ash-index build``/``add`` and the report
show the same bar on standard error. It stays silent when a command is given ``--quiet``
(``enabled=False``), when ``ASH_QUIET`` is set, in CI (``CI`` set) and when standard error is
not a terminal, so logs and pipes get no control characters.
"""

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

Advance = Callable[[int], None]


def stderr_is_terminal() -> bool:
    """Whether standard error is an interactive terminal."""
    return sys.stderr.isatty()


def progress_wanted(enabled: bool = True) -> bool:
    """Whether to draw a bar: asked for, not silenced by ``ASH_QUIET`` or CI, on a terminal."""
    if not enabled or os.environ.get("ASH_QUIET") or os.environ.get("CI"):
        return False
    return stderr_is_terminal()


def _ignore(steps: int) -> None:
    """Advance nothing (no bar drawn)."""


@contextmanager
def progress(description: str, total: int, enabled: bool = True) -> Iterator[Advance]:
    """A bar over ``total`` steps; the context gives the function that advances it.

    Args:
        description: What is being done, e.g. ``"decoding images"``.
        total: The number of steps (images, files, groups).
        enabled: False for ``--quiet``.

    Yields:
        ``advance(steps)``.
    """
    if not progress_wanted(enabled):
        yield _ignore
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True, force_terminal=True)) as bar:
        task = bar.add_task(description, total=total)
        yield lambda steps: bar.advance(task, steps)
