from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from ash_lightning.data.manifest.errors import ManifestError
from ash_lightning.data.manifest.manifest_reader import read_manifest


def write_png(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.zeros((4, 4, 3), dtype=np.uint8)).save(path)


def write_csv(root: Path, text: str, touch: bool = True, name: str = "labels.csv") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / name).write_text(text)
    if touch:
        for line in text.splitlines()[1:]:
            path = line.split(",")[0].strip()
            if path:
                (root / path).parent.mkdir(parents=True, exist_ok=True)
                (root / path).touch()
    return root / name


def assert_error(root: Path, *fragments: str, **kwargs: object) -> str:
    with pytest.raises(ManifestError) as info:
        read_manifest(root, **kwargs)
    message = str(info.value)
    assert "\n" not in message
    for fragment in fragments:
        assert fragment in message
    return message


def test_csv_single_label(tmp_path: Path) -> None:
    write_csv(
        tmp_path,
        "path,label\nimg/c.png,glaucoma\nimg/a.png,normal\nimg/b.png,glaucoma\nimg/d.png,normal\n",
    )
    manifest = read_manifest(tmp_path)
    assert manifest.root == tmp_path
    assert manifest.paths == ("img/c.png", "img/a.png", "img/b.png", "img/d.png")
    assert manifest.class_names == ("glaucoma", "normal")
    assert manifest.labels.dtype == np.int64
    np.testing.assert_array_equal(manifest.labels, [0, 1, 0, 1])
    assert manifest.splits is None
    assert not manifest.labels.flags.writeable


def test_csv_multi_label(tmp_path: Path) -> None:
    write_csv(tmp_path, "path,label\n1.png, b | a \n2.png,a\n3.png,c|b\n4.png,c\n")
    manifest = read_manifest(tmp_path)
    assert manifest.class_names == ("a", "b", "c")
    assert manifest.labels.dtype == np.uint8
    np.testing.assert_array_equal(manifest.labels, [[1, 1, 0], [1, 0, 0], [0, 1, 1], [0, 0, 1]])


def test_class_folders(tmp_path: Path) -> None:
    for name in ("normal/2.PNG", "normal/1.jpg", "amd/x.tiff", "amd/sub/y.bmp"):
        write_png(tmp_path / name)
    (tmp_path / "amd" / "notes.txt").touch()
    (tmp_path / "empty").mkdir()
    manifest = read_manifest(tmp_path)
    assert manifest.paths == ("amd/sub/y.bmp", "amd/x.tiff", "normal/1.jpg", "normal/2.PNG")
    assert manifest.class_names == ("amd", "normal")
    np.testing.assert_array_equal(manifest.labels, [0, 0, 1, 1])
    assert manifest.splits is None


def test_split_column_aliases(tmp_path: Path) -> None:
    rows = ["Train", "database", "VAL", "validation", "test", " Query "]
    text = "path,label,split\n" + "".join(f"{i}.png,c,{s}\n" for i, s in enumerate(rows))
    write_csv(tmp_path, text)
    manifest = read_manifest(tmp_path)
    assert manifest.splits == ("database", "database", "val", "val", "test", "test")


def test_custom_labels_file_name(tmp_path: Path) -> None:
    write_csv(tmp_path, "label,path\nx,1.png\nx,2.png\n", touch=False, name="meta.csv")
    for name in ("1.png", "2.png"):
        (tmp_path / name).touch()
    assert read_manifest(tmp_path, labels_file="meta.csv").paths == ("1.png", "2.png")


def test_missing_root(tmp_path: Path) -> None:
    assert_error(tmp_path / "nope", f"data root not found: {tmp_path / 'nope'}")


def test_root_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "file").touch()
    assert_error(tmp_path / "file", "data root not found")


def test_no_labels_file_and_no_class_folders(tmp_path: Path) -> None:
    (tmp_path / "loose.png").touch()
    (tmp_path / "docs").mkdir()
    assert_error(tmp_path, "labels.csv", "no class sub-folders", str(tmp_path))


def test_missing_columns(tmp_path: Path) -> None:
    labels_path = write_csv(tmp_path, "file,diagnosis\n1.png,x\n", touch=False)
    message = assert_error(tmp_path, str(labels_path), "path, label")
    assert "file, diagnosis" in message


def test_empty_label_names_line(tmp_path: Path) -> None:
    write_csv(tmp_path, "path,label\n1.png,a\n2.png,a\n3.png, \n")
    assert_error(tmp_path, "line 4", "empty label", "3.png")


def test_empty_multi_label_part(tmp_path: Path) -> None:
    write_csv(tmp_path, "path,label\n1.png,a|\n2.png,a\n")
    assert_error(tmp_path, "line 2", "empty label")


def test_unknown_split_names_line(tmp_path: Path) -> None:
    write_csv(tmp_path, "path,label,split\n1.png,a,train\n2.png,a,holdout\n")
    assert_error(tmp_path, "line 3", "unknown split 'holdout'")


def test_duplicate_paths(tmp_path: Path) -> None:
    write_csv(tmp_path, "path,label\na.png,x\nb.png,x\na.png,y\nb.png,x\nc.png,y\n")
    assert_error(tmp_path, "2 paths are listed more than once in labels.csv", "a.png, b.png")


def test_missing_images_on_disk(tmp_path: Path) -> None:
    write_csv(tmp_path, "path,label\na.jpg,x\nb.jpg,x\nc.jpg,y\nd.jpg,y\n", touch=False)
    (tmp_path / "d.jpg").touch()
    assert_error(tmp_path, "3 images listed in labels.csv are missing, first: a.jpg, b.jpg, c.jpg")


def test_missing_images_ignored_without_check(tmp_path: Path) -> None:
    write_csv(tmp_path, "path,label\na.jpg,x\nb.jpg,x\n", touch=False)
    assert read_manifest(tmp_path, check_files=False).paths == ("a.jpg", "b.jpg")


def test_class_with_one_image_csv(tmp_path: Path) -> None:
    write_csv(tmp_path, "path,label\n1.png,a\n2.png,a\n3.png,rare\n")
    assert_error(tmp_path, "'rare' has 1", "labels.csv")


def test_class_with_one_image_folders(tmp_path: Path) -> None:
    for name in ("a/1.png", "a/2.png", "lonely/1.png"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).touch()
    assert_error(tmp_path, "'lonely' has 1")
