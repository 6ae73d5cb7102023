"""Run a Python snippet in a child process and send it SIGTERM once it says it is ready."""

import signal
import subprocess
import sys
import textwrap

READY = "ready"
"""The line a snippet prints (flushed) when it is where the test wants to stop it."""


def sigterm_when_ready(snippet: str, *arguments: str) -> int:
    """Run ``snippet`` with ``arguments`` in ``sys.argv``, SIGTERM it at :data:`READY`.

    Returns:
        The child's exit status (``-15`` when the signal killed it outright).
    """
    child = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(snippet), *arguments],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    line = child.stdout.readline().strip()
    if line != READY:
        child.kill()
        _, errors = child.communicate(timeout=60)
        raise AssertionError(f"the child never got ready: {line!r} {errors[-2000:]}")
    child.send_signal(signal.SIGTERM)
    child.communicate(timeout=60)
    return child.returncode
