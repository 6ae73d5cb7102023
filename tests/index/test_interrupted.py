import pytest

import ash_lightning.index.build as build_module
import ash_lightning.index.encode as encode_module
from ash_lightning.index import CaseIndexError, IndexHeader, load_case_index
from ash_lightning.index.__main__ import main

from .helpers import run_cli


def _build_argv(indexed, out, *extra):
    return [
        "build",
        f"--checkpoint={indexed.run}",
        f"--data={indexed.data}",
        f"--out={out}",
        "--batch-size=64",
        "--no-progress",
        *extra,
    ]


def _leftovers(folder):
    return sorted(path.name for path in folder.iterdir())


def test_a_build_interrupted_while_encoding_leaves_nothing_that_loads(
    indexed, tmp_path, monkeypatch
):
    calls = []
    real_encode = encode_module.encode_images

    def interrupted(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real_encode(*args, **kwargs)

    monkeypatch.setattr(encode_module, "encode_images", interrupted)
    out = tmp_path / "index"
    with pytest.raises(KeyboardInterrupt):
        main(_build_argv(indexed, out))
    assert len(calls) == 2 and _leftovers(tmp_path) == []
    with pytest.raises(CaseIndexError, match="no index folder"):
        load_case_index(out)


def test_a_build_failing_while_publishing_removes_its_temporary_folder(
    indexed, tmp_path, monkeypatch, capsys
):
    def failing(staging, out_dir, overwrite):
        assert staging.name.startswith(".index.building-") and (staging / "index.json").is_file()
        raise OSError("disk full")

    monkeypatch.setattr(build_module, "_publish", failing)
    code, _, err = run_cli(_build_argv(indexed, tmp_path / "index"), capsys)
    assert code == 2 and err == "ash-index: error: disk full\n"
    assert _leftovers(tmp_path) == []


def test_an_interrupted_add_leaves_the_previous_generation(
    index_copy, indexed, monkeypatch, capsys
):
    new_image = index_copy.parent / "copy.png"
    new_image.write_bytes((indexed.data / "images/test/test_00000.png").read_bytes())

    def interrupted(self):
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(IndexHeader, "to_json", interrupted)
        with pytest.raises(KeyboardInterrupt):
            run_cli(["add", str(index_copy), str(new_image), "--no-progress"], capsys)
    assert (index_copy / "codes-000002.faiss").is_file()  # written, never committed
    index = load_case_index(index_copy)
    assert index.header.generation == 1 and index.header.count == 300
    code, _, err = run_cli(["add", str(index_copy), str(new_image), "--no-progress"], capsys)
    assert code == 0, err
    assert load_case_index(index_copy).header.count == 301
    assert not (index_copy / "codes-000001.faiss").exists()


def test_an_existing_folder_is_replaced_only_when_asked_and_only_if_it_is_an_index(
    indexed, index_copy, tmp_path, capsys
):
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "notes.txt").write_text("mine")
    code, _, err = run_cli(_build_argv(indexed, taken), capsys)
    assert code == 2 and "pass --overwrite" in err
    code, _, err = run_cli(_build_argv(indexed, taken, "--overwrite"), capsys)
    assert code == 2 and "is not a case index: refusing to replace it" in err
    assert (taken / "notes.txt").read_text() == "mine"
    code, _, err = run_cli(_build_argv(indexed, index_copy), capsys)
    assert code == 2 and "pass --overwrite" in err
    (index_copy / "cases-000001.jsonl").write_text("damaged")
    code, out, err = run_cli(_build_argv(indexed, index_copy, "--overwrite"), capsys)
    assert code == 0, err
    assert load_case_index(index_copy).header.count == 300
    assert _leftovers(tmp_path) == ["index", "taken"]
