"""Bad input to ``python -m ash_lightning``: one line naming the file, row or key, nothing left.

Every case runs the real entry point (``ash_lightning.__main__.main``) in this process on a
small labelled image folder with one thing wrong, and checks that it exits non-zero with a
one-line message containing the expected words, prints nothing else to standard error, and
leaves no run folder and no temporary file in the image cache. A few cases run as a program
too, so that the message is also what a user sees in a terminal.
"""

import errno
import os
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import torch
from ash_process import run_ash
from hydra.core.global_hydra import GlobalHydra
from PIL import Image

from ash_lightning.__main__ import main

CLASSES, PER_CLASS = 3, 12
BASE = ("data=manifest", "data.image_size=16", "trainer.max_epochs=1", "data.batch_size=8")


@pytest.fixture(scope="module")
def good_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """36 small PNGs in three class folders, listed in ``labels.csv``."""
    root = tmp_path_factory.mktemp("good") / "images"
    rng = np.random.default_rng(0)
    rows = ["path,label"]
    for label in range(CLASSES):
        (root / f"c{label}").mkdir(parents=True)
        for number in range(PER_CLASS):
            pixels = rng.integers(0, 60, (20, 20, 3)) + 60 * label
            Image.fromarray(pixels.astype(np.uint8)).save(root / f"c{label}/{number}.png")
            rows.append(f"c{label}/{number}.png,class{label}")
    (root / "labels.csv").write_text("\n".join(rows) + "\n")
    return root


@dataclass(frozen=True)
class Scene:
    """Where a case runs: a copy of the good folder, a scratch folder, and a bomb writer."""

    root: Path
    tmp: Path
    png_bomb: Callable[..., Path]


@dataclass(frozen=True)
class BadInput:
    """One bad input: how to damage the scene, and the overrides to run with.

    ``{root}`` and ``{tmp}`` in an override stand for the damaged folder and the scratch one.
    """

    name: str
    expected: str
    damage: Callable[[Scene], None] = lambda scene: None
    overrides: tuple[str, ...] = ()


def _labels(root: Path) -> Path:
    return root / "labels.csv"


def _rewrite_labels(edit: Callable[[list[str]], list[str]]) -> Callable[[Scene], None]:
    def damage(scene: Scene) -> None:
        lines = _labels(scene.root).read_text().splitlines()
        _labels(scene.root).write_text("\n".join(edit(lines)) + "\n")

    return damage


def _append_row(row: str) -> Callable[[Scene], None]:
    return _rewrite_labels(lambda lines: [*lines, row])


def _with_split(edit: Callable[[list[str]], list[str]]) -> Callable[[Scene], None]:
    """Add a split column (every row in the database), then ``edit`` the lines."""
    return _rewrite_labels(
        lambda lines: edit(["path,label,split", *(f"{line},database" for line in lines[1:])])
    )


def _write_image(relative: str, content: Callable[[Path], bytes]) -> Callable[[Scene], None]:
    def damage(scene: Scene) -> None:
        target = scene.root / relative
        target.write_bytes(content(target))

    return damage


def _outside_row(scene: Scene) -> None:
    shutil.copy(scene.root / "c0/0.png", scene.tmp / "outside.png")
    _append_row("../scratch/outside.png,class0")(scene)


def _symlink_out(scene: Scene) -> None:
    outside = shutil.copy(scene.root / "c0/0.png", scene.tmp / "outside.png")
    (scene.root / "c0/0.png").unlink()
    (scene.root / "c0/0.png").symlink_to(outside)


def _bomb(scene: Scene) -> None:
    scene.png_bomb(scene.root / "c1/3.png", side=30000)


def _every_image_unreadable(scene: Scene) -> None:
    for image in scene.root.glob("c*/*.png"):
        image.write_bytes(b"")


def _folder_listed_as_image(scene: Scene) -> None:
    (scene.root / "c0/extra.png").mkdir()
    _append_row("c0/extra.png,class0")(scene)


def _not_utf8(scene: Scene) -> None:
    with _labels(scene.root).open("ab") as stream:
        stream.write("c0/0b.png,café\n".encode("latin-1"))


def _file_in_the_way(scene: Scene) -> None:
    (scene.tmp / "a_file").write_text("not a folder")


class _Payload:
    """Unpickling this would run a shell command that creates ``marker``."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def _checkpoint_with_payload(scene: Scene) -> None:
    payload = {
        "state_dict": {},
        "epoch": 0,
        "optimizer_states": [],
        "x": _Payload(scene.tmp / "pwned"),
    }
    torch.save(payload, scene.tmp / "payload.ckpt")


def _garbage_checkpoint(scene: Scene) -> None:
    (scene.tmp / "garbage.ckpt").write_bytes(b"PK\x03\x04 not a checkpoint")


CASES = [
    # labels.csv
    BadInput(
        "labels empty", "labels.csv is missing column(s) path, label", _rewrite_labels(lambda _: [])
    ),
    BadInput(
        "labels header only", "labels.csv lists no images", _rewrite_labels(lambda lines: lines[:1])
    ),
    BadInput(
        "label column missing",
        "missing column(s) label (found: path)",
        _rewrite_labels(lambda lines: [line.split(",")[0] for line in lines]),
    ),
    BadInput(
        "empty label",
        "labels.csv, line 3: empty label for c0/1.png",
        _rewrite_labels(lambda lines: [*lines[:2], "c0/1.png,", *lines[3:]]),
    ),
    BadInput(
        "empty path",
        "labels.csv, line 2: empty path",
        _rewrite_labels(lambda lines: [lines[0], ",class0", *lines[1:]]),
    ),
    BadInput(
        "one image in a class",
        "'class2' has 1",
        _rewrite_labels(
            lambda lines: (
                [line for line in lines if not line.startswith("c2/")] + ["c2/0.png,class2"]
            )
        ),
    ),
    BadInput(
        "duplicate path",
        "listed more than once in labels.csv, first: c0/0.png",
        _append_row("c0/0.png,class0"),
    ),
    BadInput(
        "unknown split",
        "line 3: unknown split 'bogus'",
        _with_split(lambda lines: [*lines[:2], lines[2].replace("database", "bogus"), *lines[3:]]),
    ),
    BadInput(
        "query class absent from the database",
        "class9",
        _with_split(
            lambda lines: (
                [line for line in lines if not line.startswith("c2/1")]
                + ["c2/10.png,class9,test", "c2/11.png,class9,test"]
            )
        ),
    ),
    BadInput(
        "missing image file",
        "images listed in labels.csv are missing, first: c1/99.png",
        _append_row("c1/99.png,class1"),
    ),
    BadInput("folder listed as an image", "c0/extra.png is a folder", _folder_listed_as_image),
    BadInput("label of separators only", "empty label for c0/5.png", _append_row("c0/5.png,|")),
    BadInput("non-UTF-8 labels", "labels.csv is not UTF-8 text (byte 0xe9", _not_utf8),
    BadInput(
        "path with ../",
        "../scratch/outside.png is outside the data root",
        _outside_row,
    ),
    BadInput("absolute path", "is outside the data root", _append_row("/etc/hostname,class0")),
    BadInput("symlink out of the root", "c0/0.png is outside the data root", _symlink_out),
    # image files
    BadInput("zero-byte image", "unreadable image", _write_image("c0/1.png", lambda path: b"")),
    BadInput(
        "text file as image", "unreadable image", _write_image("c0/2.png", lambda path: b"hello\n")
    ),
    BadInput(
        "truncated image",
        "image file is truncated",
        _write_image("c0/3.png", lambda path: path.read_bytes()[:200]),
    ),
    BadInput("decompression bomb", "c1/3.png: Image size (900000000 pixels) exceeds", _bomb),
    BadInput(
        "pixel limit",
        "pixels exceeds the limit of 100",
        overrides=("data.max_image_pixels=100",),
    ),
    BadInput(
        "every image unreadable, skipped",
        "unreadable",
        _every_image_unreadable,
        ("data.on_bad_image=skip",),
    ),
    # data options
    BadInput("no data root", "data root not found", overrides=("data.root={tmp}/nowhere",)),
    BadInput(
        "query fraction above 1",
        "query_fraction must be in [0, 1), got 1.5",
        overrides=("data.query_fraction=1.5",),
    ),
    BadInput(
        "fractions sum to 1",
        "query_fraction + val_fraction must be below 1",
        overrides=("data.query_fraction=0.5", "data.val_fraction=0.5"),
    ),
    BadInput("channels 2", "data.channels must be 1 or 3, got 2", overrides=("data.channels=2",)),
    BadInput(
        "bad-image policy",
        "data.on_bad_image must be 'error' or 'skip'",
        overrides=("data.on_bad_image=ignore",),
    ),
    BadInput(
        "image size 0",
        "data.image_size=0: must be an integer >= 1",
        overrides=("data.image_size=0",),
    ),
    BadInput(
        "batch size 0",
        "data.batch_size=0: must be an integer >= 1",
        overrides=("data.batch_size=0",),
    ),
    # other keys
    BadInput(
        "learning rate abc",
        "optimizer.lr=abc: must be a number > 0",
        overrides=("optimizer.lr=abc",),
    ),
    BadInput(
        "negative learning rate",
        "optimizer.lr=-1: must be a number > 0",
        overrides=("optimizer.lr=-1",),
    ),
    BadInput(
        "weight decay",
        "optimizer.weight_decay=-0.1: must be a number >= 0",
        overrides=("optimizer.weight_decay=-0.1",),
    ),
    BadInput(
        "momentum",
        "optimizer.momentum=1.5: must be a number in [0, 1)",
        overrides=("optimizer.momentum=1.5",),
    ),
    BadInput(
        "warm-up from 0",
        "scheduler.start_factor=0: must be a number in (0, 1]",
        overrides=("scheduler=warmup", "scheduler.start_factor=0"),
    ),
    BadInput(
        "warm-up over 0 steps",
        "scheduler.total_iters=0: must be an integer >= 1",
        overrides=("scheduler=warmup", "scheduler.total_iters=0"),
    ),
    BadInput("bits 0", "bits=0: must be an integer >= 1", overrides=("bits=0",)),
    BadInput("bits abc", "bits=abc: must be an integer >= 1", overrides=("bits=abc",)),
    BadInput("margin ratio", "r=1.5: must be a number in [0, 1]", overrides=("r=1.5",)),
    BadInput("unknown key", "unknown key 'learning_rate'", overrides=("learning_rate=0.1",)),
    BadInput("unknown model", "model", overrides=("model=resnet9000",)),
    BadInput(
        "top-k over the database",
        "topk=[5, 10, 500]: k=500 is more than the 30 database images",
        overrides=("topk=[5,10,500]",),
    ),
    BadInput(
        "monitor not in topk",
        "k=7 is not in topk",
        overrides=("callbacks.model_checkpoint.monitor=val/mAP@7",),
    ),
    BadInput(
        "epochs 0",
        "trainer.max_epochs=0: must be an integer >= 1",
        overrides=("trainer.max_epochs=0",),
    ),
    BadInput(
        "validation interval 0",
        "trainer.check_val_every_n_epoch=0: must be an integer >= 1",
        overrides=("trainer.check_val_every_n_epoch=0",),
    ),
    BadInput(
        "validation never reached",
        "trainer.check_val_every_n_epoch=2 > trainer.max_epochs=1: no epoch would be validated",
        overrides=("validation=light", "trainer.max_epochs=1"),
    ),
    # files and folders
    BadInput(
        "no such resume checkpoint",
        "resume={tmp}/none.ckpt: no such checkpoint",
        overrides=("resume={tmp}/none.ckpt",),
    ),
    BadInput(
        "resume from a checkpoint carrying code",
        "payload.ckpt: it holds more than weights and plain data",
        _checkpoint_with_payload,
        ("resume={tmp}/payload.ckpt",),
    ),
    BadInput(
        "resume from a damaged checkpoint",
        "garbage.ckpt: it is not a readable checkpoint",
        _garbage_checkpoint,
        ("resume={tmp}/garbage.ckpt",),
    ),
    BadInput(
        "run folder under a file",
        "is a file, not a folder",
        _file_in_the_way,
        ("hydra.run.dir={tmp}/a_file/run",),
    ),
    BadInput(
        "frozen features of augmented images",
        "frozen_features.precompute=true needs data.train_transform=null",
        overrides=("frozen_features.precompute=true",),
    ),
    BadInput(
        "frozen features without a frozen trunk",
        "frozen_features.precompute=true needs a pretrained trunk with frozen layers",
        overrides=("frozen_features.precompute=true", "data.train_transform=null"),
    ),
    BadInput(
        "frozen features of a shallow model",
        "frozen_features.precompute=true is for deep models only",
        overrides=("model=itq", "frozen_features.precompute=true", "data.train_transform=null"),
    ),
    BadInput(
        "cache folder is a file",
        "cannot write the image cache in",
        _file_in_the_way,
        ("data.cache_dir={tmp}/a_file",),
    ),
    BadInput(
        "cache folder not creatable",
        "cannot write the image cache in /proc",
        overrides=("data.cache_dir=/proc/ash_cache",),
    ),
]


def _arguments(case: BadInput, root: Path, tmp: Path) -> list[str]:
    defaults = [f"data.root={root}", f"hydra.run.dir={tmp}/run", f"data.cache_dir={tmp}/cache"]
    given = [override.format(root=root, tmp=tmp) for override in case.overrides]
    keys = {override.split("=", 1)[0] for override in given}
    return [*BASE, *(o for o in defaults if o.split("=", 1)[0] not in keys), *given]


def _damaged_copy(
    case: BadInput, good_folder: Path, tmp_path: Path, png_bomb: Callable[..., Path]
) -> tuple[Path, Path]:
    root = shutil.copytree(good_folder, tmp_path / "images")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    case.damage(Scene(root, scratch, png_bomb))
    return root, scratch


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bad_input_exits_with_one_line_and_leaves_nothing(
    case, good_folder, tmp_path, monkeypatch, capfd, png_bomb
):
    root, scratch = _damaged_copy(case, good_folder, tmp_path, png_bomb)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", ["ash_lightning", *_arguments(case, root, scratch)])
    with pytest.raises(SystemExit) as exited:
        main()
    GlobalHydra.instance().clear()
    message, (_, err) = exited.value.code, capfd.readouterr()
    assert isinstance(message, str) and "\n" not in message, message
    assert case.expected.format(tmp=scratch) in message, message
    assert err == "", err
    assert not (scratch / "run").exists()
    assert not list(scratch.glob("cache/.*"))
    assert not (scratch / "pwned").exists()


def test_the_cases_are_at_least_40():
    assert len(CASES) >= 40


@pytest.mark.parametrize("name", ["labels empty", "truncated image", "learning rate abc"])
def test_a_user_in_a_terminal_sees_the_same_single_line(name, good_folder, tmp_path, png_bomb):
    case = next(case for case in CASES if case.name == name)
    root, scratch = _damaged_copy(case, good_folder, tmp_path, png_bomb)
    result = run_ash(*_arguments(case, root, scratch), cwd=tmp_path, env={**os.environ, "CI": "1"})
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and case.expected in result.stderr, result.stderr
    assert not (scratch / "run").exists()


def test_a_full_disk_while_caching_is_one_line_and_leaves_no_partial_cache(
    good_folder, tmp_path, monkeypatch, capfd
):
    def disk_full(descriptor: int, offset: int, length: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "posix_fallocate", disk_full)
    monkeypatch.chdir(tmp_path)
    case = BadInput("full disk", "")
    monkeypatch.setattr(sys, "argv", ["ash_lightning", *_arguments(case, good_folder, tmp_path)])
    with pytest.raises(SystemExit) as exited:
        main()
    GlobalHydra.instance().clear()
    assert "cannot write the image cache" in exited.value.code
    assert "No space left on device" in exited.value.code
    assert capfd.readouterr().err == ""
    assert list((tmp_path / "cache").iterdir()) == []
    assert not (tmp_path / "run").exists()
