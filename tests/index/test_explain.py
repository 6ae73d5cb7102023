import json

import torch
from hydra.core.global_hydra import GlobalHydra
from PIL import Image

from ash_lightning.index import NO_ATTENTION, load_case_index, query_index
from ash_lightning.run.compose import compose_config
from ash_lightning.run.job import train
from ash_lightning.run.trained_run import load_trained_run

from .conftest import TINY_ASH_U
from .helpers import run_cli


def _is_png(path):
    with Image.open(path) as image:
        image.verify()
        return image.format == "PNG" and image.size[0] > 100 and image.size[1] > 100


def test_explain_writes_the_attention_overlay_and_the_retrieval_grid(indexed, tmp_path, capsys):
    image = indexed.data / "images/test/test_00002.png"
    out = tmp_path / "explain"
    argv = ["query", str(indexed.index), str(image), "-k=4", f"--explain={out}"]
    code, text, err = run_cli(argv, capsys)
    assert code == 0, err
    assert f"retrieval grid: {out / 'retrieval_grid.png'}" in text
    assert f"attention overlay: {out / 'attention_overlay.png'}" in text
    assert sorted(path.name for path in out.iterdir()) == [
        "attention_overlay.png",
        "retrieval_grid.png",
    ]
    assert _is_png(out / "attention_overlay.png") and _is_png(out / "retrieval_grid.png")
    code, text, err = run_cli([*argv, "--json"], capsys)
    assert json.loads(text)["explain"] == {
        "retrieval_grid": str(out / "retrieval_grid.png"),
        "attention_overlay": str(out / "attention_overlay.png"),
        "note": None,
    }


class _WithoutAttentionGate(torch.nn.Module):
    """The same codes from a network that exposes no attention block."""

    def __init__(self, net):
        super().__init__()
        self.inner = net

    def forward(self, images):
        return self.inner(images)


def test_without_an_attention_gate_only_the_grid_is_written(indexed, tmp_path):
    index = load_case_index(indexed.index)
    net = load_trained_run(indexed.run).net
    image = indexed.data / "images/test/test_00002.png"
    out = tmp_path / "explain"
    out.mkdir()
    (out / "attention_overlay.png").write_bytes(b"stale")
    with_gate = query_index(index, net, image, 4, out)
    without_gate = query_index(index, _WithoutAttentionGate(net), image, 4, out)
    assert without_gate.hits == with_gate.hits
    assert without_gate.explanation.attention_overlay is None
    assert without_gate.explanation.note == NO_ATTENTION
    assert sorted(path.name for path in out.iterdir()) == ["retrieval_grid.png"]
    assert _is_png(out / "retrieval_grid.png")


def test_a_mirror_attention_run_gets_its_overlay_too(exported_data, tmp_path, capsys):
    run = tmp_path / "mirror"
    overrides = [*TINY_ASH_U[:-1], "system=mirror"]
    train(compose_config(overrides, output_dir=run))
    GlobalHydra.instance().clear()
    index = tmp_path / "index"
    build = ["build", f"--checkpoint={run}", f"--data={exported_data}", f"--out={index}"]
    assert run_cli([*build, "--no-progress"], capsys)[0] == 0
    out = tmp_path / "explain"
    image = exported_data / "images/test/test_00002.png"
    code, text, err = run_cli(["query", str(index), str(image), f"--explain={out}"], capsys)
    assert code == 0, err
    assert f"attention overlay: {out / 'attention_overlay.png'}" in text
    assert _is_png(out / "attention_overlay.png")
