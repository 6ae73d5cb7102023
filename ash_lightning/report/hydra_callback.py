"""Hydra callback that writes the comparison report when a multirun ends."""

from pathlib import Path
from typing import Any

from hydra.experimental.callback import Callback
from omegaconf import DictConfig

from ash_lightning.report.collect import NoResultsError
from ash_lightning.report.report import build_report


class ReportOnMultirunEnd(Callback):
    """Run :func:`build_report` on the sweep folder at the end of a multirun.

    Used by the ``experiment=paper_*`` configs so that a finished comparison sweep comes
    with its Table I / Table II / Fig. 3 shapes already written.

    Args:
        metric_k: The k of the Fig. 3 metrics.
    """

    def __init__(self, metric_k: int = 10) -> None:
        self.metric_k = metric_k

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        """Write ``report.md``, the CSV tables and the Fig. 3 PNGs into the sweep folder."""
        sweep_dir = Path(config.hydra.sweep.dir)
        try:
            paths = build_report([sweep_dir], sweep_dir, metric_k=self.metric_k)
        except NoResultsError as error:
            print(f"\nno comparison report: {error}")
            return
        print(f"\ncomparison report: {paths.markdown}")
