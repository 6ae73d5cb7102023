"""labels.csv rows may not reach outside the data root unless the user allows it."""

import pytest
from PIL import Image

from ash_lightning.data.manifest import ManifestError, read_manifest


@pytest.fixture
def root(tmp_path):
    """A data root with two images per class, and one image outside it."""
    data = tmp_path / "data"
    for name in ("a0", "a1", "b0", "b1"):
        (data / "img").mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (8, 8)).save(data / "img" / f"{name}.png")
    Image.new("RGB", (8, 8)).save(tmp_path / "outside.png")
    return data


def _labels(root, first_path):
    rows = [first_path, "img/a1.png", "img/b0.png", "img/b1.png"]
    text = "path,label\n" + "".join(f"{p},{'a' if i < 2 else 'b'}\n" for i, p in enumerate(rows))
    (root / "labels.csv").write_text(text)


@pytest.mark.parametrize("kind", ["dotdot", "absolute", "symlink"])
def test_a_row_outside_the_root_is_refused_unless_allowed(root, kind):
    outside = root.parent / "outside.png"
    if kind == "symlink":
        (root / "img" / "link.png").symlink_to(outside)
    first = {"dotdot": "../outside.png", "absolute": str(outside), "symlink": "img/link.png"}
    _labels(root, first[kind])
    with pytest.raises(ManifestError, match=r"is outside the data root .*allow_outside_root"):
        read_manifest(root)
    assert read_manifest(root, allow_outside_root=True).paths[0] == first[kind]


def test_rows_inside_the_root_are_read(root):
    _labels(root, "img/a0.png")
    assert len(read_manifest(root).paths) == 4
