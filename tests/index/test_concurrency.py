"""``ash-index add`` as separate processes: run at once, or killed with -9 at any moment.

Concurrent adds serialise on the folder's lock, so no case is lost. A kill at any delay
leaves the old or the new generation, loadable, and the next add goes through.
"""

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ash_lightning.index import add_images, load_case_index

KILL_POINTS = 24


def _add_command(index: Path, image: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "ash_lightning.index",
        "add",
        str(index),
        str(image),
        "--no-progress",
    ]


def _new_images(indexed, folder: Path, count: int) -> list[Path]:
    folder.mkdir()
    source = (indexed.data / "images/test/test_00000.png").read_bytes()
    images = [folder / f"new_{number}.png" for number in range(count)]
    for image in images:
        image.write_bytes(source)
    return images


def test_three_adds_at_once_all_land(index_copy, indexed, tmp_path):
    images = _new_images(indexed, tmp_path / "new", 3)
    processes = [
        subprocess.Popen(_add_command(index_copy, image), stderr=subprocess.PIPE, text=True)
        for image in images
    ]
    errors = [process.communicate(timeout=300)[1] for process in processes]
    assert [process.returncode for process in processes] == [0, 0, 0], errors
    index = load_case_index(index_copy)
    assert index.header.count == 303 and index.header.generation == 4
    assert {case.path for case in index.cases[300:]} == {str(image) for image in images}


def _killed_add(index: Path, image: Path, delay: float) -> None:
    process = subprocess.Popen(
        _add_command(index, image), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait()


@pytest.mark.slow
def test_kill_9_at_any_moment_of_an_add_leaves_a_loadable_generation(indexed, tmp_path):
    image = _new_images(indexed, tmp_path / "new", 1)[0]
    timing = tmp_path / "timing"
    shutil.copytree(indexed.index, timing)
    started = time.monotonic()
    subprocess.run(_add_command(timing, image), check=True, capture_output=True)
    duration = time.monotonic() - started
    # Evenly over the whole run, then densely over its last fifth (encoding and saving).
    delays = [duration * step / KILL_POINTS for step in range(KILL_POINTS)]
    delays += [duration * (0.8 + 0.25 * step / KILL_POINTS) for step in range(KILL_POINTS)]
    outcomes = []
    for number, delay in enumerate(delays):
        index = shutil.copytree(indexed.index, tmp_path / f"index_{number}")
        _killed_add(index, image, delay)
        loaded = load_case_index(index)
        assert loaded.header.count in (300, 301), (delay, loaded.header.count)
        outcomes.append(loaded.header.count)
        if loaded.header.count == 301:
            assert loaded.cases[300].path == str(image)
        else:
            add_images(index, [image], progress=False)
        assert load_case_index(index).header.count == 301
        assert not list(index.glob(".*.tmp"))
    assert 300 in outcomes and 301 in outcomes
