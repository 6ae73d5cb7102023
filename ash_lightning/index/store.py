"""The case index in memory and on disk: generation files committed by renaming ``index.json``.

An index folder holds:

* ``codes-<generation>.faiss``: the Faiss binary index (``faiss.write_index_binary``) of the
  packed codes (:mod:`ash_lightning.index.kinds`);
* ``cases-<generation>.jsonl``: one JSON object per case (``path``, ``labels``, ``split``), line
  ``i`` describing the code at position ``i``;
* ``index.json``: the :class:`~ash_lightning.index.records.IndexHeader`, which names the
  current generation's two files and their SHA-256.

A change writes the next generation's files (each through a temporary name, flushed to disk),
then replaces ``index.json`` atomically, then removes the other generations' files. Whatever
the moment it is interrupted, ``index.json`` names a complete, consistent generation. Loading
checks the format, the files' checksums and that Faiss, the cases file and the header agree
on the number of cases and the code length; anything else is refused with one line. Changes
hold an exclusive ``flock`` on the folder, so two ``add`` runs never interleave.

This is the database of the retrieval stage of Fang et al., BIBM 2020 (§III): its codes are
computed once and searched for every query.
"""

import fcntl
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import faiss
import numpy as np

from ash_lightning.data.file_permissions import permissions
from ash_lightning.index.kinds import search_codes, set_search_parameters
from ash_lightning.index.records import (
    Case,
    CaseIndexError,
    IndexHeader,
    parse_cases,
    write_cases,
)
from ash_lightning.run.trained_run import file_sha256

HEADER_FILE = "index.json"
_DATA_PATTERNS = ("codes-*.faiss", "cases-*.jsonl")
_TEMPORARY_PATTERN = ".*.tmp"
_READ_ATTEMPTS = 3


@dataclass(frozen=True)
class Hit:
    """One retrieved case.

    Attributes:
        rank: 1 for the closest case.
        distance: Hamming distance between the query's code and the case's.
        position: The case's position in the index (the tie-breaker).
        case: The case.
    """

    rank: int
    distance: int
    position: int
    case: Case


@dataclass(frozen=True)
class CaseIndex:
    """The codes and cases of an index folder.

    Attributes:
        directory: The index folder.
        header: Its ``index.json``.
        faiss_index: The binary index; position ``i`` holds the code of ``cases[i]``.
        cases: The cases, in database order.
    """

    directory: Path
    header: IndexHeader
    faiss_index: faiss.IndexBinary
    cases: tuple[Case, ...]

    def search(self, query_code: np.ndarray, k: int) -> list[Hit]:
        """The top-k cases for one query code (order: see :mod:`ash_lightning.index.kinds`).

        Args:
            query_code: ``1 x B`` packed code (:func:`~ash_lightning.retrieval.codes.pack_bits`).
            k: Results wanted, at least 1; clipped to the number of cases.

        Returns:
            The hits, best first.
        """
        ((distances, positions),) = search_codes(self.faiss_index, query_code, k)
        return [
            Hit(rank, int(distance), int(position), self.cases[position])
            for rank, (distance, position) in enumerate(
                zip(distances, positions, strict=True), start=1
            )
        ]


def generation_files(generation: int) -> dict[str, str]:
    """The data file names of a generation.

    Args:
        generation: The generation number.

    Returns:
        ``{"codes": ..., "cases": ...}``.
    """
    return {"codes": f"codes-{generation:06d}.faiss", "cases": f"cases-{generation:06d}.jsonl"}


def _write_durably(path: Path, write: Callable[[Path], object]) -> None:
    """Write ``path`` through a temporary sibling, flushed to disk before the rename."""
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    temporary = Path(name)
    try:
        write(temporary)
        temporary.chmod(permissions(0o666))
        with temporary.open("rb") as stream:
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def save_generation(index: CaseIndex) -> CaseIndex:
    """Write ``index`` as generation ``index.header.generation`` and commit it.

    Temporary files that a killed change left in the folder are removed first (changes
    hold the folder's lock, so no other change is writing them).

    Args:
        index: The index to store; its header's ``files``, ``sha256`` and ``count`` are
            filled in here.

    Returns:
        The index with the committed header.
    """
    for leftover in index.directory.glob(_TEMPORARY_PATTERN):
        leftover.unlink(missing_ok=True)
    files = generation_files(index.header.generation)
    paths = {role: index.directory / name for role, name in files.items()}
    # Serialised in memory and written by Python, so a full disk raises instead of leaving a
    # short file (faiss.write_index_binary only prints a close error).
    codes = faiss.serialize_index_binary(index.faiss_index).tobytes()
    _write_durably(paths["codes"], lambda path: path.write_bytes(codes))
    _write_durably(paths["cases"], lambda path: write_cases(index.cases, path))
    header = replace(
        index.header,
        files=files,
        sha256={role: file_sha256(path) for role, path in paths.items()},
        count=len(index.cases),
    )
    text = json.dumps(header.to_json(), indent=2) + "\n"
    _write_durably(index.directory / HEADER_FILE, lambda path: path.write_text(text))
    for pattern in _DATA_PATTERNS:
        for stale in index.directory.glob(pattern):
            if stale.name not in files.values():
                stale.unlink(missing_ok=True)
    return replace(index, header=header)


def _read_header(directory: Path) -> IndexHeader:
    """Parse and check ``directory/index.json``."""
    if not directory.is_dir():
        raise CaseIndexError(f"no index folder {directory}")
    path = directory / HEADER_FILE
    if not path.is_file():
        raise CaseIndexError(
            f"{directory} is not a case index: it has no {HEADER_FILE} (was its build interrupted?)"
        )
    try:
        payload = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as error:
        raise CaseIndexError(f"unreadable {path}: {error}") from error
    return IndexHeader.from_json(payload, str(path))


def _checked(directory: Path, header: IndexHeader, contents: dict[str, bytes]) -> CaseIndex:
    """The index of a generation's file contents, after checking them against the header."""
    for role, content in contents.items():
        if hashlib.sha256(content).hexdigest() != header.sha256.get(role):
            raise CaseIndexError(
                f"{directory / header.files[role]} does not match its checksum in "
                f"{HEADER_FILE}: damaged"
            )
    try:
        faiss_index = faiss.deserialize_index_binary(np.frombuffer(contents["codes"], np.uint8))
    except RuntimeError as error:
        raise CaseIndexError(f"unreadable Faiss index {header.files['codes']}") from error
    cases = tuple(parse_cases(contents["cases"].decode("utf-8"), header.files["cases"]))
    code_bits = 64 * -(-header.bits // 64)
    if not faiss_index.ntotal == len(cases) == header.count or faiss_index.d != code_bits:
        raise CaseIndexError(
            f"{directory} is inconsistent: {faiss_index.ntotal} codes of {faiss_index.d} bits, "
            f"{len(cases)} cases, while {HEADER_FILE} says {header.count} of {code_bits} bits"
        )
    set_search_parameters(faiss_index, header.index_params)
    return CaseIndex(directory, header, faiss_index, cases)


def load_case_index(directory: Path) -> CaseIndex:
    """Load and check an index folder, without locking it.

    A concurrent ``add`` may commit a new generation and remove the files of the one just
    read from ``index.json``; the header is then read again (a few times at most).

    Args:
        directory: The index folder.

    Returns:
        The index, its search parameters restored.

    Raises:
        CaseIndexError: No index there, a missing or altered file, or files that disagree.
    """
    for _ in range(_READ_ATTEMPTS):
        header = _read_header(directory)
        try:
            contents = {
                role: (directory / name).read_bytes() for role, name in header.files.items()
            }
        except FileNotFoundError as error:
            if _read_header(directory).generation != header.generation:
                continue
            raise CaseIndexError(f"the index file {error.filename} is missing") from error
        return _checked(directory, header, contents)
    raise CaseIndexError(f"{directory} kept changing while it was read: try again")


@contextmanager
def index_lock(directory: Path) -> Iterator[None]:
    """Hold an exclusive lock on an index folder (one change at a time).

    The lock is a ``flock`` on the folder itself, so no lock file is left behind.

    Args:
        directory: An index folder.

    Raises:
        CaseIndexError: ``directory`` is not an index folder.
    """
    _read_header(directory)
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)
