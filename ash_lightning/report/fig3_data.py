"""The content of Fig. 3 of Fang et al., BIBM 2020: mHR, mAP and mRR at top-k over K."""

import math
from collections.abc import Mapping
from dataclasses import dataclass

from ash_lightning.report.aggregate import Group, GroupKey
from ash_lightning.report.methods import display_name
from ash_lightning.report.stats import Stats
from ash_lightning.retrieval.metric_keys import metric_key

FIG3_METRICS = ("mHR", "mAP", "mRR")
RANDOM_CODES = "random codes"


@dataclass(frozen=True)
class Curve:
    """One line of a Fig. 3 panel set: a method at one r, or the random-code reference.

    Attributes:
        label: Legend label; names r when it differs from the preferred one.
        method: Method name, or None for the random codes.
        points: ``{(metric, bits): Stats}``.
    """

    label: str
    method: str | None
    points: Mapping[tuple[str, int], Stats]


@dataclass(frozen=True)
class Fig3Data:
    """Fig. 3 of one group.

    Attributes:
        group: Dataset, convention and ranking.
        metrics: The panels' metrics, e.g. ``("mHR@10", "mAP@10", "mRR@10")``.
        bits: The K values on the x axis.
        preferred_r: The r whose cells are shown when a method has several.
        curves: One per method, in display order.
        random_codes: The random-code reference, or None if no run recorded it.
    """

    group: GroupKey
    metrics: tuple[str, ...]
    bits: tuple[int, ...]
    preferred_r: float
    curves: tuple[Curve, ...]
    random_codes: Curve | None


def curve_label(method: str, r: float, preferred_r: float) -> str:
    """``ASH-U``, or ``ASH-U (r=0.3)`` when its runs are not at the preferred r."""
    name = display_name(method)
    return name if math.isclose(r, preferred_r) else f"{name} (r={r:g})"


def fig3_data(group: Group, metric_k: int, preferred_r: float) -> Fig3Data:
    """Collect Fig. 3's curves of ``group`` at top-``metric_k``.

    The paper fixes r = 0.5 for Fig. 3 (§IV-B); a method run at several r values
    contributes its ``preferred_r`` cells, or those of its closest r.

    Args:
        group: The seed-averaged cells.
        metric_k: Length of the returned list (10 in the paper).
        preferred_r: The r to show.

    Returns:
        The curves of the three panels.
    """
    metrics = tuple(metric_key(name, metric_k) for name in FIG3_METRICS)
    bits = tuple(group.bits())
    curves = []
    for method in group.methods():
        r = group.chosen_r(method, preferred_r)
        if r is None:
            continue
        points = {
            (metric, k): stats
            for metric in metrics
            for k in bits
            if (stats := group.stats(method, k, r, metric)) is not None
        }
        curves.append(Curve(curve_label(method, r, preferred_r), method, points))
    random_points = {
        (metric, k): group.random_codes[k][metric]
        for metric in metrics
        for k in bits
        if metric in group.random_codes.get(k, {})
    }
    random_codes = Curve(RANDOM_CODES, None, random_points) if random_points else None
    return Fig3Data(group.key, metrics, bits, preferred_r, tuple(curves), random_codes)
