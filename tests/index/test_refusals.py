import dataclasses
import json
import shutil
import subprocess
import sys

import pytest
import torch

from ash_lightning.index import (
    IndexMismatchError,
    differences,
    load_case_index,
    load_index_run,
)
from ash_lightning.run import checkpoint_loading
from ash_lightning.run.trained_run import file_sha256, load_trained_run

from .helpers import run_cli


def _one_line_error(code, err):
    assert code == 2
    assert err.startswith("ash-index: error: ") and err.count("\n") == 1, err
    return err


def test_checkpoints_with_other_bits_or_image_size_are_refused(
    indexed, index_copy, fabricate_run, tmp_path, capsys
):
    image = str(indexed.data / "images/test/test_00000.png")
    new_image = shutil.copy(image, tmp_path / "new.png")
    other_bits = fabricate_run(tmp_path / "bits24", bits=24)
    other_size = fabricate_run(tmp_path / "size40", image_size=40)
    code, _, err = run_cli(
        ["query", str(indexed.index), image, f"--checkpoint={other_bits}"], capsys
    )
    assert "bits 24 (index: 12)" in _one_line_error(code, err)
    assert "weights sha256" in err and "image_size" not in err
    other_checkpoint = other_size / "checkpoints" / "last.ckpt"
    code, _, err = run_cli(
        ["add", str(index_copy), str(new_image), f"--checkpoint={other_checkpoint}"], capsys
    )
    assert "image_size 40 (index: 32)" in _one_line_error(code, err) and "bits" not in err
    assert load_case_index(index_copy).header.count == 300


def test_the_same_weights_moved_elsewhere_are_accepted(indexed, tmp_path, capsys):
    moved = shutil.copytree(indexed.run, tmp_path / "moved")
    image = str(indexed.data / "images/test/test_00000.png")
    code, out, err = run_cli(
        ["query", str(indexed.index), image, "-k=2", f"--checkpoint={moved}"], capsys
    )
    assert code == 0, err
    assert len(out.splitlines()) == 3


def test_a_recorded_checkpoint_that_changed_or_vanished_is_refused(indexed):
    header = load_case_index(indexed.index).header
    run = load_trained_run(indexed.run)
    assert differences(header, run) == []
    changed = dataclasses.replace(
        run,
        weights_sha256="0" * 64,
        preprocessing={**run.preprocessing, "crop_black_border": True},
    )
    assert differences(header, changed) == [
        "crop_black_border True (index: False)",
        f"weights sha256 000000000000… (index: {header.weights_sha256[:12]}…)",
    ]
    moved_away = dataclasses.replace(header, checkpoint="/nonexistent/last.ckpt")
    with pytest.raises(ValueError, match="pass --checkpoint with the weights"):
        load_index_run(moved_away)
    retrained = dataclasses.replace(header, weights_sha256="f" * 64)
    with pytest.raises(IndexMismatchError, match="changed since the build: rebuild"):
        load_index_run(retrained)


def test_user_errors_print_one_line_and_exit_2(indexed, tmp_path, capsys):
    index = str(indexed.index)
    corrupt = tmp_path / "corrupt.png"
    corrupt.write_bytes(b"\x89PNG\r\n\x1a\n not really")
    cases = {
        "no image file": ["query", index, str(tmp_path / "missing.png")],
        "unreadable image": ["query", index, str(corrupt)],
        "no index folder": ["query", str(tmp_path / "nowhere"), str(corrupt)],
        "is not a case index": ["query", str(tmp_path), str(corrupt)],
        "must be at least 1": ["query", index, str(corrupt), "-k", "0"],
        "no such folder": ["build", f"--checkpoint={indexed.run}", "--data=./x/y", "--out=o"],
        "no run folder or checkpoint": ["build", "--checkpoint=/nowhere", "--out=o"],
        "synthetic_export --kind asoct --size tiny --image-size 32": [
            "build",
            f"--checkpoint={indexed.run}",
            f"--out={tmp_path / 'o'}",
        ],
        "Could not find 'data/no_such_config'": [
            "build",
            f"--checkpoint={indexed.run}",
            "--data=no_such_config",
            "--out=o",
        ],
        "already indexed or given twice": ["add", index, str(corrupt), str(corrupt)],
    }
    for expected, argv in cases.items():
        code, out, err = run_cli(argv, capsys)
        assert expected in _one_line_error(code, err), (argv, err)
        assert out == "" and "Traceback" not in err
    assert not (tmp_path / "o").exists()


def test_the_module_runs_as_a_program():
    result = subprocess.run(
        [sys.executable, "-m", "ash_lightning.index", "--help"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: ash-index")
    assert all(command in result.stdout for command in ("build", "add", "query"))


def test_an_added_case_with_an_unknown_label_is_refused_and_nothing_changes(
    indexed, index_copy, tmp_path, capsys
):
    new_image = shutil.copy(indexed.data / "images/test/test_00000.png", tmp_path / "new.png")
    before = load_case_index(index_copy).header.count
    code, _, err = run_cli(
        ["add", str(index_copy), str(new_image), "--label=grade_9", "--no-progress"], capsys
    )
    assert "unknown label(s) grade_9" in _one_line_error(code, err)
    assert load_case_index(index_copy).header.count == before


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda h: h.update(bits="12"), "bits is '12', not a JSON int"),
        (lambda h: h.update(generation="x"), "generation is 'x', not a JSON int"),
        (lambda h: h["files"].pop("cases"), "files.cases is missing"),
        (lambda h: h.update(class_names="grade_0"), "class_names is 'grade_0', not a JSON list"),
        (lambda h: h.update(count=True), "count is True, not a JSON int"),
    ],
)
def test_a_header_field_of_the_wrong_type_is_one_line(index_copy, indexed, capsys, edit, message):
    header_file = index_copy / "index.json"
    header = json.loads(header_file.read_text())
    edit(header)
    header_file.write_text(json.dumps(header))
    image = indexed.data / "images/test/test_00000.png"
    code, _, err = run_cli(["query", str(index_copy), str(image), "-k", "3"], capsys)
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1


def test_a_class_added_to_the_header_by_hand_is_refused(index_copy, indexed, capsys):
    header_file = index_copy / "index.json"
    header = json.loads(header_file.read_text())
    header["class_names"].append("grade_9")
    header_file.write_text(json.dumps(header, indent=2))
    image = indexed.data / "images/test/test_00000.png"
    code, out, err = run_cli(["query", str(index_copy), str(image), "-k", "3"], capsys)
    assert "does not match its header_sha256" in _one_line_error(code, err) and not out


def test_a_resave_of_the_same_weights_is_accepted_and_other_weights_are_not(
    indexed, tmp_path, capsys
):
    run = shutil.copytree(indexed.run, tmp_path / "resaved")
    checkpoint = run / "checkpoints" / "best.ckpt"
    saved = torch.load(checkpoint, map_location="cpu", weights_only=True)
    saved["epoch"] = 99
    saved["state_dict"] = dict(reversed(saved["state_dict"].items()))
    torch.save(saved, checkpoint, _use_new_zipfile_serialization=False)
    header = load_case_index(indexed.index).header
    assert file_sha256(checkpoint) != header.checkpoint_sha256
    image = str(indexed.data / "images/test/test_00000.png")
    argv = ["query", str(indexed.index), image, "-k=2", f"--checkpoint={run}"]
    code, out, err = run_cli(argv, capsys)
    assert code == 0, err
    key = next(key for key in saved["state_dict"] if key.startswith("net.") and "weight" in key)
    saved["state_dict"][key] = saved["state_dict"][key] + 1e-6
    torch.save(saved, checkpoint)
    code, _, err = run_cli(argv, capsys)
    assert f"weights sha256 {load_trained_run(run).weights_sha256[:12]}" in _one_line_error(
        code, err
    )


def test_other_weights_are_refused_before_any_network_is_built(indexed, monkeypatch):
    header = dataclasses.replace(load_case_index(indexed.index).header, weights_sha256="f" * 64)
    built = []
    monkeypatch.setattr(checkpoint_loading, "build_network", lambda *args, **kw: built.append(1))
    with pytest.raises(IndexMismatchError, match="weights sha256"):
        load_index_run(header)
    assert built == []
