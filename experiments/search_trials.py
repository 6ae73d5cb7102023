"""The validation trials of a tuned method's search, alone or paired with another method's.

One search folder of experiments/tuned_comparison.sh: each trial's searched values and
selected val/mAP@10, best first, the source of the READMEs' statements about which settings
scored what.

Two folders: the trials that ran the same searched values. The search seeds its sampler, so
two methods with the same search space are proposed the same start-up trials (and, for ASH-L
and DRH, all 12). Their scores on those shared settings differ only by the method, which makes
the paired difference a sharper test of the attention than the two best rows. This prints
each shared setting's scores and the difference's mean ± std over them:

python experiments/search_trials.py multirun/tuned/dpsh/search
python experiments/search_trials.py multirun/tuned/ash_l/search multirun/tuned/drh/search
"""

import sys
from pathlib import Path

from omegaconf import OmegaConf

from ash_lightning.report.markdown import markdown_table
from ash_lightning.report.stats import Stats
from ash_lightning.run.results_file import RESULTS_FILENAME, read_results

Setting = tuple[tuple[str, str], ...]


def _searched_keys(search: Path, params: list[str], overrides: list[dict[str, str]]) -> list[str]:
    """The parameters the search varied, given its sweeper's ``params`` and each trial's overrides.

    The sweeper's configured ``params`` miss the ones swept from the command line (mirror
    attention's ``loss.margin=interval(...)``). A finished search names them all in its
    ``optimization_results.yaml``; an unfinished one is read from its trials: a task override
    whose value differs between them was searched.
    """
    keys = set(params)
    results = search / "optimization_results.yaml"
    if results.is_file():
        keys |= {str(key) for key in OmegaConf.load(results).best_params}
    else:
        keys |= {key for key in overrides[0] if len({task.get(key) for task in overrides}) > 1}
    return sorted(keys)


def trial_scores(search: Path) -> dict[Setting, float]:
    """Each finished trial's selected validation score, by its searched values.

    Raises:
        SystemExit: ``search`` holds no finished trial.
    """
    trials = sorted(path.parent for path in search.glob(f"*/{RESULTS_FILENAME}"))
    if not trials:
        raise SystemExit(f"no finished trial (*/{RESULTS_FILENAME}) under {search}")
    hydras = [OmegaConf.load(trial / ".hydra" / "hydra.yaml").hydra for trial in trials]
    overrides = [dict(str(item).split("=", 1) for item in hydra.overrides.task) for hydra in hydras]
    keys = _searched_keys(search, [str(key) for key in hydras[0].sweeper.params], overrides)
    return {
        tuple((key, task[key]) for key in keys): read_results(trial)["selection"]["score"]
        for trial, task in zip(trials, overrides, strict=True)
    }


def _label(setting: Setting) -> str:
    return ", ".join(f"{key}={float(value):.2g}" for key, value in setting)


def list_trials(search: Path) -> None:
    """Print one search's trials, best validation score first."""
    best_first = sorted(trial_scores(search).items(), key=lambda trial: trial[1], reverse=True)
    rows = [[_label(setting), f"{score:.3f}"] for setting, score in best_first]
    print(markdown_table(["searched values", f"{search.parent.name} val"], rows))


def compare_trials(first: Path, second: Path) -> None:
    """Print the shared settings' scores and the first method's paired lead over the second."""
    scores_a, scores_b = trial_scores(first), trial_scores(second)
    shared = [setting for setting in scores_a if setting in scores_b]
    if not shared:
        raise SystemExit(f"{first} and {second} share no searched setting")
    name_a, name_b = first.parent.name, second.parent.name
    differences = [scores_a[setting] - scores_b[setting] for setting in shared]
    rows = [
        [
            _label(setting),
            f"{scores_a[setting]:.3f}",
            f"{scores_b[setting]:.3f}",
            f"{difference:+.3f}",
        ]
        for setting, difference in zip(shared, differences, strict=True)
    ]
    header = ["searched values", f"{name_a} val", f"{name_b} val", "difference"]
    print(markdown_table(header, rows))
    lead = Stats.of(differences)
    ahead = sum(difference > 0 for difference in differences)
    print(
        f"\n{name_a} - {name_b}: {lead.mean:+.3f} ± {lead.std:.3f} over {lead.n} shared "
        f"settings; {name_a} ahead in {ahead} of {lead.n}"
    )


if __name__ == "__main__":
    if len(sys.argv) == 2:
        list_trials(Path(sys.argv[1]))
    elif len(sys.argv) == 3:
        compare_trials(Path(sys.argv[1]), Path(sys.argv[2]))
    else:
        raise SystemExit("usage: python experiments/search_trials.py SEARCH_DIR [SEARCH_DIR]")
