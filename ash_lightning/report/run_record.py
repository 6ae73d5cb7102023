"""One finished run, reduced to what the report tables and figures need."""

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class RunRecord:
    """The retrieval results of one training run (one seed of one cell).

    Attributes:
        path: The ``results.json`` it was read from.
        dataset: Dataset name, e.g. ``synthetic_asoct``.
        method: Method name, e.g. ``ash_u`` or ``dpsh_a``.
        bits: Hash-code length K.
        r: Weighting parameter r of the pairwise loss (Eq. 2).
        seed: The run's seed.
        convention: Metric convention (``standard`` or ``authors``).
        ranking: ``hamming`` (binary codes) or ``cosine`` (raw outputs).
        test: Test-query metrics, e.g. ``{"mAP@10": 0.7, ...}``.
        random_codes: The same metrics for random codes of the same length.
        timings: Timings in seconds (fit, encoding, index build, search).
        data_settings: The data size and image size the run used, as text.
    """

    path: Path
    dataset: str
    method: str
    bits: int
    r: float
    seed: int
    convention: str
    ranking: str
    test: Mapping[str, float]
    random_codes: Mapping[str, float]
    timings: Mapping[str, float]
    data_settings: str
