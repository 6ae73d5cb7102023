import numpy as np
import pytest
from PIL import Image

from ash_lightning.data.manifest import read_manifest
from ash_lightning.data.synthetic import make_synthetic_splits
from ash_lightning.data.synthetic_export import export_splits, label_text, main


def test_the_export_is_a_manifest_of_the_same_images_and_splits(exported_data):
    splits = make_synthetic_splits("asoct", "tiny", 32, seed=0)
    manifest = read_manifest(exported_data)
    assert manifest.class_names == splits.class_names
    assert manifest.splits.count("database") == 200 and manifest.splits.count("test") == 50
    database = [i for i, split in enumerate(manifest.splits) if split == "database"]
    np.testing.assert_array_equal(manifest.labels[database], splits.database_labels)
    last = np.asarray(Image.open(exported_data / manifest.paths[-1]))
    np.testing.assert_array_equal(last, splits.test_images[-1, 0])


def test_multi_hot_labels_are_written_with_bars():
    names = ("amd", "dr", "normal")
    assert label_text(np.array([1, 1, 0], dtype=np.uint8), names) == "amd|dr"
    assert label_text(np.array(2), names) == "normal"
    with pytest.raises(ValueError, match="no positive class"):
        label_text(np.zeros(3, dtype=np.uint8), names)


def test_the_command_line_writes_rgb_images_and_refuses_a_used_folder(tmp_path, capsys):
    out = tmp_path / "fundus"
    main(["--kind=fundus", "--size=tiny", "--image-size=16", f"--out={out}"])
    assert "wrote 370 images" in capsys.readouterr().out
    with Image.open(out / "images/val/val_00000.png") as image:
        assert image.mode == "RGB" and image.size == (16, 16)
    with pytest.raises(SystemExit) as stop:
        main([f"--out={out}"])
    assert stop.value.code == 2 and "not an empty folder" in capsys.readouterr().err
    with pytest.raises(FileExistsError):
        export_splits(make_synthetic_splits("asoct", "tiny", 8, seed=0), out)
