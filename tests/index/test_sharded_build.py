"""An index encoded by two processes (Lightning predict, DDP on CPU) equals a one-process one."""

import numpy as np

from ash_lightning.index import load_case_index, sharded_encoding, stored_codes

from .helpers import run_cli


def test_two_processes_build_the_same_index(indexed, tmp_path, capsys, monkeypatch):
    shards = []
    merge = sharded_encoding.merge_shards

    def counted(folder, paths):
        shards.extend(sorted(path.name for path in folder.glob("shard-*.npz")))
        return merge(folder, paths)

    monkeypatch.setattr(sharded_encoding, "merge_shards", counted)
    out = tmp_path / "sharded"
    argv = [
        "build",
        f"--checkpoint={indexed.run}",
        f"--data={indexed.data}",
        f"--out={out}",
        "--no-progress",
        "--devices=2",
        "--accelerator=cpu",
        "--batch-size=32",
    ]
    code, text, err = run_cli(argv, capsys)
    assert code == 0, err
    assert "indexed 300 cases" in text and shards == ["shard-0.npz", "shard-1.npz"]
    one, two = load_case_index(indexed.index), load_case_index(out)
    assert one.cases == two.cases
    np.testing.assert_array_equal(stored_codes(two.faiss_index), stored_codes(one.faiss_index))
    assert not list(tmp_path.glob(".sharded.shards-*"))
