"""A SIGTERM that unwinds the stack, so that no temporary file outlives a killed write."""

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

EXIT_STATUS = 128 + signal.SIGTERM
"""The status of a process that SIGTERM killed, as the shell reports it."""


def _stop(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(EXIT_STATUS)


@contextmanager
def sigterm_unwinds() -> Iterator[None]:
    """Within it, a SIGTERM that would kill the process raises ``SystemExit(143)`` instead.

    ``finally`` blocks then run, so a write into a temporary file removes it before the
    process ends. A handler someone else installed (Lightning's, pytest's) stays in charge,
    and an ignored SIGTERM stays ignored. Off the main thread, where Python cannot set
    handlers, it changes nothing.
    """
    main_thread = threading.current_thread() is threading.main_thread()
    if not main_thread or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        yield
        return
    signal.signal(signal.SIGTERM, _stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
