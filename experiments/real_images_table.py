"""The table of experiments/real_images.sh: mean ± std over seeds, a row per method folder and K.

python experiments/real_images_table.py multirun/real_images
"""

import sys
from pathlib import Path
from typing import Any

from ash_lightning.report.markdown import markdown_table
from ash_lightning.report.stats import Stats
from ash_lightning.run.results_file import read_results

COLUMNS = (
    "K",
    "ranking",
    "mAP@10",
    "tie-aware mAP@10",
    "cosine mAP@10 of the same outputs",
    "random codes mAP@10",
    "distinct database codes",
)


def _stats(values: list[float], digits: int = 3) -> str:
    return Stats.of(values).text(digits) if values else "—"


def _row(name: str, runs: list[dict[str, Any]]) -> list[str]:
    """One method's cells; a cosine-ranked run (the kNN reference) has no tie-aware value."""
    ranking = runs[0]["metrics"]["test"]["ranking"]
    test = [run["metrics"]["test"]["metrics"] for run in runs]
    hamming = ranking == "hamming"
    return [
        name,
        str(runs[0]["bits"]),
        ranking,
        _stats([metrics["mAP@10"] for metrics in test]),
        _stats([m["tie_aware/mAP@10"] for m in test if hamming and "tie_aware/mAP@10" in m]),
        _stats([m["cosine/mAP@10"] for m in test if "cosine/mAP@10" in m]),
        _stats([run["metrics"]["random_codes"]["metrics"]["mAP@10"] for run in runs]),
        _stats([run["code_statistics"]["test"]["distinct_codes"] for run in runs], 0)
        if hamming
        else "—",
    ]


def main(out: Path) -> None:
    """Print the table of every method folder under ``out`` that holds finished seeds."""
    rows = []
    for method in sorted(path for path in out.iterdir() if path.is_dir()):
        by_bits: dict[int, list[dict[str, Any]]] = {}
        for path in sorted(method.rglob("results.json")):
            run = read_results(path.parent)
            by_bits.setdefault(int(run["bits"]), []).append(run)
        rows += [_row(method.name, by_bits[bits]) for bits in sorted(by_bits)]
    print(markdown_table(["method", *COLUMNS], rows, left_columns=3))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
