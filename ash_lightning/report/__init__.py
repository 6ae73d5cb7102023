"""Tables and figures of Fang et al., BIBM 2020, regenerated from finished sweep folders.

``build_report`` reads every run's ``results.json``, averages the seeds of each
(dataset, method, bits K, r) cell and writes the shapes of the paper's Table I,
Table II and Fig. 3 as Markdown, CSV and PNG, without retraining anything. The Hydra
callbacks ``SweepSummary`` and ``ReportOnMultirunEnd`` do it at the end of a multirun.
The names are imported on first use, so that the run table does not import matplotlib.
"""

from typing import TYPE_CHECKING

from ash_lightning import lazy_exports

if TYPE_CHECKING:
    from ash_lightning.report.collect import NoResultsError
    from ash_lightning.report.hydra_callback import ReportOnMultirunEnd
    from ash_lightning.report.report import ReportPaths, build_report
    from ash_lightning.report.sweep_summary import SweepSummary

_MODULES = {
    "NoResultsError": "ash_lightning.report.collect",
    "ReportOnMultirunEnd": "ash_lightning.report.hydra_callback",
    "ReportPaths": "ash_lightning.report.report",
    "SweepSummary": "ash_lightning.report.sweep_summary",
    "build_report": "ash_lightning.report.report",
}

__all__ = [
    "NoResultsError",
    "ReportOnMultirunEnd",
    "ReportPaths",
    "SweepSummary",
    "build_report",
]

__getattr__ = lazy_exports(__name__, _MODULES)
