"""Real-image folders train and evaluate through the same entry point."""

from pathlib import Path

import numpy as np
import pytest
from hydra.utils import instantiate
from PIL import Image

from ash_lightning.run.command_line import check_command_line
from ash_lightning.run.config_check import ConfigError
from ash_lightning.run.job import train

SHARED_SET = Path(__file__).resolve().parents[3] / "shared" / "data" / "eye_diseases_4class"


def _write_class_folders(root: Path, per_class: int = 12) -> None:
    rng = np.random.default_rng(0)
    for label, colour in enumerate([(200, 40, 40), (40, 200, 40), (40, 40, 200)]):
        folder = root / f"class_{label}"
        folder.mkdir(parents=True)
        for index in range(per_class):
            pixels = rng.integers(0, 60, (24, 24, 3)).astype(np.uint8)
            pixels[6:18, 6:18] = colour
            Image.fromarray(pixels).save(folder / f"{index}.png")


def _manifest_run(make_config, root: Path, out: Path, *extra: str) -> dict:
    cfg = make_config(
        "data=manifest",
        f"data.root={root}",
        "data.image_size=16",
        f"data.cache_dir={out.parent / 'cache'}",
        "data.query_fraction=0.25",
        "trainer.max_epochs=1",
        *extra,
        output_dir=out,
    )
    return train(cfg)


def test_class_folders_train_and_the_cache_is_reused(trainer_only_config, tmp_path):
    root = tmp_path / "images"
    _write_class_folders(root)
    first = _manifest_run(trainer_only_config, root, tmp_path / "run1")
    # The decoded images, and one copy of them with the splits contiguous.
    cached = sorted((tmp_path / "cache").glob("*.npy"))
    assert len(cached) == 2 and len([path for path in cached if ".order-" in path.name]) == 1
    assert first["dataset"] == "manifest" and first["queries"] == 9
    second = _manifest_run(trainer_only_config, root, tmp_path / "run2")
    assert sorted((tmp_path / "cache").glob("*.npy")) == cached
    assert second["metrics"] == first["metrics"]
    _manifest_run(trainer_only_config, root, tmp_path / "run3", "data.image_size=24")
    assert len(list((tmp_path / "cache").glob("*.npy"))) == 4


def test_multi_label_rows_flow_through_to_the_metrics(trainer_only_config, tmp_path):
    root = tmp_path / "images"
    _write_class_folders(root)
    rows = ["path,label"]
    for path in sorted(root.rglob("*.png")):
        relative = path.relative_to(root).as_posix()
        label = path.parent.name
        rows.append(
            f"{relative},{label}|shared" if path.stem in {"0", "1", "2"} else f"{relative},{label}"
        )
    (root / "labels.csv").write_text("\n".join(rows) + "\n")
    results = _manifest_run(trainer_only_config, root, tmp_path / "run")
    assert results["metrics"]["test"]["metrics"]["mAP@10"] >= 0.0
    assert results["queries"] > 0


def test_missing_root_is_a_one_line_error_before_training(tmp_path):
    with pytest.raises(ConfigError, match="data root not found"):
        check_command_line(["data=manifest", f"data.root={tmp_path / 'nope'}"])
    with pytest.raises(ConfigError, match="data.root is required"):
        check_command_line(["data=manifest"])


@pytest.mark.skipif(not SHARED_SET.is_dir(), reason="public eye_diseases_4class set not present")
def test_public_fundus_set_composes_and_splits(trainer_only_config, tmp_path):
    cfg = trainer_only_config(
        "data=eye_diseases_4class",
        f"data.root={SHARED_SET}",
        f"data.cache_dir={tmp_path}",
    )
    datamodule = instantiate(cfg.data)
    assert datamodule.splits.class_names == (
        "cataract",
        "diabetic_retinopathy",
        "glaucoma",
        "normal",
    )
    assert len(datamodule.splits.test_labels) == pytest.approx(422, abs=4)


def test_paper_dataset_configs_read_their_documented_layouts(trainer_only_config, tmp_path):
    root = tmp_path / "asoct"
    root.mkdir()
    rows = ["path,label,split"]
    rng = np.random.default_rng(1)
    for index in range(30):
        grade = index % 5
        Image.fromarray(rng.integers(0, 255, (20, 20), dtype=np.uint8)).save(root / f"{index}.png")
        rows.append(f"{index}.png,grade_{grade},{'test' if index >= 25 else 'database'}")
    (root / "labels.csv").write_text("\n".join(rows) + "\n")
    cfg = trainer_only_config(
        "data=asoct_cataract", f"data.root={root}", f"data.cache_dir={tmp_path / 'c'}"
    )
    splits = instantiate(cfg.data).splits
    assert splits.test_images.shape == (5, 1, 64, 64)
    assert len(splits.database_labels) + len(splits.val_labels) == 25

    fundus = tmp_path / "fundus"
    _write_class_folders(fundus)
    cfg = trainer_only_config(
        "data=fundus_isee", f"data.root={fundus}", f"data.cache_dir={tmp_path / 'c'}"
    )
    module = instantiate(cfg.data)
    assert module.crop_black_border and module.query_fraction == 0.1
    assert module.splits.database_images.shape[1] == 3


def test_bad_image_stops_by_default_and_is_skipped_on_request(trainer_only_config, tmp_path):
    root = tmp_path / "images"
    _write_class_folders(root)
    (root / "class_0" / "5.png").write_bytes(b"not an image")
    overrides = ("data=manifest", f"data.root={root}", "data.cache_dir=null", "data.image_size=16")
    with pytest.raises(ValueError, match="5.png"):
        _ = instantiate(trainer_only_config(*overrides).data).splits
    assert not list(tmp_path.glob("**/*.npy"))
    splits = instantiate(trainer_only_config(*overrides, "data.on_bad_image=skip").data).splits
    total = len(splits.database_labels) + len(splits.val_labels) + len(splits.test_labels)
    assert total == 35


def test_splits_are_views_of_one_memory_mapped_file_written_once(tmp_path):
    from ash_lightning.data.manifest import load_images, read_manifest
    from ash_lightning.data.manifest_datamodule import ManifestDataModule

    _write_class_folders(tmp_path / "images")
    cache = tmp_path / "cache"

    def splits(cache_dir):
        module = ManifestDataModule(
            str(tmp_path / "images"), image_size=16, cache_dir=cache_dir, query_fraction=0.25
        )
        return module.splits

    first = splits(str(cache))
    parts = (first.database_images, first.val_images, first.test_images)
    assert all(isinstance(part, np.memmap) and not part.flags.writeable for part in parts)
    (ordered,) = cache.glob("*.order-*.npy")
    assert {Path(part.filename) for part in parts} == {ordered}
    written = ordered.stat().st_mtime_ns
    again = splits(str(cache))
    assert ordered.stat().st_mtime_ns == written and len(list(cache.glob("*.order-*"))) == 1
    np.testing.assert_array_equal(again.test_images, first.test_images)
    in_memory = splits(None)
    assert np.shares_memory(in_memory.database_images.base, in_memory.test_images.base)
    for cached, decoded in zip(
        parts, (in_memory.database_images, in_memory.val_images, in_memory.test_images), strict=True
    ):
        np.testing.assert_array_equal(cached, decoded)
    # The same pixels as the decoded files, row for row.
    manifest = read_manifest(tmp_path / "images", "labels.csv")
    originals = load_images(tmp_path / "images", manifest.paths, 16).images
    database_rows = {row.tobytes() for row in originals}
    assert all(row.tobytes() in database_rows for row in first.database_images)
