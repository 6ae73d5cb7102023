"""What a case index records: its cases, its header (``index.json``) and its errors.

A case is one indexed image with its labels and split; line ``i`` of a generation's cases
file (JSON lines) describes the code at position ``i`` of its Faiss index. The header ties
the stored codes to the network, code length and image preparation that made them (Fang et
al., BIBM 2020, §III: one hashing network encodes the database and the queries), names the
current generation's files with their SHA-256, and records how the index was built. Every
error of the package is a :class:`CaseIndexError` whose message is one line.
"""

import dataclasses
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ash_lightning.run.legacy_targets import upgrade_targets

FORMAT = "ash-case-index"
FORMAT_VERSION = 2
"""Version 2 added ``weights_sha256`` and ``header_sha256``; version 1 is still read."""
_READABLE_VERSIONS = (1, FORMAT_VERSION)
_ADDED_IN_VERSION_2 = {"weights_sha256": ""}
SPLIT_ADDED = "added"
"""The split of a case appended by ``ash-index add``."""


class CaseIndexError(ValueError):
    """An index folder that cannot be built, loaded or extended.

    The message is one line that names the folder or file and what is wrong with it.
    """


class IndexMismatchError(CaseIndexError):
    """A checkpoint whose weights, bits or preprocessing differ from those of an index.

    Codes from another network, code length or image preparation are not comparable with the
    stored ones, so such a checkpoint is refused.
    """


@dataclass(frozen=True)
class Case:
    """One indexed image: a case of the retrieval database.

    Attributes:
        path: Absolute path of the image file.
        labels: Its label names; empty when unknown (an added case without ``--label``).
        split: ``"database"``, ``"val"`` or ``"test"`` as the run assigns it, or ``"added"``.
    """

    path: str
    labels: tuple[str, ...]
    split: str

    def label_text(self) -> str:
        """The labels joined with ``|``, or ``-`` when none."""
        return "|".join(self.labels) or "-"


def write_cases(cases: Iterable[Case], path: Path) -> None:
    """Write one JSON object per case and line, in database order.

    Args:
        cases: The cases, in the order of their codes in the Faiss index.
        path: The file to write.
    """
    with path.open("w", encoding="utf-8") as stream:
        for case in cases:
            record = {"path": case.path, "labels": list(case.labels), "split": case.split}
            stream.write(json.dumps(record, ensure_ascii=False) + "\n")


def parse_cases(text: str, source: str) -> list[Case]:
    """Parse the content of a cases file written by :func:`write_cases`.

    Args:
        text: The file's content.
        source: The file, for error messages.

    Returns:
        The cases, in database order.

    Raises:
        CaseIndexError: A line is not a case record.
    """
    cases = []
    for number, line in enumerate(text.splitlines(), start=1):
        try:
            record = json.loads(line)
            cases.append(
                Case(str(record["path"]), tuple(map(str, record["labels"])), str(record["split"]))
            )
        except (json.JSONDecodeError, KeyError, TypeError) as error:
            raise CaseIndexError(f"{source}, line {number}: not a case record ({error})") from error
    return cases


def now_utc() -> str:
    """The current time, ISO 8601 in UTC to the second (the header's ``created``/``updated``)."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass(frozen=True)
class IndexHeader:
    """The content of ``index.json`` (besides ``format`` and ``format_version``).

    Attributes:
        generation: Incremented by every change; part of the data files' names.
        count: Cases in the index (Faiss ``ntotal`` and lines of the cases file).
        files: ``codes`` (Faiss binary index) and ``cases`` (JSON lines) file names.
        sha256: SHA-256 of each of ``files``, checked on loading.
        bits: Code length K (codes are stored zero-padded to a multiple of 64 bits).
        index_type: ``flat``, ``multihash`` or ``ivf``.
        index_params: The kind's parameters (see :mod:`ash_lightning.index.kinds`).
        checkpoint: Absolute path of the checkpoint that encoded the cases.
        checkpoint_sha256: Its file's SHA-256 (what ties a version-1 index to its weights).
        weights_sha256: Digest of the network's weights
            (:func:`~ash_lightning.nn.weights_digest.weights_sha256`); empty in version-1
            headers.
        method: The run's method (e.g. ``ash_u``).
        model: The run's model configuration.
        preprocessing: ``image_size``, ``channels``, ``crop_black_border`` of the run.
        class_names: The run's class names.
        data: Where the built cases came from (``source``, ``root``, ``labels_file``, ...).
        package_version: ``ash_lightning`` version that built the index.
        created: Build time, ISO 8601 (UTC).
        updated: Time of the last change, ISO 8601 (UTC).
    """

    generation: int
    count: int
    files: dict[str, str]
    sha256: dict[str, str]
    bits: int
    index_type: str
    index_params: dict[str, int]
    checkpoint: str
    checkpoint_sha256: str
    weights_sha256: str
    method: str
    model: dict[str, Any]
    preprocessing: dict[str, Any]
    class_names: tuple[str, ...]
    data: dict[str, Any]
    package_version: str
    created: str
    updated: str

    def to_json(self) -> dict[str, Any]:
        """The JSON object of ``index.json``: format fields first, its own checksum last."""
        fields = dataclasses.asdict(self)
        fields["class_names"] = list(self.class_names)
        payload = {"format": FORMAT, "format_version": FORMAT_VERSION, **fields}
        return {**payload, "header_sha256": _header_digest(payload)}

    @classmethod
    def from_json(cls, payload: dict[str, Any], source: str) -> "IndexHeader":
        """Read ``index.json``'s object, checking its format.

        Args:
            payload: The parsed JSON.
            source: The file, for error messages.

        Returns:
            The header.

        Raises:
            CaseIndexError: Not an index header, another format version, fields missing or
                of the wrong type, or a header whose content does not match its
                ``header_sha256`` (edited by hand or damaged).

        The model configuration's legacy ``_target_`` paths are renamed to public names. A
        version-1 header (no checksum of its own) is read with an empty ``weights_sha256``.
        """
        if not isinstance(payload, dict) or payload.get("format") != FORMAT:
            raise CaseIndexError(f"{source} is not an ash-index header")
        version = payload.get("format_version")
        if version not in _READABLE_VERSIONS:
            raise CaseIndexError(
                f"{source} has format version {version}; this ash_lightning reads versions "
                f"{', '.join(map(str, _READABLE_VERSIONS))}: rebuild the index"
            )
        if version == 1 and "header_sha256" in payload:
            raise CaseIndexError(f"{source}: a version-1 header has no header_sha256; damaged")
        checked = {**_ADDED_IN_VERSION_2, **payload} if version == 1 else payload
        names = [field.name for field in dataclasses.fields(cls)]
        missing = [name for name in names if name not in checked]
        if missing:
            raise CaseIndexError(f"{source} lacks {', '.join(missing)}")
        values = {name: checked[name] for name in names}
        _check_field_types(values, source)
        if version != 1:
            content = {key: value for key, value in payload.items() if key != "header_sha256"}
            if payload.get("header_sha256") != _header_digest(content):
                raise CaseIndexError(
                    f"{source} does not match its header_sha256: the header was edited or is "
                    "damaged"
                )
        values["class_names"] = tuple(values["class_names"])
        values["model"] = upgrade_targets(values["model"])
        return cls(**values)


_FIELD_TYPES: dict[str, type] = {
    "generation": int,
    "count": int,
    "bits": int,
    "files": dict,
    "sha256": dict,
    "index_type": str,
    "index_params": dict,
    "checkpoint": str,
    "checkpoint_sha256": str,
    "weights_sha256": str,
    "method": str,
    "model": dict,
    "preprocessing": dict,
    "class_names": list,
    "data": dict,
    "package_version": str,
    "created": str,
    "updated": str,
}


def _header_digest(payload: dict[str, Any]) -> str:
    """SHA-256 of a header's fields as canonical JSON (sorted keys, no spaces)."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _check_field_types(values: dict[str, Any], source: str) -> None:
    """Refuse a header whose fields have the wrong JSON type (e.g. ``"bits": "12"``)."""
    for name, expected in _FIELD_TYPES.items():
        value = values[name]
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise CaseIndexError(
                f"{source}: {name} is {value!r}, not a JSON {expected.__name__}; the header "
                "was edited or is damaged"
            )
    for role in ("codes", "cases"):
        if not isinstance(values["files"].get(role), str):
            raise CaseIndexError(f"{source}: files.{role} is missing; the header is damaged")
    if not all(isinstance(name, str) for name in values["class_names"]):
        raise CaseIndexError(f"{source}: class_names must be strings; the header is damaged")
