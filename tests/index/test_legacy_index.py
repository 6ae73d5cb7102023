"""A run and an index written by main 676d058, before the evaluation packed bits as the index.

The fixture is an ASH-L run (12 bits, 32 px) and a flat index of tiny synthetic ASOCT (the
export of ``exported_data``) built from ``/tmp/legacy/imgs``; ``query.png`` is
``images/test/test_00003.png`` and ``query_top5.json`` is what ``ash-index query index
query.png -k 5 --json`` printed then.
"""

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from ash_lightning.index import load_case_index, stored_codes

from .helpers import run_cli

FIXTURE = Path(__file__).parents[1] / "fixtures" / "legacy_main_676d058"
LEGACY_ROOT = Path("/tmp/legacy/imgs")


@pytest.fixture
def legacy(tmp_path: Path) -> Path:
    """A private copy of the fixture (the index's recorded checkpoint path does not exist)."""
    return shutil.copytree(FIXTURE, tmp_path / "legacy")


def _answer(result: dict) -> list[tuple]:
    """Rank, distance, position, labels, split and file name of every hit."""
    return [
        (hit["rank"], hit["distance"], hit["position"], hit["labels"], hit["split"])
        + (Path(hit["path"]).name,)
        for hit in result["results"]
    ]


def test_a_legacy_index_answers_as_it_did(legacy, capsys):
    argv = ["query", str(legacy / "index"), str(legacy / "query.png"), "-k", "5", "--json"]
    code, out, err = run_cli([*argv, f"--checkpoint={legacy / 'run'}"], capsys)
    assert code == 0, err
    expected = json.loads((legacy / "query_top5.json").read_text())
    assert _answer(json.loads(out)) == _answer(expected)
    assert [hit["distance"] for hit in expected["results"]] == [0] * 5


def test_a_legacy_run_builds_the_same_codes_again(legacy, exported_data, tmp_path, capsys):
    out = tmp_path / "rebuilt"
    argv = ["build", f"--checkpoint={legacy / 'run'}", f"--data={exported_data}", f"--out={out}"]
    code, text, err = run_cli([*argv, "--no-progress"], capsys)
    assert code == 0, err
    assert "indexed 300 cases (12 bits, flat)" in text
    old, new = load_case_index(legacy / "index"), load_case_index(out)
    # The legacy index is in file order; a new build stores a seeded permutation of it.
    new_position = {case.path: position for position, case in enumerate(new.cases)}
    order = [
        new_position[str(exported_data / Path(case.path).relative_to(LEGACY_ROOT))]
        for case in old.cases
    ]
    assert sorted(order) == list(range(300)) and order != list(range(300))
    assert [(new.cases[i].labels, new.cases[i].split) for i in order] == [
        (case.labels, case.split) for case in old.cases
    ]
    new_codes = stored_codes(new.faiss_index)[order]
    np.testing.assert_array_equal(new_codes, stored_codes(old.faiss_index))
    code, out_text, err = run_cli(["query", str(out), str(legacy / "query.png"), "-k=5"], capsys)
    assert code == 0, err
    assert len(out_text.splitlines()) == 6


def test_a_legacy_header_names_its_model_by_public_names(legacy):
    saved = json.loads((legacy / "index" / "index.json").read_text())["model"]
    assert saved["_target_"] == "ash_lightning.nn.hashing_network.HashingNetwork"
    model = load_case_index(legacy / "index").header.model
    assert model["_target_"] == "ash_lightning.nn.HashingNetwork"
    assert model["trunk"]["attention"]["_target_"] == "ash_lightning.nn.ASHAttention"
