"""The flat summary of a finished run that trackers show beside its curves."""

from typing import Any

from ash_lightning.retrieval.metric_keys import with_prefix


def run_summary(results: dict[str, Any]) -> dict[str, float | str]:
    """Final metrics (test, or validation for a tuning trial), the selected epoch, timings.

    Args:
        results: What :func:`ash_lightning.run.train` wrote to ``results.json``.

    Returns:
        ``test/mAP@10``-style metrics and code statistics, ``val/...``,
        ``selection/epoch``, ``selection/score``, ``selection/monitor`` and ``timings_s/...``.
    """
    summary: dict[str, float | str] = {}
    for stage in ("test", "val"):
        entry = results["metrics"].get(stage)
        if entry:
            summary.update(with_prefix(entry["metrics"], stage))
    for stage, statistics in results.get("code_statistics", {}).items():
        summary.update(with_prefix(statistics, stage))
    selection = results.get("selection")
    if selection:
        summary.update(
            {
                "selection/epoch": float(selection["epoch"]),
                "selection/score": float(selection["score"]),
                "selection/monitor": str(selection["monitor"]),
            }
        )
    summary.update(with_prefix(results.get("timings_s", {}), "timings_s"))
    return summary
