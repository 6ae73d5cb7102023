import dataclasses
import errno
import json
from pathlib import Path

import pytest

from ash_lightning.index import CaseIndexError, add_images, load_case_index, store


def _rewrite_header(directory: Path, **changes) -> None:
    """Write ``index.json`` with ``changes``, its own checksum recomputed."""
    header = dataclasses.replace(store._read_header(directory), **changes)
    (directory / "index.json").write_text(json.dumps(header.to_json()))


def test_an_altered_or_missing_file_is_refused(index_copy):
    cases = index_copy / "cases-000001.jsonl"
    cases.write_text(cases.read_text().replace("grade_1", "grade_2"))
    with pytest.raises(CaseIndexError, match="does not match its checksum .* damaged"):
        load_case_index(index_copy)
    cases.unlink()
    with pytest.raises(CaseIndexError, match="the index file .*cases-000001.jsonl is missing"):
        load_case_index(index_copy)


def test_a_header_that_disagrees_with_the_files_is_refused(index_copy):
    header_file = index_copy / "index.json"
    header = json.loads(header_file.read_text())
    header_file.write_text(json.dumps({**header, "count": 301}))
    with pytest.raises(CaseIndexError, match="does not match its header_sha256"):
        load_case_index(index_copy)
    header_file.write_text(json.dumps({**header, "format_version": 1}))
    with pytest.raises(CaseIndexError, match="a version-1 header has no header_sha256"):
        load_case_index(index_copy)
    header_file.write_text(json.dumps(header))
    _rewrite_header(index_copy, count=301)
    with pytest.raises(CaseIndexError, match="inconsistent: 300 codes of 64 bits, 300 cases"):
        load_case_index(index_copy)
    header_file.write_text(json.dumps({**header, "format_version": 99}))
    with pytest.raises(CaseIndexError, match="format version 99"):
        load_case_index(index_copy)
    header_file.write_text(json.dumps({key: header[key] for key in header if key != "bits"}))
    with pytest.raises(CaseIndexError, match="lacks bits"):
        load_case_index(index_copy)
    header_file.write_text("{")
    with pytest.raises(CaseIndexError, match="unreadable"):
        load_case_index(index_copy)
    header_file.unlink()
    with pytest.raises(CaseIndexError, match="has no index.json"):
        load_case_index(index_copy)


def test_a_generation_replaced_while_it_is_read_is_read_again(index_copy, monkeypatch, tmp_path):
    old_header = store._read_header(index_copy)
    new_image = tmp_path / "new.png"
    new_image.write_bytes(Path(load_case_index(index_copy).cases[0].path).read_bytes())
    add_images(index_copy, [new_image], progress=False)
    real_read_header = store._read_header
    answers = [old_header]
    monkeypatch.setattr(
        store,
        "_read_header",
        lambda directory: answers.pop() if answers else real_read_header(directory),
    )
    index = load_case_index(index_copy)
    assert index.header.generation == 2 and index.header.count == 301


def _new_image(index_copy: Path, tmp_path: Path) -> Path:
    new_image = tmp_path / "new.png"
    new_image.write_bytes(Path(load_case_index(index_copy).cases[0].path).read_bytes())
    return new_image


def test_temporary_files_left_by_a_killed_change_are_removed_by_the_next(index_copy, tmp_path):
    leftovers = [index_copy / ".cases-000002.jsonl.x1y2.tmp", index_copy / ".index.json.z.tmp"]
    for leftover in leftovers:
        leftover.write_text("half")
    add_images(index_copy, [_new_image(index_copy, tmp_path)], progress=False)
    assert not any(leftover.exists() for leftover in leftovers)
    assert load_case_index(index_copy).header.count == 301


def test_a_full_disk_while_writing_the_codes_keeps_the_previous_generation(
    index_copy, tmp_path, monkeypatch
):
    def disk_full(path: Path, data: bytes) -> int:
        with path.open("wb") as stream:
            stream.write(data[: len(data) // 2])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", disk_full)
    with pytest.raises(OSError, match="No space left"):
        add_images(index_copy, [_new_image(index_copy, tmp_path)], progress=False)
    monkeypatch.undo()
    assert sorted(path.name for path in index_copy.iterdir()) == [
        "cases-000001.jsonl",
        "codes-000001.faiss",
        "index.json",
    ]
    assert load_case_index(index_copy).header.count == 300
