"""A failing job of a multirun is recorded and skipped; the others' results are kept.

Hydra's launchers stop a sweep at the first job that raises. The task instead writes the
traceback to ``error.txt`` in the job's folder, prints one line and returns NaN to the
sweeper; at the end of the multirun :class:`FailedJobs` lists the failed jobs, and the
command exits with status 1.
"""

import sys
import traceback
from pathlib import Path
from typing import Any

from hydra.experimental.callback import Callback
from omegaconf import DictConfig

ERROR_FILE = "error.txt"
_failures: list[str] = []


def record_failure(output_dir: Path, error: BaseException, message: str) -> None:
    """Write the job's traceback next to where its results would be, and say so in one line.

    Args:
        output_dir: The job's folder.
        error: What it raised.
        message: Its one-line account.
    """
    output_dir.mkdir(parents=True, exist_ok=True)
    text = "".join(traceback.format_exception(error))
    (output_dir / ERROR_FILE).write_text(f"{message}\n\n{text}")
    print(f"job failed: {message} (traceback: {output_dir / ERROR_FILE})", file=sys.stderr)


def failures_of_last_multirun() -> list[str]:
    """One line per job that failed in the multirun this process just ran."""
    return list(_failures)


class FailedJobs(Callback):
    """Hydra callback: at the end of a multirun, list the jobs that wrote ``error.txt``."""

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        """Forget the failures of an earlier multirun in this process."""
        _failures.clear()

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        """Print the failed jobs; the entry point then exits with status 1."""
        sweep_dir = Path(config.hydra.sweep.dir)
        for error_file in sorted(sweep_dir.glob(f"*/{ERROR_FILE}")):
            first_line = error_file.read_text().splitlines()[0]
            _failures.append(f"{error_file.parent.name}: {first_line}")
        if _failures:
            print(
                f"\n{len(_failures)} job(s) failed; the others' results are kept:", file=sys.stderr
            )
            for line in _failures:
                print(f"  {line}", file=sys.stderr)
