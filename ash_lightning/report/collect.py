"""Find the ``results.json`` files of finished sweeps and read them into records."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ash_lightning.report.parse_record import IncompleteResults, record_from_results
from ash_lightning.report.run_record import RunRecord
from ash_lightning.run.results_file import RESULTS_FILENAME, read_results

SEARCH_PATTERNS = (RESULTS_FILENAME, f"*/{RESULTS_FILENAME}", f"*/*/{RESULTS_FILENAME}")


class NoResultsError(FileNotFoundError):
    """No usable ``results.json`` under the folders given."""


@dataclass(frozen=True)
class SkippedFile:
    """A ``results.json`` left out of the report, and why."""

    path: Path
    reason: str

    def line(self) -> str:
        """One line for the log and the report."""
        return f"skipped {self.path}: {self.reason}"


@dataclass(frozen=True)
class CollectedRuns:
    """The usable runs and the files left out."""

    records: tuple[RunRecord, ...]
    skipped: tuple[SkippedFile, ...]


def find_results_files(sweep_dirs: Iterable[Path]) -> list[Path]:
    """Every ``results.json`` in, one level below and two levels below each folder.

    A single run folder holds the file itself, a Hydra multirun one per numbered job
    folder, and a folder of several sweeps one per job folder of each sweep.

    Raises:
        NoResultsError: A folder does not exist.
    """
    found: dict[Path, Path] = {}
    for sweep_dir in sweep_dirs:
        if not sweep_dir.is_dir():
            raise NoResultsError(f"{sweep_dir} is not a folder")
        for pattern in SEARCH_PATTERNS:
            for path in sweep_dir.glob(pattern):
                found.setdefault(path.resolve(), path)
    return sorted(found.values())


def _cell_seed(record: RunRecord) -> tuple[object, ...]:
    return (
        record.dataset,
        record.convention,
        record.ranking,
        record.method,
        record.bits,
        record.r,
        record.seed,
    )


def _read(path: Path) -> RunRecord | SkippedFile:
    try:
        results = read_results(path.parent)
    except (OSError, ValueError) as error:
        return SkippedFile(path, f"unreadable ({type(error).__name__}: {error})")
    try:
        return record_from_results(results, path)
    except IncompleteResults as error:
        return SkippedFile(path, f"incomplete ({error})")


def collect_runs(sweep_dirs: Sequence[Path]) -> CollectedRuns:
    """Read the runs under ``sweep_dirs``, leaving out broken files and repeated seeds.

    A seed that appears twice in one cell (the same run given twice, or rerun) is
    counted once, so that the standard deviation over seeds is not understated.

    Args:
        sweep_dirs: Sweep folders, run folders, or folders of sweep folders.

    Returns:
        The records, sorted by path, and the skipped files.

    Raises:
        NoResultsError: No ``results.json`` found, or none of them usable.
    """
    paths = find_results_files(sweep_dirs)
    where = ", ".join(str(sweep_dir) for sweep_dir in sweep_dirs)
    if not paths:
        raise NoResultsError(
            f"no {RESULTS_FILENAME} in {where} (searched the folder, its run folders and "
            "the run folders of the sweeps inside it)"
        )
    records: dict[tuple[object, ...], RunRecord] = {}
    skipped: list[SkippedFile] = []
    for path in paths:
        read = _read(path)
        if isinstance(read, SkippedFile):
            skipped.append(read)
        elif _cell_seed(read) in records:
            first = records[_cell_seed(read)].path
            skipped.append(SkippedFile(path, f"same cell and seed as {first}, counted once"))
        else:
            records[_cell_seed(read)] = read
    if not records:
        raise NoResultsError(
            f"none of the {len(paths)} {RESULTS_FILENAME} files in {where} is usable"
        )
    return CollectedRuns(tuple(records.values()), tuple(skipped))
