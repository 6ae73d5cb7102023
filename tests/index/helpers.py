"""Helpers of the index tests: the in-process command line."""

import pytest

from ash_lightning.index.__main__ import main

IMAGE_SIZE = 32


def run_cli(argv: list[str], capsys: pytest.CaptureFixture) -> tuple[int, str, str]:
    """Run ``ash-index`` in-process: ``(exit status, stdout, stderr)``."""
    try:
        main(argv)
        code = 0
    except SystemExit as stop:
        code = int(stop.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err
