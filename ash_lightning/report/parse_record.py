"""Turn the content of a ``results.json`` into a ``RunRecord``, or say what it lacks."""

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ash_lightning.report.run_record import RunRecord

UNKNOWN = "unknown"


class IncompleteResults(ValueError):
    """A ``results.json`` without a field the report needs."""


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _required(results: Mapping[str, Any], key: str, fallback: Any = None) -> Any:
    value = results.get(key, fallback)
    if value is None:
        raise IncompleteResults(f"no {key!r}")
    return value


def _integer(results: Mapping[str, Any], key: str, fallback: Any = None) -> int:
    value = _required(results, key, fallback)
    if not _is_number(value) or int(value) != value:
        raise IncompleteResults(f"{key!r} is not an integer: {value!r}")
    return int(value)


def _metric_values(entry: Any, stage: str) -> dict[str, float]:
    values = _mapping(_mapping(entry).get("metrics"))
    for name, value in values.items():
        if not _is_number(value):
            raise IncompleteResults(f"{stage} metric {name!r} is not a number: {value!r}")
    return {name: float(value) for name, value in values.items()}


def _dataset(results: Mapping[str, Any], config: Mapping[str, Any]) -> str:
    if isinstance(results.get("dataset"), str):
        return results["dataset"]
    kind = _mapping(config.get("data")).get("kind")
    return f"synthetic_{kind}" if isinstance(kind, str) else UNKNOWN


def _ranking(test_entry: Mapping[str, Any], config: Mapping[str, Any]) -> str:
    if isinstance(test_entry.get("ranking"), str):
        return test_entry["ranking"]
    binarize = _mapping(config.get("retrieval")).get("binarize")
    if isinstance(binarize, bool):
        return "hamming" if binarize else "cosine"
    return UNKNOWN


def _convention(test_entry: Mapping[str, Any], config: Mapping[str, Any]) -> str:
    convention = test_entry.get("convention", _mapping(config.get("metrics")).get("convention"))
    return convention if isinstance(convention, str) else UNKNOWN


def _data_settings(config: Mapping[str, Any]) -> str:
    data = _mapping(config.get("data"))
    settings = [f"{key}={data[key]}" for key in ("size", "image_size") if key in data]
    return ", ".join(settings) if settings else "unrecorded"


def record_from_results(results: Any, path: Path) -> RunRecord:
    """The record of one run, from the parsed ``results.json`` written by ``train``.

    Older files without ``dataset`` fall back to ``synthetic_<config.data.kind>``; a
    missing convention or ranking falls back to the run's config, else ``unknown``, so
    that such runs form their own group instead of joining another convention's.

    Args:
        results: The parsed JSON.
        path: Where it was read from.

    Returns:
        The run record.

    Raises:
        IncompleteResults: A field needed to place or score the run is missing.
    """
    if not isinstance(results, Mapping):
        raise IncompleteResults("not a JSON object")
    config = _mapping(results.get("config"))
    method = _required(results, "method")
    if not isinstance(method, str):
        raise IncompleteResults(f"'method' is not a name: {method!r}")
    r = _required(results, "r", config.get("r"))
    if not _is_number(r):
        raise IncompleteResults(f"'r' is not a number: {r!r}")
    if results.get("tested") is False:
        raise IncompleteResults("a tuning trial (test=false): never tested")
    metrics = _mapping(_required(results, "metrics"))
    test_entry = _mapping(metrics.get("test"))
    test = _metric_values(test_entry, "test")
    if not test:
        raise IncompleteResults("no test metrics")
    timings = _mapping(results.get("timings_s"))
    return RunRecord(
        path=path,
        dataset=_dataset(results, config),
        method=method,
        bits=_integer(results, "bits", config.get("bits")),
        r=float(r),
        seed=_integer(results, "seed", config.get("seed")),
        convention=_convention(test_entry, config),
        ranking=_ranking(test_entry, config),
        test=test,
        random_codes=_metric_values(metrics.get("random_codes"), "random-code"),
        timings={name: float(value) for name, value in timings.items() if _is_number(value)},
        data_settings=_data_settings(config),
    )
