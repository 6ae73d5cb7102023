import pytest

import ash_lightning.console.progress as progress_module
from ash_lightning.console.progress import progress, progress_wanted
from ash_lightning.data.synthetic import make_synthetic_splits
from ash_lightning.data.synthetic_export import export_splits, main


@pytest.fixture
def terminal(capsys, monkeypatch):
    """Captured standard error that says it is a terminal, outside CI and without ASH_QUIET."""
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("ASH_QUIET", raising=False)
    monkeypatch.setattr(progress_module, "stderr_is_terminal", lambda: True)


def test_a_bar_is_drawn_on_a_terminal_and_counts_its_steps(terminal, capsys):
    with progress("decoding images", 3) as advance:
        for _ in range(3):
            advance(1)
    err = capsys.readouterr().err
    assert "decoding images" in err and "3/3" in err


@pytest.mark.parametrize("variable", ["CI", "ASH_QUIET"])
def test_ci_and_ash_quiet_silence_every_bar(terminal, monkeypatch, capsys, variable):
    monkeypatch.setenv(variable, "1")
    assert not progress_wanted()
    with progress("decoding images", 3) as advance:
        advance(3)
    assert capsys.readouterr().err == ""


def test_quiet_and_pipes_draw_nothing(terminal, monkeypatch):
    assert progress_wanted() and not progress_wanted(enabled=False)
    monkeypatch.setattr(progress_module, "stderr_is_terminal", lambda: False)
    assert not progress_wanted()


def test_synthetic_export_shows_its_bar_unless_quiet(terminal, tmp_path, capsys):
    splits = make_synthetic_splits("asoct", "tiny", 16, 0)
    export_splits(splits, tmp_path / "shown")
    assert "writing images" in capsys.readouterr().err
    main(["--size", "tiny", "--image-size", "16", "--out", str(tmp_path / "quiet"), "--quiet"])
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out.startswith("wrote 300 images")
