"""Line styles of Fig. 3 of Fang et al., BIBM 2020.

ASH is red; LSH black, MHF cyan, DPSH green, DSH blue, DRH yellow; an attention variant
("-A") takes its baseline's colour with a dotted line; the others are solid (§IV-C).
"""

from dataclasses import dataclass

from ash_lightning.report.methods import base_method, is_ash, is_attention_variant

ASH_COLOR = "tab:red"
BASELINE_COLORS = {
    "lsh": "black",
    "itq": "tab:purple",
    "mhf": "tab:cyan",
    "dpsh": "tab:green",
    "dsh": "tab:blue",
    "drh": "goldenrod",
}
"""Colours of the paper's baselines (DRH's yellow darkened to stay legible on white)."""
OTHER_COLORS = ("tab:brown", "tab:pink", "tab:olive", "tab:orange", "darkslateblue", "teal")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "<", ">", "h")
RANDOM_CODES_COLOR = "grey"


@dataclass(frozen=True)
class LineStyle:
    """Colour, line style and marker of one curve."""

    color: str
    linestyle: str
    marker: str


RANDOM_CODES_STYLE = LineStyle(RANDOM_CODES_COLOR, "--", "")


def method_style(method: str, index: int, unknown_index: int) -> LineStyle:
    """The style of ``method``, the ``index``-th curve of its figure.

    Args:
        method: Method name.
        index: Position of the curve in the figure (picks the marker).
        unknown_index: How many curves without a paper colour came before this one.

    Returns:
        Red for ASH, the paper's colour for its baselines, another colour otherwise;
        dotted for attention variants, solid for the rest.
    """
    base = base_method(method)
    if is_ash(method):
        color = ASH_COLOR
    elif base in BASELINE_COLORS:
        color = BASELINE_COLORS[base]
    else:
        color = OTHER_COLORS[unknown_index % len(OTHER_COLORS)]
    linestyle = ":" if is_attention_variant(method) else "-"
    return LineStyle(color, linestyle, MARKERS[index % len(MARKERS)])


def has_paper_color(method: str) -> bool:
    """Whether ``method`` is drawn in one of the paper's colours."""
    return is_ash(method) or base_method(method) in BASELINE_COLORS
