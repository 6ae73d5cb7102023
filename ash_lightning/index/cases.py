"""The indexed cases: one image file each, with its labels and split, stored as JSON lines."""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ash_lightning.index.errors import CaseIndexError

SPLIT_ADDED = "added"
"""The split of a case appended by ``ash-index add``."""


@dataclass(frozen=True)
class Case:
    """One indexed image: a case of the retrieval database (Fang et al., BIBM 2020, §III).

    Attributes:
        path: Absolute path of the image file.
        labels: Its label names; empty when unknown (an added case without ``--label``).
        split: ``"database"``, ``"val"`` or ``"test"`` as the run assigns it, or ``"added"``.
    """

    path: str
    labels: tuple[str, ...]
    split: str

    def label_text(self) -> str:
        """The labels joined with ``|``, or ``-`` when none (Fang et al., BIBM 2020, §IV)."""
        return "|".join(self.labels) or "-"


def write_cases(cases: Iterable[Case], path: Path) -> None:
    """Write one JSON object per case and line, in database order.

    Reference: Fang et al., BIBM 2020, §III (the database of the retrieval stage).

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

    Reference: Fang et al., BIBM 2020, §III.

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
