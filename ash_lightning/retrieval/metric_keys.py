"""The names of logged and recorded metrics: ``[stage/][ranking/]metric@k[/class]``.

Every producer (the metric functions, the evaluation, the retrieval callback) and every
consumer (the fit, the printed table, the report, the sweep summary) builds and reads these
names here, so their grammar has one owner. Examples: ``mAP@10``, ``NDCG@5``,
``mAP@10/grade_3``, ``cosine/mAP@10``, ``test/cosine/mAP@10/grade_3``,
``tie_aware/mAP@10``.

The rankings: ``hamming`` (binarised codes by Hamming distance, ties broken by database
position), ``cosine`` (real-valued outputs by cosine distance) and ``tie_aware`` (the
Hamming ranking's expected metrics under uniformly random tie-breaking, see
:mod:`ash_lightning.retrieval.tie_aware`).
"""

from collections.abc import Mapping
from dataclasses import dataclass, replace

STAGES = ("train", "val", "test")
TIE_AWARE = "tie_aware"
RANKINGS = ("hamming", "cosine", TIE_AWARE)
_SEPARATOR = "/"
_AT = "@"


@dataclass(frozen=True)
class MetricKey:
    """One metric name, taken apart.

    Attributes:
        metric: The metric, e.g. ``mAP``, ``mHR``, ``mRR``, ``NDCG``.
        k: The cut-off.
        stage: ``val`` or ``test`` when the name is logged by a stage, else None.
        ranking: ``hamming``, ``cosine`` or ``tie_aware`` when the name is another
            ranking's, else None.
        class_name: The query class of a per-class value, else None.
    """

    metric: str
    k: int
    stage: str | None = None
    ranking: str | None = None
    class_name: str | None = None

    def __str__(self) -> str:
        parts = [self.stage, self.ranking, f"{self.metric}{_AT}{self.k}", self.class_name]
        return _SEPARATOR.join(part for part in parts if part is not None)

    def without(self, stage: bool = False, ranking: bool = False) -> "MetricKey":
        """The same key with its stage and/or ranking dropped."""
        return replace(
            self,
            stage=None if stage else self.stage,
            ranking=None if ranking else self.ranking,
        )


def metric_key(
    metric: str,
    k: int,
    stage: str | None = None,
    ranking: str | None = None,
    class_name: str | None = None,
) -> str:
    """The name of one metric value, e.g. ``metric_key("mAP", 10, stage="test")``."""
    return str(MetricKey(metric, k, stage, ranking, class_name))


def parse_metric_key(name: str) -> MetricKey:
    """Take a metric name apart.

    Raises:
        ValueError: ``name`` is not ``[stage/][ranking/]metric@k[/class]``.
    """
    parts = name.split(_SEPARATOR)
    positions = [index for index, part in enumerate(parts) if _AT in part]
    if not positions:
        raise ValueError(f"not a metric name (no metric@k): {name!r}")
    at = positions[0]
    metric, _, k = parts[at].partition(_AT)
    prefix, suffix = parts[:at], parts[at + 1 :]
    stage = prefix.pop(0) if prefix and prefix[0] in STAGES else None
    ranking = prefix.pop(0) if prefix and prefix[0] in RANKINGS else None
    if prefix or not metric or not k.isdigit() or any(not part for part in suffix):
        raise ValueError(f"not a metric name ([stage/][ranking/]metric@k[/class]): {name!r}")
    class_name = _SEPARATOR.join(suffix) if suffix else None
    return MetricKey(metric, int(k), stage, ranking, class_name)


def is_metric_key(name: str) -> bool:
    """Whether ``name`` is a metric name (not, e.g., a timing such as ``test/search_s``)."""
    try:
        parse_metric_key(name)
    except ValueError:
        return False
    return True


def stage_name(stage: str, name: str) -> str:
    """``name`` (a metric or a timing) as logged by ``stage``: ``stage/name``."""
    return f"{stage}{_SEPARATOR}{name}"


def with_prefix(values: Mapping[str, float], prefix: str) -> dict[str, float]:
    """Every name of ``values`` under ``prefix`` (a stage or a ranking): ``prefix/name``."""
    return {f"{prefix}{_SEPARATOR}{name}": value for name, value in values.items()}


def under_prefix(values: Mapping[str, float], prefix: str) -> dict[str, float]:
    """The values whose names start with ``prefix/`` (a stage or a ranking), without it."""
    head = f"{prefix}{_SEPARATOR}"
    return {
        name.removeprefix(head): value for name, value in values.items() if name.startswith(head)
    }
