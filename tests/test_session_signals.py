"""A SIGTERM stops a running pytest session of this suite, even mid-training."""

import signal
import subprocess
import sys
import time
from pathlib import Path

TESTS = Path(__file__).parent


def test_sigterm_stops_the_suite_while_a_test_trains(tmp_path):
    session = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            f"--basetemp={tmp_path / 'basetemp'}",
            f"{TESTS}/test_in_batch_training.py",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=TESTS.parent,
    )
    time.sleep(8)  # a test trains in this process by now
    assert session.poll() is None
    signalled = time.monotonic()
    session.send_signal(signal.SIGTERM)
    out, _ = session.communicate(timeout=60)
    stopped_after = time.monotonic() - signalled
    # pytest.exit's 143, or 2 (interrupted) when library code re-raised the exit as its own.
    assert session.returncode in (143, 2), out[-2000:]
    assert "stopped by SIGTERM" in out and stopped_after < 30
