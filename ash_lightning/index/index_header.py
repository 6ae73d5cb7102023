"""``index.json``: what an index folder holds and how its codes were made.

The header ties the stored codes to the network, code length and image preparation that made
them (Fang et al., BIBM 2020, §III: database and query codes must come from the same hashing
network), names the current generation's files with their SHA-256, and records how the
index was built. See :mod:`ash_lightning.index.index_store` for the folder layout.
"""

import dataclasses
from dataclasses import dataclass
from typing import Any

from ash_lightning.index.errors import CaseIndexError

FORMAT = "ash-case-index"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class IndexHeader:
    """The content of ``index.json`` (besides ``format`` and ``format_version``).

    Reference: Fang et al., BIBM 2020, §III (one network encodes database and queries).

    Attributes:
        generation: Incremented by every change; part of the data files' names.
        count: Cases in the index (Faiss ``ntotal`` and lines of the cases file).
        files: ``codes`` (Faiss binary index) and ``cases`` (JSON lines) file names.
        sha256: SHA-256 of each of ``files``, checked on loading.
        bits: Code length K (codes are stored zero-padded to a multiple of 64 bits).
        index_type: ``flat``, ``multihash`` or ``ivf``.
        index_params: The kind's parameters (see :mod:`ash_lightning.index.index_kinds`).
        checkpoint: Absolute path of the checkpoint that encoded the cases.
        checkpoint_sha256: Its SHA-256.
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
    method: str
    model: dict[str, Any]
    preprocessing: dict[str, Any]
    class_names: tuple[str, ...]
    data: dict[str, Any]
    package_version: str
    created: str
    updated: str

    def to_json(self) -> dict[str, Any]:
        """The JSON object of ``index.json``, format fields first.

        Reference: Fang et al., BIBM 2020, §III (the stored database of the retrieval stage).
        """
        fields = dataclasses.asdict(self)
        fields["class_names"] = list(self.class_names)
        return {"format": FORMAT, "format_version": FORMAT_VERSION, **fields}

    @classmethod
    def from_json(cls, payload: dict[str, Any], source: str) -> "IndexHeader":
        """Read ``index.json``'s object, checking its format.

        Reference: Fang et al., BIBM 2020, §III.

        Args:
            payload: The parsed JSON.
            source: The file, for error messages.

        Returns:
            The header.

        Raises:
            CaseIndexError: Not an index header, another format version, or fields missing.
        """
        if not isinstance(payload, dict) or payload.get("format") != FORMAT:
            raise CaseIndexError(f"{source} is not an ash-index header")
        if payload.get("format_version") != FORMAT_VERSION:
            raise CaseIndexError(
                f"{source} has format version {payload.get('format_version')}; this "
                f"ash_lightning reads version {FORMAT_VERSION}: rebuild the index"
            )
        names = [field.name for field in dataclasses.fields(cls)]
        missing = [name for name in names if name not in payload]
        if missing:
            raise CaseIndexError(f"{source} lacks {', '.join(missing)}")
        values = {name: payload[name] for name in names}
        values["class_names"] = tuple(values["class_names"])
        return cls(**values)
