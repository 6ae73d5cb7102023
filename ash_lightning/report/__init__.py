"""Tables and figures of Fang et al., BIBM 2020, regenerated from finished sweep folders.

``build_report`` reads every run's ``results.json``, averages the seeds of each
(dataset, method, bits K, r) cell and writes the shapes of the paper's Table I,
Table II and Fig. 3 as Markdown, CSV and PNG, without retraining anything.
"""

from ash_lightning.report.collect import NoResultsError
from ash_lightning.report.report import ReportPaths, build_report

__all__ = ["NoResultsError", "ReportPaths", "build_report"]
