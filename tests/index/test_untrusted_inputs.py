"""A run folder, checkpoint or index from someone else can be refused, but never runs code.

Every case tampers with a copy of the index or of the run that built it, then asks
``ash-index query`` for an answer: it must exit 2 with one line naming what is wrong, and a
payload that would create a marker file must never run.
"""

import dataclasses
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import torch

from ash_lightning.index import store
from ash_lightning.run.trained_run import TrainedRunError, load_trained_run

from .helpers import run_cli


class _Payload:
    """Unpickling this runs a shell command that creates ``marker``."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


@dataclasses.dataclass(frozen=True)
class Copies:
    """Private copies of the index and of its run, and the marker a payload would create."""

    index: Path
    run: Path
    marker: Path


def _edit_header(edit: Callable[[dict], None]) -> Callable[[Copies], None]:
    def tamper(copies: Copies) -> None:
        path = copies.index / "index.json"
        header = json.loads(path.read_text())
        edit(header)
        path.write_text(json.dumps(header))

    return tamper


def _flip_a_code_byte(copies: Copies) -> None:
    codes = next(copies.index.glob("codes-*.faiss"))
    content = bytearray(codes.read_bytes())
    content[-5] ^= 0xFF
    codes.write_bytes(bytes(content))


def _edit_a_case(copies: Copies) -> None:
    cases = next(copies.index.glob("cases-*.jsonl"))
    cases.write_text(cases.read_text().replace("grade_1", "grade_2", 1))


def _remove_the_cases(copies: Copies) -> None:
    next(copies.index.glob("cases-*.jsonl")).unlink()


def _target_in_run(where: str) -> Callable[[Copies], None]:
    def tamper(copies: Copies) -> None:
        path = copies.run / "results.json"
        results = json.loads(path.read_text())
        node = results["config"]
        for key in where.split("."):
            node = node[key]
        node["_target_"] = "os.system"
        node["_args_"] = [f"touch {copies.marker}"]
        path.write_text(json.dumps(results))

    return tamper


def _checkpoint(copies: Copies) -> Path:
    return copies.run / "checkpoints" / "best.ckpt"


def _payload_in_checkpoint(copies: Copies) -> None:
    saved = torch.load(_checkpoint(copies), map_location="cpu", weights_only=True)
    saved["payload"] = _Payload(copies.marker)
    torch.save(saved, _checkpoint(copies))


def _other_weights(copies: Copies) -> None:
    saved = torch.load(_checkpoint(copies), map_location="cpu", weights_only=True)
    saved["state_dict"] = {key: value + 1 for key, value in saved["state_dict"].items()}
    torch.save(saved, _checkpoint(copies))


def _header_pointing_at_other_weights(copies: Copies) -> None:
    """An attacker who also recomputes the header's checksum: the weights still differ."""
    _other_weights(copies)
    header = store._read_header(copies.index)
    changed = dataclasses.replace(header, checkpoint=str(_checkpoint(copies)))
    (copies.index / "index.json").write_text(json.dumps(changed.to_json()))


def _garbage_results(copies: Copies) -> None:
    (copies.run / "results.json").write_text("{not json")


TAMPERED = {
    "a byte of the codes": (
        _flip_a_code_byte,
        False,
        "codes-000001.faiss does not match its checksum",
    ),
    "a line of the cases": (_edit_a_case, False, "cases-000001.jsonl does not match its checksum"),
    "the cases file removed": (_remove_the_cases, False, "cases-000001.jsonl is missing"),
    "a class added to the header": (
        _edit_header(lambda h: h["class_names"].append("grade_9")),
        False,
        "does not match its header_sha256",
    ),
    "bits made a string": (_edit_header(lambda h: h.update(bits="12")), False, "bits is '12'"),
    "the weights digest edited": (
        _edit_header(lambda h: h.update(weights_sha256="0" * 64)),
        False,
        "does not match its header_sha256",
    ),
    "downgraded to version 1": (
        _edit_header(lambda h: h.update(format_version=1)),
        False,
        "a version-1 header has no header_sha256",
    ),
    "the header truncated": (
        lambda copies: (copies.index / "index.json").write_text('{"format": "ash-'),
        False,
        "unreadable",
    ),
    "header recomputed for other weights": (
        _header_pointing_at_other_weights,
        False,
        "weights sha256",
    ),
    "run config: model is os.system": (
        _target_in_run("model"),
        True,
        "model._target_ = 'os.system' is not one",
    ),
    "run config: attention is os.system": (
        _target_in_run("model.trunk.attention"),
        True,
        "model.trunk.attention._target_ = 'os.system' is not one",
    ),
    "run config: data is os.system": (
        _target_in_run("data"),
        True,
        "data._target_ = 'os.system' is not one",
    ),
    "checkpoint carrying a pickled payload": (
        _payload_in_checkpoint,
        True,
        "holds more than weights and plain data",
    ),
    "checkpoint with other weights": (_other_weights, True, "weights sha256"),
    "results.json not JSON": (_garbage_results, True, "unreadable"),
}


@pytest.mark.parametrize("name", list(TAMPERED))
def test_a_tampered_index_or_run_is_refused_in_one_line_and_runs_no_code(
    name, indexed, tmp_path, capsys
):
    tamper, through_checkpoint_argument, expected = TAMPERED[name]
    copies = Copies(
        shutil.copytree(indexed.index, tmp_path / "index"),
        shutil.copytree(indexed.run, tmp_path / "run"),
        tmp_path / "pwned",
    )
    tamper(copies)
    image = indexed.data / "images/test/test_00000.png"
    argv = ["query", str(copies.index), str(image)]
    if through_checkpoint_argument:
        argv.append(f"--checkpoint={copies.run}")
    code, out, err = run_cli(argv, capsys)
    assert code == 2 and not out and len(err.strip().splitlines()) == 1, err
    assert expected in err
    assert not copies.marker.exists()


def test_loading_a_tampered_run_directly_raises_and_runs_no_code(trained_run, tmp_path):
    copies = Copies(
        tmp_path / "unused", shutil.copytree(trained_run, tmp_path / "run"), tmp_path / "pwned"
    )
    _payload_in_checkpoint(copies)
    with pytest.raises(TrainedRunError, match="holds more than weights and plain data"):
        load_trained_run(copies.run)
    assert not copies.marker.exists()
