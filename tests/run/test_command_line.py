import pytest
from ash_process import run_ash

from ash_lightning.run.command_line import check_command_line
from ash_lightning.run.config_check import ConfigError


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["bits=0"], "bits=0: must be an integer >= 1"),
        (["bits=abc"], "bits=abc: must be an integer >= 1"),
        (["r=1.5"], "r=1.5: must be a number in [0, 1]"),
        (["r=-0.1"], "r=-0.1: must be a number in [0, 1]"),
        (["seed=-1"], "seed=-1"),
        (["topk=[0,5]"], "topk=[0, 5]"),
        (["metrics.convention=paper"], "metrics.convention=paper"),
        (["retrieval.binarize=maybe"], "retrieval.binarize=maybe"),
        (["trainer.max_epochs=0"], "trainer.max_epochs=0"),
        (["data.image_size=0"], "data.image_size=0"),
        (["foo=1"], "unknown key 'foo'"),
        (["model.trunk.widthh=3"], "unknown key 'model.trunk.widthh'"),
        (
            ["data=nope"],
            "Could not find 'data/nope'; available: asoct_cataract, eye_diseases_4class, "
            "fundus_isee, manifest, synthetic_asoct, synthetic_fundus",
        ),
        (["-m", "r=0.3,0.5,1.7", "bits=12,24"], "r=1.7"),
        (["-m", "r=0.3", "bits=12,0"], "bits=0"),
        (
            ["data.size=huge"],
            "data.size: size must be one of ['paper', 'small', 'tiny'], got 'huge'",
        ),
        (["-m", "data.batch_size=4,0"], "data.batch_size=0: must be an integer >= 1"),
    ],
)
def test_bad_values_and_keys_are_one_line_errors_naming_the_key(args, message):
    with pytest.raises(ConfigError) as error:
        check_command_line(args)
    assert message in str(error.value)
    assert "\n" not in str(error.value)


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["-m", "r=0.3,0.5,0.7", "bits=12,24,36,48"],
        ["model=ash_l", "data=synthetic_fundus", "attention=ash_released"],
        ["attention=none", "loss=contrastive_released", "optimizer=adam", "logger=tensorboard"],
        ["--cfg", "job"],
    ],
)
def test_valid_command_lines_pass(args):
    check_command_line(args)


def test_cli_stops_before_training_with_one_line(tmp_path):
    result = run_ash(
        "-m",
        "r=0.3,1.5",
        "bits=12",
        f"hydra.sweep.dir={tmp_path}",
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode != 0
    assert (
        result.stderr.strip()
        == "config error: r=1.5: must be a number in [0, 1] (the margin ratio of Eq. (2))"
    )
    assert list(tmp_path.iterdir()) == []


def test_an_addition_that_nothing_reads_is_named(tiny_config):
    from ash_lightning.run.command_line import unread_additions

    overrides = ["+ckpt_path=x", "+retrieval.typo=1", "+trainer.gradient_clip_val=1.0", "bits=12"]
    cfg = tiny_config(*overrides)
    assert unread_additions(overrides, cfg) == ["ckpt_path", "retrieval.typo"]
