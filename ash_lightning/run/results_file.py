"""Writing and reading a run's ``results.json`` without ever leaving half a file."""

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from ash_lightning.data.file_permissions import permissions

RESULTS_FILENAME = "results.json"


def write_text_atomically(text: str, path: Path) -> None:
    """Write ``text`` to a temporary file beside ``path``, then rename it over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(handle, permissions(0o666))  # mkstemp makes it private
        with os.fdopen(handle, "w") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_json_atomically(payload: dict[str, Any], path: Path) -> None:
    """Write ``payload`` as JSON to a temporary file beside ``path``, then rename it."""
    write_text_atomically(json.dumps(payload, indent=2, sort_keys=True) + "\n", path)


def read_results(run_dir: Path) -> dict[str, Any]:
    """The ``results.json`` of a finished run."""
    return json.loads((run_dir / RESULTS_FILENAME).read_text())
