"""The paper's three comparison experiments run end to end (reduced) and report."""

import json
import os
import re
import statistics
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from ash_process import run_ash
from omegaconf import OmegaConf

from ash_lightning.report import build_report
from ash_lightning.run.config_check import validate_config

REDUCED = [
    "data.size=tiny",
    "data.image_size=32",
    "trainer.max_epochs=1",
    "trainer.enable_progress_bar=false",
]


def _sweep(tmp_path, experiment, *params):
    sweep = tmp_path / experiment
    overrides = [f"experiment={experiment}", *REDUCED, *params, f"hydra.sweep.dir={sweep}"]
    result = run_ash("-m", *overrides, cwd=tmp_path, timeout=1200)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "comparison report:" in result.stdout
    return sweep


@pytest.mark.slow
def test_paper_table1_reduced(tmp_path):
    sweep = _sweep(
        tmp_path,
        "paper_table1",
        "bits=12,24",
        "r=0.3,0.7",
    )
    assert len(list(sweep.glob("*/results.json"))) == 2 * 2 * 3
    report = (sweep / "report.md").read_text()
    assert "Table I shape" in report and "(n=3)" in report
    assert "*0.5918*" in report  # paper, ASOCT-Cataract, r = 0.3, K = 12


@pytest.mark.slow
def test_paper_table2_and_fig3_reduced_and_report_regenerates(tmp_path):
    table2 = _sweep(
        tmp_path,
        "paper_table2",
        "model=dsh,ash_u",
        "seed=0",
    )
    assert len(list(table2.glob("*/results.json"))) == 2
    fig3 = _sweep(
        tmp_path,
        "paper_fig3",
        "model=lsh,mhf,dsh_a",
        "bits=12,24",
        "seed=0,1,2",
    )
    assert len(list(fig3.glob("*/results.json"))) == 3 * 2 * 3
    assert (fig3 / "fig3_synthetic_asoct.png").stat().st_size > 10_000
    regenerated = build_report([table2, fig3], tmp_path / "regenerated")
    text = regenerated.markdown.read_text()
    for name in ("LSH", "MHF", "DSH-A", "DSH", "ASH-U"):
        assert f"| {name} |" in text


@pytest.mark.slow
def test_the_tuned_comparison_reruns_each_best_trial_with_seeds(tmp_path):
    script = Path(__file__).parents[1] / "experiments" / "tuned_comparison.sh"
    out = tmp_path / "tuned"
    result = subprocess.run(
        ["bash", str(script), str(out), *REDUCED, "model.head.hidden_features=256"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=1200,
        env={
            **os.environ,
            "PYTHON": sys.executable,
            "TRIALS": "2",
            "SEEDS": "0,1",
            "METHODS": "dsh mirror",
            "SEARCH": "optimizer.lr=tag(log,interval(0.0001,0.0002))",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # DSH's loss reads no r, so r is not searched; mirror attention's margin is searched instead.
    # SEARCH narrows the learning rate of the searches; the seeded reruns take the best value.
    searched = {"dsh": ["optimizer.lr", "optimizer.weight_decay"], "mirror": ["loss.margin"]}
    for method, keys in searched.items():
        results = out / method / "search" / "optimization_results.yaml"
        best = yaml.safe_load(results.read_text())["best_params"]
        assert "r" not in best and set(keys) <= set(best), method
        assert 1e-4 <= best["optimizer.lr"] <= 2e-4, method
        seeds = [
            json.loads(path.read_text())
            for path in sorted((out / method / "best").glob("*/results.json"))
        ]
        assert [run["seed"] for run in seeds] == [0, 1]
        for run in seeds:
            config = OmegaConf.create(run["config"])
            for key in [*keys, "optimizer.lr"]:
                assert OmegaConf.select(config, key) == pytest.approx(best[key]), (method, key)
            assert run["selection"]["monitor"] == "val/mAP@10"
    report = (out / "report.md").read_text()
    assert "| DSH |" in report and "| MIRROR |" in report


@pytest.mark.slow
def test_the_real_image_script_keeps_finished_runs_and_tabulates_each_k(tmp_path):
    experiments = Path(__file__).parents[1] / "experiments"
    out = tmp_path / "real"
    overrides = ["data=synthetic_asoct", *REDUCED]

    def run_script(bits: str) -> str:
        env = {**os.environ, "PYTHON": sys.executable, "SEEDS": "0", "BITS": bits}
        result = subprocess.run(
            ["bash", str(experiments / "real_images.sh"), str(out), *overrides],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            timeout=1200,
            env={**env, "METHODS": "itq_pixels ash_u_adam"},
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    assert "done   ash_u_adam K=12 seed 0" in run_script("12")
    assert "kept   ash_u_adam K=12 seed 0" in run_script("12")
    assert "done   itq_pixels K=24 seed 0" in run_script("24")
    assert json.loads((out / "itq_pixels" / "k24" / "0" / "results.json").read_text())["bits"] == 24
    table = subprocess.run(
        [sys.executable, str(experiments / "real_images_table.py"), str(out)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rows = [line.split(" | ")[:3] for line in table.splitlines()[2:]]
    assert rows == [
        ["| ash_u_adam", "12", "hamming"],
        ["| ash_u_adam", "24", "hamming"],
        ["| itq_pixels", "12", "hamming"],
        ["| itq_pixels", "24", "hamming"],
    ]


def _script_rows(name: str) -> tuple[dict[str, str], list[str]]:
    """An experiment script's rows (name -> overrides) and default order, as bash reads them."""
    script = (Path(__file__).parents[1] / "experiments" / name).read_text()
    order = re.search(r"^order=\$\{METHODS:-(.*)\}$", script, re.M)
    assert order is not None
    return _bash_array(script, "methods"), order.group(1).split()


def _bash_array(script: str, array: str, preamble: str = "") -> dict[str, str]:
    """The associative ``array`` declared in ``script``, as bash expands it after ``preamble``."""
    block = re.search(rf"^declare -A {array}=\(.*?^\)$", script, re.S | re.M)
    assert block is not None
    listing = f'for name in "${{!{array}[@]}}"; do echo "$name=${{{array}[$name]}}"; done'
    printed = subprocess.run(
        ["bash", "-c", f"{preamble}\n{block.group(0)}\n{listing}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return dict(line.split("=", 1) for line in printed.splitlines())


def test_every_real_image_row_composes_and_the_default_order_names_only_rows(tiny_config):
    rows, order = _script_rows("real_images.sh")
    assert set(order) <= set(rows)
    for name, overrides in rows.items():
        cfg = tiny_config(*overrides.split(), shallow=True)
        validate_config(cfg)
        if "_in_batch_" in name:
            assert cfg.loss._target_ == "ash_lightning.losses.InBatchPairs", name
            assert cfg.model.head.batch_norm is True and cfg.data.batch_size == 64, name
            assert cfg.optimizer._target_.endswith("Adam") and cfg.optimizer.lr == 0.0001, name


def test_the_search_drops_r_exactly_where_the_loss_ignores_it(tiny_config):
    rows, _ = _script_rows("tuned_comparison.sh")
    script = (Path(__file__).parents[1] / "experiments" / "tuned_comparison.sh").read_text()
    no_r = re.search(r"^no_r=.*$", script, re.M)
    assert no_r is not None
    preamble = f"{no_r.group(0)}\nath_space='r=interval(0.1,0.9)'"
    space = _bash_array(script, "space", preamble=preamble)
    assert set(space) <= set(rows)
    for name, overrides in rows.items():
        losses = [tiny_config(*overrides.split(), f"r={r}", shallow=True).loss for r in (0.3, 0.7)]
        reads_r = losses[0] != losses[1]
        assert reads_r == ("~hydra.sweeper.params.r" not in space.get(name, "")), name
        if "loss.margin=" in space.get(name, ""):
            assert "margin" in losses[0], name


def _tuned_comparison_calls(tmp_path: Path, methods: str, *overrides: str) -> list[str]:
    """The interpreter calls of ``tuned_comparison.sh`` (METHODS=``methods``), one line each.

    A stand-in interpreter logs each call; it composes the configuration for real (that is
    where the script reads K) and answers the best-trial query with a fixed value.
    """
    log = tmp_path / "calls.log"
    stand_in = tmp_path / "python"
    stand_in.write_text(
        "#!/usr/bin/env bash\n"
        f'echo "$*" >> {log}\n'
        f'case "$*" in *--cfg*) exec {sys.executable} "$@" ;;\n'
        "  -c*) echo optimizer.lr=0.001 ;;\nesac\n"
    )
    stand_in.chmod(0o755)
    script = Path(__file__).parents[1] / "experiments" / "tuned_comparison.sh"
    result = subprocess.run(
        ["bash", str(script), str(tmp_path / "tuned"), *overrides],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHON": str(stand_in), "METHODS": methods},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return log.read_text().splitlines()


@pytest.mark.parametrize(("bits", "interval"), [(None, "0.1,0.9"), ("48", "0.025,0.225")])
def test_ath_searches_the_same_margins_r_k_at_every_k(tmp_path, bits, interval):
    overrides = [] if bits is None else [f"bits={bits}"]
    calls = _tuned_comparison_calls(tmp_path, "ath ath_pretrained", *overrides)
    searches = [line for line in calls if "hparams_search=optuna" in line]
    assert len(searches) == 2
    ath, ath_pretrained = searches
    assert f"r=interval({interval})" in ath.split()
    # The pretrained ATH counts differing bits, so r K is a share of the K bits at every K.
    assert "r=interval(" not in ath_pretrained


def test_without_ath_no_override_has_to_fit_ath(tmp_path):
    # freeze_stages exists only on the pretrained trunks, not on ATH's network.
    calls = _tuned_comparison_calls(tmp_path, "ash_pretrained", "model.trunk.freeze_stages=5")
    assert not [line for line in calls if "--cfg" in line]
    assert len([line for line in calls if "hparams_search=optuna" in line]) == 1


def test_every_tuned_method_composes_and_trains_from_scratch_with_the_recipe_that_learns(
    tiny_config,
):
    rows, order = _script_rows("tuned_comparison.sh")
    assert set(order) == set(rows)
    for name, overrides in rows.items():
        cfg = tiny_config(*overrides.split(), shallow=True)
        validate_config(cfg)
        if not name.endswith("_pretrained") and name not in {"ath", "mirror", "agdh"}:
            assert cfg.loss._target_ == "ash_lightning.losses.InBatchPairs", name
            assert cfg.model.head.batch_norm is True and cfg.data.batch_size == 64, name


def _search_folder(
    root: Path, trials: list[tuple[float, float, float]], margins: list[float] | None = None
) -> Path:
    """A tuned method's search folder as the Optuna sweeper leaves it: (lr, r, score) a trial.

    With ``margins``, each trial also sets ``loss.margin``, as a search that sweeps it from the
    command line does: the trial's configured sweeper ``params`` do not name it.
    """
    params = {"optimizer.lr": "tag(log, interval(1e-5, 1e-2))", "r": "interval(0.1, 0.9)"}
    for number, (lr, r, score) in enumerate(trials):
        trial = root / "search" / str(number)
        (trial / ".hydra").mkdir(parents=True)
        task = [f"optimizer.lr={lr}", f"r={r}", "system=drh", "bits=12"]
        if margins is not None:
            task.append(f"loss.margin={margins[number]}")
        hydra = {"hydra": {"sweeper": {"params": params}, "overrides": {"task": task}}}
        (trial / ".hydra" / "hydra.yaml").write_text(yaml.safe_dump(hydra))
        (trial / "results.json").write_text(json.dumps({"selection": {"score": score}}))
    return root / "search"


def _search_trials(*folders: Path) -> subprocess.CompletedProcess[str]:
    script = Path(__file__).parents[1] / "experiments" / "search_trials.py"
    return subprocess.run(
        [sys.executable, str(script), *map(str, folders)], capture_output=True, text=True
    )


def test_search_trials_compare_only_the_settings_both_methods_ran(tmp_path):
    first = _search_folder(
        tmp_path / "ash_l", [(1e-3, 0.5, 0.80), (2e-4, 0.3, 0.70), (5e-3, 0.2, 0.60)]
    )
    second = _search_folder(
        tmp_path / "drh", [(2e-4, 0.3, 0.75), (1e-3, 0.5, 0.78), (1e-3, 0.4, 0.99)]
    )
    result = _search_trials(first, second)
    assert result.returncode == 0, result.stderr
    differences = [0.80 - 0.78, 0.70 - 0.75]
    mean, std = statistics.fmean(differences), statistics.stdev(differences)
    summary = f"ash_l - drh: {mean:+.3f} ± {std:.3f} over 2 shared settings; ash_l ahead in 1 of 2"
    assert result.stdout.rstrip().endswith(summary)
    assert "| optimizer.lr=0.001, r=0.5 | 0.800 | 0.780 | +0.020 |" in result.stdout


def test_search_trials_list_one_search_best_first(tmp_path):
    search = _search_folder(tmp_path / "dpsh", [(1e-3, 0.5, 0.70), (2e-4, 0.3, 0.75)])
    result = _search_trials(search)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[2:] == [
        "| optimizer.lr=0.0002, r=0.3 | 0.750 |",
        "| optimizer.lr=0.001, r=0.5 | 0.700 |",
    ]


def test_search_trials_list_values_swept_from_the_command_line(tmp_path):
    search = _search_folder(
        tmp_path / "mirror", [(1e-3, 0.5, 0.70), (2e-4, 0.5, 0.75)], margins=[0.25, 0.48]
    )
    unfinished = _search_trials(search)
    assert unfinished.returncode == 0, unfinished.stderr
    expected = [
        "| loss.margin=0.48, optimizer.lr=0.0002, r=0.5 | 0.750 |",
        "| loss.margin=0.25, optimizer.lr=0.001, r=0.5 | 0.700 |",
    ]
    assert unfinished.stdout.splitlines()[2:] == expected
    best = {"optimizer.lr": 2e-4, "loss.margin": 0.48, "r": 0.5}
    (search / "optimization_results.yaml").write_text(
        yaml.safe_dump({"name": "optuna", "best_params": best, "best_value": 0.75})
    )
    finished = _search_trials(search)
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.splitlines()[2:] == expected


def test_search_trials_name_what_is_missing(tmp_path):
    first = _search_folder(tmp_path / "ash_l", [(1e-3, 0.5, 0.80)])
    second = _search_folder(tmp_path / "drh", [(2e-4, 0.3, 0.75)])
    assert "share no searched setting" in _search_trials(first, second).stderr
    empty = tmp_path / "dpsh" / "search"
    empty.mkdir(parents=True)
    result = _search_trials(first, empty)
    assert result.returncode == 1
    assert f"no finished trial (*/results.json) under {empty}" in result.stderr
