import json

import numpy as np
from PIL import Image

import ash_lightning.index.encode as encode_module
import ash_lightning.retrieval.evaluation as evaluation
from ash_lightning.data.manifest.preprocessing import preprocess
from ash_lightning.index import encode_images, load_case_index, stored_codes
from ash_lightning.retrieval.codes import binarize, pack_bits
from ash_lightning.retrieval.hamming_ranking import HammingIndex
from ash_lightning.run.trained_run import load_trained_run

from .helpers import run_cli


def _query_json(index, image, k, capsys, *extra):
    code, out, err = run_cli(["query", str(index), str(image), f"-k={k}", "--json", *extra], capsys)
    assert code == 0, err
    return json.loads(out)


def test_build_records_every_case_and_the_run(indexed):
    index = load_case_index(indexed.index)
    header = index.header
    assert header.count == len(index.cases) == index.faiss_index.ntotal == 300
    assert header.bits == 12 and header.index_type == "flat" and header.generation == 1
    assert header.preprocessing == {"image_size": 32, "channels": 1, "crop_black_border": False}
    assert header.checkpoint == str((indexed.run / "checkpoints" / "best.ckpt").resolve())
    assert len(header.checkpoint_sha256) == 64 and header.method == "ash_u"
    assert header.model["head"]["bits"] == 12
    assert header.data["source"] == "folder" and header.data["root"] == str(indexed.data)
    splits = [case.split for case in index.cases]
    assert (splits.count("database"), splits.count("val"), splits.count("test")) == (200, 50, 50)
    rows = (indexed.data / "labels.csv").read_text().splitlines()[1:]
    file_order = [str(indexed.data / row.split(",")[0]) for row in rows]
    seeded = np.random.default_rng(0).permutation(len(file_order))
    assert header.data["order_seed"] == 0
    assert [case.path for case in index.cases] == [file_order[i] for i in seeded]
    first = index.cases[0]
    assert len(first.labels) == 1 and first.labels[0].startswith("grade_")
    assert sorted(path.name for path in indexed.index.iterdir()) == [
        "cases-000001.jsonl",
        "codes-000001.faiss",
        "index.json",
    ]


def test_query_prints_an_aligned_table_in_the_evaluation_order(indexed, capsys):
    image = indexed.data / "images/test/test_00000.png"
    code, out, err = run_cli(["query", str(indexed.index), str(image), "-k", "5"], capsys)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].split() == ["rank", "distance", "label", "split", "path"]
    assert [line.split()[0] for line in lines[1:]] == ["1", "2", "3", "4", "5"]
    assert len({line.index(" /") for line in lines[1:]}) == 1  # the path column is aligned
    result = _query_json(indexed.index, image, 20, capsys)
    index = load_case_index(indexed.index)
    net = load_trained_run(indexed.run).net
    query = pack_bits(binarize(encode_images(net, preprocess(image, 32, 1, False)[None])))
    distances, positions = HammingIndex(stored_codes(index.faiss_index)).search(query, 20)
    assert [hit["distance"] for hit in result["results"]] == distances[0].tolist()
    assert [hit["position"] for hit in result["results"]] == positions[0].tolist()


def test_the_index_stores_the_bytes_the_evaluation_ranks(indexed, tmp_path, monkeypatch, capsys):
    """For the same network outputs, the index and the evaluation pack identical bytes."""
    built_outputs, evaluated_codes = [], []
    real_encode = encode_module.encode_images

    def recording_encode(*args, **kwargs):
        built_outputs.append(real_encode(*args, **kwargs))
        return built_outputs[-1]

    class RecordingHammingIndex(HammingIndex):
        def __init__(self, database_codes):
            evaluated_codes.append(database_codes)
            super().__init__(database_codes)

    monkeypatch.setattr(encode_module, "encode_images", recording_encode)
    monkeypatch.setattr(evaluation, "HammingIndex", RecordingHammingIndex)
    out = tmp_path / "index"
    argv = ["build", f"--checkpoint={indexed.run}", f"--data={indexed.data}", f"--out={out}"]
    code, _, err = run_cli([*argv, "--no-progress"], capsys)
    assert code == 0, err
    outputs = np.concatenate(built_outputs)
    labels = np.zeros(len(outputs), dtype=np.int64)
    evaluation.evaluate_retrieval(outputs[:10], labels[:10], outputs, labels, topk=[5])
    stored = stored_codes(load_case_index(out).faiss_index)
    assert stored.shape == (300, 8) and len(evaluated_codes) == 1
    np.testing.assert_array_equal(stored, evaluated_codes[0])


def test_json_output_describes_each_hit(indexed, capsys):
    image = indexed.data / "images/val/val_00003.png"
    result = _query_json(indexed.index, image, 7, capsys)
    assert result["query"] == str(image) and result["k"] == 7 and result["explain"] is None
    assert len(result["query_labels"]) == 1  # the query is itself an indexed case
    assert [hit["rank"] for hit in result["results"]] == list(range(1, 8))
    for hit in result["results"]:
        assert set(hit) == {"rank", "distance", "labels", "path", "split", "position"}
        assert 0 <= hit["distance"] <= 12 and hit["split"] in {"database", "val", "test"}
    assert _query_json(indexed.index, image, 1000, capsys)["results"][-1]["rank"] == 300


def test_added_images_are_found_and_the_index_stays_consistent(index_copy, indexed, capsys):
    source = np.asarray(Image.open(indexed.data / "images/test/test_00001.png"))
    new_images = []
    for number, flipped in enumerate((source[:, ::-1], source[::-1, :])):
        path = index_copy.parent / f"new_case_{number}.png"
        Image.fromarray(np.ascontiguousarray(flipped)).save(path)
        new_images.append(path)
    before = load_case_index(index_copy)
    code, out, err = run_cli(
        ["add", str(index_copy), *map(str, new_images), "--label=grade_1|grade_2", "--no-progress"],
        capsys,
    )
    assert code == 0, err
    assert f"added 2 cases to {index_copy} (now 302 cases)" in out
    after = load_case_index(index_copy)
    assert after.header.generation == 2 and after.header.count == 302
    assert after.cases[:300] == before.cases
    assert [case.split for case in after.cases[300:]] == ["added", "added"]
    assert after.cases[300].labels == ("grade_1", "grade_2")
    assert sorted(path.name for path in index_copy.iterdir() if not path.name.startswith(".")) == [
        "cases-000002.jsonl",
        "codes-000002.faiss",
        "index.json",
    ]
    np.testing.assert_array_equal(
        stored_codes(after.faiss_index)[:300], stored_codes(before.faiss_index)
    )
    for position, image in enumerate(new_images, start=300):
        result = _query_json(index_copy, image, 302, capsys)
        assert result["results"][0]["distance"] == 0
        zero = [hit for hit in result["results"] if hit["distance"] == 0]
        assert {"position": position, "path": str(image)}.items() <= next(
            hit for hit in zero if hit["position"] == position
        ).items()
        if len(zero) == 1:
            assert result["results"][0]["path"] == str(image)  # its own top-1
    code, _, err = run_cli(["add", str(index_copy), str(new_images[0]), "--no-progress"], capsys)
    assert (
        code == 2 and "already indexed" in err and load_case_index(index_copy).header.count == 302
    )
