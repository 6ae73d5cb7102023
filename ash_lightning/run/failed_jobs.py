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
from omegaconf import DictConfig, OmegaConf

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


def failed_jobs(sweep_dir: Path) -> list[str]:
    """One line per job of ``sweep_dir`` that wrote ``error.txt``: its folder, overrides, error."""
    lines = []
    for error_file in sorted(sweep_dir.glob(f"*/{ERROR_FILE}")):
        job = error_file.parent
        overrides_file = job / ".hydra" / "overrides.yaml"
        overrides = (
            " ".join(str(item) for item in OmegaConf.load(overrides_file))
            if overrides_file.is_file()
            else "?"
        )
        lines.append(f"{job.name} ({overrides}): {error_file.read_text().splitlines()[0]}")
    return lines


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
        _failures.extend(failed_jobs(Path(config.hydra.sweep.dir)))
        if _failures:
            print(
                f"\n{len(_failures)} job(s) failed; the others' results are kept:", file=sys.stderr
            )
            for line in _failures:
                print(f"  {line}", file=sys.stderr)
