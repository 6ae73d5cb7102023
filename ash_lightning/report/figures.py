"""Fig. 3 of Fang et al., BIBM 2020: mHR, mAP and mRR at top-k over the hash-code bits K."""

import math
from pathlib import Path

from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ash_lightning.report.fig3_data import Curve, Fig3Data
from ash_lightning.report.plot_styles import (
    RANDOM_CODES_STYLE,
    LineStyle,
    has_paper_color,
    method_style,
)

PANEL_SIZE_IN = 4.2
LEGEND_WIDTH_IN = 2.4
DODGE_BITS = 0.25
"""Horizontal offset between curves, in bits, so that error bars do not hide each other."""
DPI = 120


def _styles(data: Fig3Data) -> list[tuple[Curve, LineStyle]]:
    styled = []
    unknown = 0
    for index, curve in enumerate(data.curves):
        method = curve.method or ""
        styled.append((curve, method_style(method, index, unknown)))
        unknown += not has_paper_color(method)
    if data.random_codes:
        styled.append((data.random_codes, RANDOM_CODES_STYLE))
    return styled


def _draw(
    axis: Axes, curve: Curve, style: LineStyle, metric: str, bits: tuple[int, ...], offset: float
) -> None:
    points = [(k, curve.points[(metric, k)]) for k in bits if (metric, k) in curve.points]
    if not points:
        return
    axis.errorbar(
        [k + offset for k, _ in points],
        [stats.mean for _, stats in points],
        yerr=[0.0 if math.isnan(stats.std) else stats.std for _, stats in points],
        label=curve.label,
        color=style.color,
        linestyle=style.linestyle,
        marker=style.marker or None,
        markersize=5,
        linewidth=1.6,
        capsize=3,
    )


def fig3_caption(data: Fig3Data) -> str:
    """The figure's caption: what it shows, which group, which r, what the error bars are."""
    return (
        f"Fig. 3 shape: mHR, mAP and mRR over the hash-code bits K ({data.group.label()}; "
        f"r = {data.preferred_r:g}; mean ± sample standard deviation over seeds)."
    )


def fig3_figure(data: Fig3Data) -> Figure:
    """One panel per metric, one line per method, with error bars of the std over seeds.

    The title is the caption of :func:`fig3_caption`, written beside the figure, not in it.

    Args:
        data: Fig. 3's curves of one (dataset, convention, ranking) group.

    Returns:
        The figure.
    """
    figure = Figure(
        figsize=(PANEL_SIZE_IN * len(data.metrics) + LEGEND_WIDTH_IN, PANEL_SIZE_IN),
        layout="constrained",
    )
    FigureCanvasAgg(figure)
    axes = figure.subplots(1, len(data.metrics), squeeze=False)[0]
    styled = _styles(data)
    middle = (len(styled) - 1) / 2
    for axis, metric in zip(axes, data.metrics, strict=True):
        for index, (curve, style) in enumerate(styled):
            _draw(axis, curve, style, metric, data.bits, (index - middle) * DODGE_BITS)
        axis.set_xlabel("hash-code bits K")
        axis.set_ylabel(metric)
        axis.set_xticks(data.bits)
        axis.grid(alpha=0.3)
    legend: dict[str, Artist] = {}
    for axis in axes:
        handles, labels = axis.get_legend_handles_labels()
        legend.update(zip(labels, handles, strict=True))
    figure.legend(legend.values(), legend.keys(), loc="outside right center", fontsize="small")
    return figure


def plot_fig3(data: Fig3Data, path: Path) -> Path:
    """Write Fig. 3 as a PNG at ``path`` and as a vector PDF beside it.

    Args:
        data: Fig. 3's curves of one (dataset, convention, ranking) group.
        path: The PNG to write.

    Returns:
        The PDF written beside it.
    """
    figure = fig3_figure(data)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=DPI)
    vector = path.with_suffix(".pdf")
    figure.savefig(vector)
    return vector
