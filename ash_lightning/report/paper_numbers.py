"""The numbers Fang et al., BIBM 2020 print in Table I and Table II, as data.

They were measured on the paper's private ASOCT-Cataract and Fundus-iSee datasets, so
they are shown beside ours labelled ``PAPER_LABEL``, for the shape of the results, not
as values a synthetic stand-in should match. Fig. 3 is only a plot in the paper, with
no printed values, so no Fig. 3 numbers are given here.
"""

import math
from collections.abc import Mapping

PAPER_LABEL = "paper, private data"

ASOCT = "ASOCT-Cataract"
FUNDUS = "Fundus-iSee"

DATASETS: Mapping[str, str] = {
    "synthetic_asoct": ASOCT,
    "asoct": ASOCT,
    "synthetic_fundus": FUNDUS,
    "fundus_isee": FUNDUS,
    "fundus": FUNDUS,
}
"""Our dataset names -> the paper dataset they stand in for."""

METHODS: Mapping[str, str] = {
    "dpsh": "DPSH",
    "dsh": "DSH",
    "drh": "DRH",
    "ash_u": "ASH",
    "ash_l": "ASH",
}
"""Our method names -> the paper's row names. The paper's "ASH" is ASH-U on ASOCT-Cataract
and ASH-L on Fundus-iSee (§IV-B); either of our names is matched to it."""

TABLE_I_TOP_K = 10
"""Table I reports mAP over the top-10 returned list."""

TABLE_I: Mapping[str, Mapping[float, Mapping[int, float]]] = {
    ASOCT: {
        0.3: {12: 0.5918, 24: 0.7001, 36: 0.5261, 48: 0.5404},
        0.5: {12: 0.7000, 24: 0.8133, 36: 0.6230, 48: 0.8161},
        0.7: {12: 0.5047, 24: 0.6444, 36: 0.7439, 48: 0.8856},
    },
    FUNDUS: {
        0.3: {12: 0.6470, 24: 0.5057, 36: 0.5462, 48: 0.6226},
        0.5: {12: 0.6346, 24: 0.5678, 36: 0.5273, 48: 0.7233},
        0.7: {12: 0.6243, 24: 0.6205, 36: 0.6771, 48: 0.7528},
    },
}
"""Table I: mAP@10 of ASH; ``{dataset: {r (row): {K (column "K = 12"...): value}}}``."""

TABLE_II_BITS = 12
"""Table II reports hash codes of 12 bits."""

TABLE_II: Mapping[str, Mapping[str, Mapping[int, float]]] = {
    ASOCT: {
        "DPSH": {5: 0.4368, 10: 0.3785, 15: 0.3462, 20: 0.3262},
        "DSH": {5: 0.4950, 10: 0.3583, 15: 0.2888, 20: 0.2476},
        "DRH": {5: 0.5920, 10: 0.5023, 15: 0.4477, 20: 0.4099},
        "ASH": {5: 0.7985, 10: 0.7000, 15: 0.6240, 20: 0.5706},
    },
    FUNDUS: {
        "DPSH": {5: 0.5362, 10: 0.5154, 15: 0.5034, 20: 0.4983},
        "DSH": {5: 0.5664, 10: 0.5399, 15: 0.5301, 20: 0.5253},
        "DRH": {5: 0.5716, 10: 0.5428, 15: 0.5326, 20: 0.5288},
        "ASH": {5: 0.6490, 10: 0.6346, 15: 0.6272, 20: 0.6233},
    },
}
"""Table II: mAP at K = 12; ``{dataset: {method (row): {top-k (column "top-5"...): value}}}``."""


def paper_dataset(dataset: str) -> str | None:
    """The paper dataset ``dataset`` stands in for, or None."""
    return DATASETS.get(dataset)


def table_i_value(dataset: str, r: float, bits: int) -> float | None:
    """Table I's mAP@10 of ASH at ``r`` and ``bits`` for our ``dataset``, or None."""
    rows = TABLE_I.get(paper_dataset(dataset) or "", {})
    for paper_r, row in rows.items():
        if math.isclose(paper_r, r):
            return row.get(bits)
    return None


def table_ii_value(dataset: str, method: str, k: int) -> float | None:
    """Table II's mAP@k at K = 12 of our ``method`` on our ``dataset``, or None."""
    rows = TABLE_II.get(paper_dataset(dataset) or "", {})
    return rows.get(METHODS.get(method, ""), {}).get(k)
