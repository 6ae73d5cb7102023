"""Append new cases to an index, keeping codes, cases and header consistent.

The new images are encoded by the index's own network (checked by
:func:`~ash_lightning.index.encode.load_index_run`), appended after the existing cases (so
earlier cases keep their positions and win ties in the Hamming ranking of Fang et al., BIBM
2020, §III, under the project's tie rule), and stored as the next generation under an
exclusive lock: an interrupted ``add`` leaves the previous generation in force.
"""

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from ash_lightning.index.encode import encode_files, load_index_run
from ash_lightning.index.records import SPLIT_ADDED, Case, CaseIndexError, now_utc
from ash_lightning.index.store import CaseIndex, index_lock, load_case_index, save_generation

_FIRST_FEW = 3


def add_images(
    directory: Path,
    images: Sequence[Path],
    labels: tuple[str, ...] = (),
    checkpoint: Path | None = None,
    batch_size: int = 64,
    progress: bool = True,
) -> CaseIndex:
    """Encode ``images`` and append them to the index in ``directory``.

    Args:
        directory: The index folder.
        images: The new image files; each becomes a case of split ``"added"``.
        labels: Label names given to every new case (none: unknown).
        checkpoint: The network to use instead of the recorded checkpoint (same weights).
        batch_size: Images per forward pass.
        progress: Show a progress bar while encoding.

    Returns:
        The updated index.

    Raises:
        CaseIndexError: No index, an image already indexed or given twice, or a label that
            is not one of the index's class names.
        IndexMismatchError: The checkpoint differs from the index's.
        BadImageError: A new image is missing or unreadable (nothing is added then).
    """
    paths = [str(Path(image).expanduser().resolve()) for image in images]
    with index_lock(directory):
        index = load_case_index(directory)
        unknown = sorted(set(labels) - set(index.header.class_names))
        if unknown:
            raise CaseIndexError(
                f"unknown label(s) {', '.join(unknown)}; the index's classes are "
                f"{', '.join(index.header.class_names)}"
            )
        known = {case.path for case in index.cases}
        counts = Counter(paths)
        repeated = sorted({path for path in paths if path in known or counts[path] > 1})
        if repeated:
            raise CaseIndexError(
                f"{len(repeated)} image(s) already indexed or given twice, first: "
                f"{', '.join(repeated[:_FIRST_FEW])}"
            )
        run = load_index_run(index.header, checkpoint)
        encoded = encode_files(
            run.net, Path("/"), paths, index.header.preprocessing, batch_size, "error", progress
        )
        index.faiss_index.add(encoded.codes)
        cases = index.cases + tuple(Case(path, labels, SPLIT_ADDED) for path in paths)
        header = replace(
            index.header,
            generation=index.header.generation + 1,
            weights_sha256=index.header.weights_sha256 or run.weights_sha256,
            updated=now_utc(),
        )
        return save_generation(replace(index, header=header, cases=cases))
