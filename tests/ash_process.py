"""Run ``python -m ash_lightning`` in a child process for the end-to-end tests."""

import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path


def run_ash(
    *arguments: str,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 1200,
) -> subprocess.CompletedProcess[str]:
    """``python -m ash_lightning ARGUMENTS`` in a child process, its output captured as text.

    A failing exit status never raises: the caller checks ``returncode`` itself.

    Args:
        *arguments: The command-line arguments after ``python -m ash_lightning``.
        cwd: The child's working directory; ``None`` keeps this process's.
        env: The child's whole environment; ``None`` inherits this process's.
        timeout: Seconds before the child is killed and ``subprocess.TimeoutExpired`` raised.

    Returns:
        The finished process, with ``stdout`` and ``stderr`` as text.
    """
    return subprocess.run(
        [sys.executable, "-m", "ash_lightning", *arguments],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=timeout,
        check=False,
    )
