"""Writing and reading a run's ``results.json`` without ever leaving half a file."""

import json
import os
import tempfile
from pathlib import Path
from typing import Any

RESULTS_FILENAME = "results.json"


def write_json_atomically(payload: dict[str, Any], path: Path) -> None:
    """Write ``payload`` as JSON to a temporary file beside ``path``, then rename it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w") as stream:
            json.dump(payload, stream, indent=2, sort_keys=True)
            stream.write("\n")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def read_results(run_dir: Path) -> dict[str, Any]:
    """The ``results.json`` of a finished run."""
    return json.loads((run_dir / RESULTS_FILENAME).read_text())
