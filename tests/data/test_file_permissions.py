"""results.json and the image cache are written with the user's umask, not privately."""

import os
import stat

import numpy as np
import pytest
from PIL import Image

from ash_lightning.data.manifest import load_images
from ash_lightning.run.results_file import write_json_atomically


@pytest.fixture
def umask_022():
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_results_json_gets_the_umask_mode(tmp_path, umask_022):
    write_json_atomically({"a": 1}, tmp_path / "results.json")
    assert _mode(tmp_path / "results.json") == 0o644


def test_the_image_cache_gets_the_umask_mode(tmp_path, umask_022):
    Image.fromarray(np.zeros((12, 12, 3), dtype=np.uint8)).save(tmp_path / "a.png")
    load_images(tmp_path, ["a.png"], 8, cache_dir=tmp_path / "cache")
    files = list((tmp_path / "cache").iterdir())
    assert {path.suffix for path in files} == {".npy", ".json"}
    assert all(_mode(path) == 0o644 for path in files)
