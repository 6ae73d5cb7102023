import json
import shutil

import numpy as np
import pytest
import torch

from ash_lightning.index import encode_images
from ash_lightning.run.compose import compose_config
from ash_lightning.run.job import train
from ash_lightning.run.trained_run import TrainedRunError, file_sha256, load_trained_run

TINY_ATH = (
    "data.size=tiny",
    "data.image_size=32",
    "trainer.max_epochs=1",
    "trainer.enable_progress_bar=false",
    "model=ath",
    "loss=triplet_ce",
)


@pytest.fixture(scope="module")
def trained_ath(tmp_path_factory):
    run = tmp_path_factory.mktemp("runs") / "ath"
    train(compose_config(list(TINY_ATH), output_dir=run))
    return run


@pytest.fixture
def ath_run(trained_ath, tmp_path):
    """A private copy of the trained run, free to damage."""
    return shutil.copytree(trained_ath, tmp_path / "ath")


def test_a_run_folder_and_its_checkpoint_load_the_same_network(trained_ath):
    ath_run = trained_ath
    from_folder = load_trained_run(ath_run)
    from_checkpoint = load_trained_run(ath_run / "checkpoints" / "best.ckpt")
    assert from_folder.checkpoint == from_checkpoint.checkpoint
    assert from_folder.checkpoint_sha256 == file_sha256(from_folder.checkpoint)
    assert len(from_folder.checkpoint_sha256) == 64
    assert from_folder.bits == 12 and len(from_folder.class_names) == 5
    assert from_folder.preprocessing == {
        "image_size": 32,
        "channels": 1,
        "crop_black_border": False,
    }
    images = np.random.default_rng(0).integers(0, 256, (5, 1, 32, 32), dtype=np.uint8)
    outputs = encode_images(from_folder.net, images, batch_size=2)
    assert outputs.shape == (5, 12) and outputs.dtype == np.float32
    np.testing.assert_allclose(outputs, encode_images(from_checkpoint.net, images), atol=1e-6)
    with torch.no_grad():
        direct = from_folder.net(torch.from_numpy(images).float() / 127.5 - 1.0).numpy()
    np.testing.assert_allclose(outputs, direct, rtol=1e-6, atol=1e-6)


def test_unusable_runs_are_refused_with_the_reason(ath_run, tmp_path):
    with pytest.raises(TrainedRunError, match="no run folder or checkpoint"):
        load_trained_run(tmp_path / "missing")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(TrainedRunError, match="no results.json"):
        load_trained_run(empty)
    (ath_run / "checkpoints" / "best.ckpt").unlink()
    assert load_trained_run(ath_run).checkpoint.name == "last.ckpt"  # a run before selection
    (ath_run / "checkpoints" / "last.ckpt").unlink()
    with pytest.raises(TrainedRunError, match="only deep runs"):
        load_trained_run(ath_run)
    (ath_run / "results.json").write_text("{")
    with pytest.raises(TrainedRunError, match="unreadable"):
        load_trained_run(ath_run)


def test_weights_that_do_not_fit_the_configuration_are_refused(ath_run):
    results = json.loads((ath_run / "results.json").read_text())
    results["config"]["model"]["head"]["bits"] = 24
    (ath_run / "results.json").write_text(json.dumps(results))
    with pytest.raises(TrainedRunError, match="does not fit its run"):
        load_trained_run(ath_run)


def test_encoding_checks_its_input():
    net = torch.nn.Flatten()
    with pytest.raises(ValueError, match="uint8"):
        encode_images(net, np.zeros((2, 1, 4, 4), dtype=np.float32))
    with pytest.raises(ValueError, match="batch_size"):
        encode_images(net, np.zeros((2, 1, 4, 4), dtype=np.uint8), batch_size=0)
