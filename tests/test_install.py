"""A regular (non-editable) install runs from outside the checkout.

The package is installed into a fresh virtual environment whose dependencies come from the
project's own environment through a ``.pth`` line (nothing is downloaded or reinstalled), then
trained and indexed from a directory that is not the checkout: the configuration, the console
scripts and the package data must all come from the installed copy.
"""

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).parents[1]
# What a build leaves behind or a developer keeps locally; a clean checkout has none of it.
NOT_SOURCES = shutil.ignore_patterns(
    ".git",
    ".venv",
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
    ".*_cache",
    "outputs",
    "multirun",
    "lightning_logs",
    "wandb",
)
TINY_RUN = (
    "data.size=tiny",
    "data.image_size=32",
    "trainer.max_epochs=1",
    "trainer.enable_progress_bar=false",
    "model.head.hidden_features=256",
)
PROBE = """
import json, sys
import ash_lightning
print(json.dumps({
    "file": ash_lightning.__file__,
    "editable_finders": [name for name in sys.modules if name.startswith("__editable__")],
    "path": sys.path,
}))
"""


def _run(command, cwd, env, timeout=600):
    result = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, (command, result.stdout[-3000:], result.stderr[-3000:])
    return result


@pytest.mark.install
def test_a_regular_install_trains_and_indexes_outside_the_checkout(tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    env.pop("PYTHONHOME", None)
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    # The project's site-packages, where its dependencies (and pip, setuptools) are installed.
    dependencies = Path(sysconfig.get_paths()["purelib"])
    assert (dependencies / "torch").is_dir(), dependencies

    # No pip of its own: Python 3.11's bundled setuptools 65 cannot build a wheel without the
    # `wheel` package, so the project's pip and setuptools build it (--no-build-isolation;
    # torch 2.13 requires setuptools>=77, whose bdist_wheel is built in).
    _run([sys.executable, "-m", "venv", "--without-pip", tmp_path / "venv"], tmp_path, env)
    venv_python = tmp_path / "venv" / "bin" / "python"
    site_packages = Path(
        _run(
            [venv_python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            tmp_path,
            env,
        ).stdout.strip()
    )
    assert site_packages.is_relative_to(tmp_path / "venv")
    (site_packages / "project_dependencies.pth").write_text(f"{dependencies}\n")

    # Build from a copy: pip builds in the source tree, which would leave build/ and
    # *.egg-info in the checkout (and a stale build/lib could mask a missing file).
    sources = tmp_path / "sources"
    shutil.copytree(REPO_ROOT, sources, ignore=NOT_SOURCES)
    _run(
        [
            venv_python,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--ignore-installed",  # never touch the editable install the .pth line exposes
            "--quiet",
            sources,
        ],
        tmp_path,
        env,
    )

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    probe = json.loads(_run([venv_python, "-c", PROBE], elsewhere, env).stdout)
    installed = Path(probe["file"]).resolve()
    assert installed.is_relative_to((tmp_path / "venv").resolve()), installed
    assert not installed.is_relative_to(REPO_ROOT.resolve())
    # .pth files in a directory that a .pth line adds are not processed: the checkout's
    # editable finder stays inactive, and the installed copy comes first on sys.path.
    assert probe["editable_finders"] == []
    assert probe["path"].index(str(site_packages)) < probe["path"].index(str(dependencies))

    run_dir = tmp_path / "run"
    trained = _run(
        [venv_python, "-m", "ash_lightning", *TINY_RUN, f"hydra.run.dir={run_dir}"],
        elsewhere,
        env,
    )
    results = json.loads((run_dir / "results.json").read_text())
    assert results["method"] == "ash_u"
    assert "mAP@10" in results["metrics"]["test"]["metrics"]
    assert f"results: {run_dir}/results.json" in trained.stdout

    usage = _run([tmp_path / "venv" / "bin" / "ash-index", "--help"], elsewhere, env)
    assert usage.stdout.startswith("usage: ash-index")
    assert not (elsewhere / "outputs").exists()
