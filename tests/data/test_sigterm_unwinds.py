import signal

import pytest
from sigterm_process import sigterm_when_ready

from ash_lightning.data.sigterm_unwinds import EXIT_STATUS, sigterm_unwinds

WRITE = """
import sys, time
from contextlib import nullcontext
from pathlib import Path
from ash_lightning.data.sigterm_unwinds import sigterm_unwinds
path = Path(sys.argv[1])
with {context}:
    try:
        path.write_text("half")
        print("ready", flush=True)
        time.sleep(60)
    finally:
        path.unlink()
"""


def test_a_killed_write_removes_its_temporary_and_exits_as_killed(tmp_path):
    temporary = tmp_path / ".half.tmp"
    status = sigterm_when_ready(WRITE.format(context="sigterm_unwinds()"), str(temporary))
    assert status == EXIT_STATUS == 143
    assert not temporary.exists()


def test_without_it_the_signal_kills_before_any_cleanup(tmp_path):
    temporary = tmp_path / ".half.tmp"
    status = sigterm_when_ready(WRITE.format(context="nullcontext()"), str(temporary))
    assert status == -signal.SIGTERM
    assert temporary.exists()


def test_an_installed_handler_stays_in_charge_and_the_default_comes_back(tmp_path):
    def mine(signum, frame):
        raise AssertionError("not called here")

    previous = signal.signal(signal.SIGTERM, mine)
    try:
        with sigterm_unwinds():
            assert signal.getsignal(signal.SIGTERM) is mine
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        with sigterm_unwinds():
            assert signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL
        assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_an_error_inside_it_passes_through_and_restores_the_default():
    previous = signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        with pytest.raises(KeyError), sigterm_unwinds():
            raise KeyError("inside")
        assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
    finally:
        signal.signal(signal.SIGTERM, previous)
