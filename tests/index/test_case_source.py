import shutil

import numpy as np
import pytest
from omegaconf import OmegaConf

from ash_lightning.data.manifest import split_indices
from ash_lightning.index import (
    CaseIndexError,
    SplitRule,
    assign_splits,
    load_case_index,
    resolve_case_source,
)

from .helpers import run_cli


def test_without_a_column_the_splits_are_the_stratified_split_of_the_run():
    labels = np.repeat(np.arange(3), 20)
    rule = SplitRule(query_fraction=0.1, val_fraction=0.05, split_seed=3)
    names = assign_splits(labels, None, rule)
    expected = split_indices(labels, 0.1, 0.05, 3)
    for split, rows in expected.items():
        assert [row for row, name in enumerate(names) if name == split] == rows.tolist()


def test_a_column_without_validation_rows_gets_them_carved_from_the_database():
    labels = np.repeat(np.arange(2), 10)
    column = ["database"] * 8 + ["test"] * 2 + ["database"] * 8 + ["test"] * 2
    names = assign_splits(labels, column, SplitRule(val_fraction=0.2))
    assert names.count("test") == 4 and names.count("val") == 4 and names.count("database") == 12
    assert all(column[row] == "database" for row, name in enumerate(names) if name == "val")
    assert assign_splits(labels, column, SplitRule(val_fraction=0.0)) == column


def test_a_manifest_run_config_gives_its_root_and_split_rule(exported_data, tmp_path):
    run_config = OmegaConf.create(
        {
            "data": {
                "root": str(exported_data),
                "image_size": 32,
                "query_fraction": 0.2,
                "val_fraction": 0.1,
                "split_seed": 5,
                "on_bad_image": "skip",
            }
        }
    )
    source = resolve_case_source(None, run_config)
    assert source.manifest.root == exported_data and source.on_bad_image == "skip"
    assert source.split_rule == SplitRule(0.2, 0.1, 5)
    assert source.description["source"] == "run"
    with pytest.raises(CaseIndexError, match="has no root: pass the folder"):
        resolve_case_source("manifest", run_config)


def test_class_folders_without_a_column_are_split_as_the_run_would(indexed, tmp_path, capsys):
    folders = tmp_path / "by_class"
    index = load_case_index(indexed.index)
    for case in index.cases[:100]:
        target = folders / case.labels[0]
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(case.path, target)
    out = tmp_path / "index"
    argv = ["build", f"--checkpoint={indexed.run}", f"--data={folders}", f"--out={out}"]
    code, text, err = run_cli([*argv, "--no-progress"], capsys)
    assert code == 0, err
    built = load_case_index(out)
    in_file_order = sorted(built.cases, key=lambda case: case.path)  # class folder, then name
    assert built.cases != in_file_order  # stored in a seeded random order
    labels = np.array([int(case.labels[0][-1]) for case in in_file_order])
    assert [case.split for case in in_file_order] == assign_splits(labels, None, SplitRule())
    assert f"splits: database {[c.split for c in built.cases].count('database')}" in text


def test_unreadable_images_stop_the_build_or_are_skipped(indexed, tmp_path, capsys):
    folder = tmp_path / "small"
    rows = (indexed.data / "labels.csv").read_text().splitlines()[:31]
    for row in rows[1:]:
        target = folder / row.split(",")[0]
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(indexed.data / row.split(",")[0], target)
    (folder / "labels.csv").write_text("\n".join(rows) + "\n")
    broken = folder / rows[5].split(",")[0]
    broken.write_bytes(b"not an image")
    argv = ["build", f"--checkpoint={indexed.run}", f"--data={folder}", "--no-progress"]
    code, _, err = run_cli([*argv, f"--out={tmp_path / 'stopped'}"], capsys)
    assert code == 2 and err.startswith(f"ash-index: error: unreadable image {broken}")
    assert not (tmp_path / "stopped").exists()
    out = tmp_path / "skipped"
    skip = ["--on-bad-image=skip", "--batch-size=1"]  # the bad image is a chunk of its own
    code, text, err = run_cli([*argv, f"--out={out}", *skip], capsys)
    assert code == 0, err
    assert f"skipped 1 unreadable image(s), first: {rows[5].split(',')[0]}" in text
    built = load_case_index(out)
    assert built.header.count == 29 and built.header.data["skipped"] == [rows[5].split(",")[0]]
    assert str(broken) not in {case.path for case in built.cases}
