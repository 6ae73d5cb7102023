"""At the end of a multirun, tabulate one metric over two swept keys (the paper's Table I)."""

import csv
import io
import statistics
from collections import defaultdict
from pathlib import Path
from typing import Any

from hydra.experimental.callback import Callback
from omegaconf import DictConfig

from ash_lightning.report.markdown import markdown_table
from ash_lightning.report.stats import Stats
from ash_lightning.retrieval.metric_keys import parse_metric_key
from ash_lightning.run.failed_jobs import failed_jobs
from ash_lightning.run.results_file import RESULTS_FILENAME, read_results

CHANCE = "random codes (chance)"


def _metric(results: dict[str, Any], metric: str) -> float:
    key = parse_metric_key(metric)
    return float(results["metrics"][key.stage]["metrics"][str(key.without(stage=True))])


def _chance(results: dict[str, Any], metric: str) -> float | None:
    """The same metric of random codes of the run's length on the same queries, if recorded."""
    name = str(parse_metric_key(metric).without(stage=True))
    value = results["metrics"].get("random_codes", {}).get("metrics", {}).get(name)
    return None if value is None else float(value)


def _method_table(
    cells: dict[tuple[Any, Any], list[float]], rows: str, columns: str, writer: Any
) -> str:
    row_values = sorted({row for row, _ in cells})
    column_values = sorted({column for _, column in cells})
    column_name = "K" if columns == "bits" else columns
    markdown_rows = []
    writer.writerow([rows, *column_values])
    for row in row_values:
        values = [cells.get((row, column), []) for column in column_values]
        markdown_rows.append([str(row), *(Stats.of(v).text() if v else "—" for v in values)])
        writer.writerow([row, *(f"{statistics.mean(v):.6f}" if v else "" for v in values)])
    header = [rows, *(f"{column_name} = {value}" for value in column_values)]
    return markdown_table(header, markdown_rows)


def summarize_sweep(sweep_dir: Path, rows: str, columns: str, metric: str) -> tuple[str, str]:
    """Markdown and CSV tables of ``metric``: a row per ``rows`` value, a column per ``columns``.

    Every run folder under ``sweep_dir`` with a ``results.json`` contributes, one table per
    method; runs that share a cell (e.g. several seeds) are shown as mean ± standard
    deviation with their count. A last table gives the chance level: the same metric of
    random codes of each run's length on the same queries.

    Args:
        sweep_dir: The multirun folder.
        rows: Top-level config key on the rows (e.g. ``r``).
        columns: Top-level config key on the columns (e.g. ``bits``).
        metric: ``stage/name`` in ``results.json``, e.g. ``test/mAP@10``.

    Returns:
        ``(markdown, csv_text)``.

    Raises:
        FileNotFoundError: No finished run under ``sweep_dir``.
    """
    cells: dict[str, dict[tuple[Any, Any], list[float]]] = defaultdict(lambda: defaultdict(list))
    for results_path in sorted(sweep_dir.glob(f"*/{RESULTS_FILENAME}")):
        results = read_results(results_path.parent)
        config = results["config"]
        method = results.get("method", "model")
        cells[method][(config[rows], config[columns])].append(_metric(results, metric))
        chance = _chance(results, metric)
        if chance is not None:
            cells[CHANCE][(config[rows], config[columns])].append(chance)
    if not cells:
        raise FileNotFoundError(f"no {RESULTS_FILENAME} in the run folders of {sweep_dir}")
    markdown = [f"{metric} over {rows} x {columns} ({sweep_dir})"]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for method, method_cells in sorted(
        cells.items(), key=lambda item: (item[0] == CHANCE, item[0])
    ):
        markdown += ["", f"{method}:", ""]
        writer.writerow([f"method={method}"])
        markdown.append(_method_table(method_cells, rows, columns, writer))
    failed = failed_jobs(sweep_dir)
    if failed:
        markdown += ["", f"{len(failed)} job(s) failed (error.txt in their folders):", ""]
        markdown += [f"- {line}" for line in failed]
    return "\n".join(markdown) + "\n", buffer.getvalue()


class SweepSummary(Callback):
    """Hydra callback: writes ``summary_<metric>.md`` and ``.csv`` in the sweep folder.

    Reproduces the shape of Table I of Fang et al., BIBM 2020 (rows r, columns K, cells
    mAP@10) for ``python -m ash_lightning -m r=0.3,0.5,0.7 bits=12,24,36,48``.

    Args:
        rows: Config key on the rows.
        columns: Config key on the columns.
        metric: Metric in ``results.json`` (``stage/name``).
    """

    def __init__(self, rows: str = "r", columns: str = "bits", metric: str = "test/mAP@10") -> None:
        self.rows = rows
        self.columns = columns
        self.metric = metric

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        """Write and print the summary of the finished sweep."""
        sweep_dir = Path(config.hydra.sweep.dir)
        try:
            markdown, csv_text = summarize_sweep(sweep_dir, self.rows, self.columns, self.metric)
        except FileNotFoundError as error:
            print(f"\nno sweep summary: {error}")
            return
        stem = "summary_" + self.metric.replace("/", "_").replace("@", "at")
        (sweep_dir / f"{stem}.md").write_text(markdown)
        (sweep_dir / f"{stem}.csv").write_text(csv_text)
        print("\n" + markdown + f"\nwritten: {sweep_dir / stem}.md, .csv")
