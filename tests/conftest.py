"""Shared fixtures: the real configuration, shrunk for 2 CPU cores."""

import signal
import struct
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from hydra.core.global_hydra import GlobalHydra
from omegaconf import DictConfig

from ash_lightning.run.compose import compose_config

_SIGTERM_RECEIVED: list[int] = []


def _stop_the_session(signum: int, frame: object) -> None:
    _SIGTERM_RECEIVED.append(signum)
    pytest.exit("stopped by SIGTERM", returncode=143)


def pytest_configure(config: pytest.Config) -> None:
    """A SIGTERM stops the whole session, also while a test trains in this process.

    Lightning's fit chains this handler after its own, so the stop goes through its
    teardown; a test waiting on a subprocess kills it on the way out. Library code that
    wraps the exit in its own exception (Hydra's instantiate does) fails only the current
    test: the session then stops after it (:func:`pytest_runtest_protocol`).
    """
    signal.signal(signal.SIGTERM, _stop_the_session)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> object:
    """Stop the session after a test during which a SIGTERM arrived."""
    outcome = yield
    if _SIGTERM_RECEIVED:
        item.session.shouldstop = "stopped by SIGTERM"
    return outcome


TINY_TRAINER = (
    "trainer.max_epochs=2",
    "trainer.enable_progress_bar=false",
    "trainer.accelerator=cpu",
)
TINY_RUN = ("data.size=tiny", "data.image_size=32", *TINY_TRAINER)
SMALLER_HEAD = ("model.head.hidden_features=256",)


@pytest.fixture
def tiny_config(tmp_path: Path) -> Callable[..., DictConfig]:
    """Compose conf/ with the tiny-run overrides plus any extra ones, writing to tmp_path.

    Deep models also get a smaller hidden FC; ``shallow=True`` leaves the model alone.
    """

    def make(*extra: str, output_dir: Path | None = None, shallow: bool = False) -> DictConfig:
        base: Sequence[str] = TINY_RUN if shallow else (*TINY_RUN, *SMALLER_HEAD)
        cache = f"frozen_features.cache_dir={tmp_path}/frozen_features"
        return compose_config([*base, cache, *extra], output_dir=output_dir or tmp_path)

    yield make
    GlobalHydra.instance().clear()


@pytest.fixture
def trainer_only_config(tmp_path: Path) -> Callable[..., DictConfig]:
    """Compose conf/ with the tiny trainer and head overrides only (for real-image data configs)."""

    def make(*extra: str, output_dir: Path | None = None) -> DictConfig:
        cache = f"frozen_features.cache_dir={tmp_path}/frozen_features"
        return compose_config(
            [*TINY_TRAINER, *SMALLER_HEAD, cache, *extra], output_dir=output_dir or tmp_path
        )

    yield make
    GlobalHydra.instance().clear()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


@pytest.fixture
def png_bomb() -> Callable[..., Path]:
    """Write a PNG of a few hundred bytes whose header declares ``side`` x ``side`` pixels."""

    def write(path: Path, side: int = 30000) -> Path:
        header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
        row = b"\x00" + b"\x00" * side
        path.write_bytes(
            b"\x89PNG\r\n\x1a\n"
            + _png_chunk(b"IHDR", header)
            + _png_chunk(b"IDAT", zlib.compress(row * 2))
            + _png_chunk(b"IEND", b"")
        )
        return path

    return write
