"""Load the network of an index and refuse one whose codes would not be comparable.

Query and database codes are comparable only when the same hashing network, at the same code
length, encoded images prepared the same way (Fang et al., BIBM 2020, §III: one network
encodes the database and the queries). ``query`` and ``add`` therefore load the checkpoint
recorded in the index, or an explicitly given one (the same weights moved elsewhere), and
refuse it when its SHA-256, bits or preprocessing differ from the index's.
"""

from pathlib import Path

from ash_lightning.index.errors import IndexMismatchError
from ash_lightning.index.index_header import IndexHeader
from ash_lightning.run.trained_run import TrainedRun, TrainedRunError, load_trained_run

_SHOWN_DIGITS = 12


def differences(header: IndexHeader, run: TrainedRun) -> list[str]:
    """What differs between a run and the index, e.g. ``bits 24 (index: 12)``.

    Reference: Fang et al., BIBM 2020, §III.

    Args:
        header: The index's header.
        run: The loaded run.

    Returns:
        One item per differing property; empty when the run may serve the index.
    """
    found = []
    if run.bits != header.bits:
        found.append(f"bits {run.bits} (index: {header.bits})")
    for key, indexed in header.preprocessing.items():
        if run.preprocessing.get(key) != indexed:
            found.append(f"{key} {run.preprocessing.get(key)} (index: {indexed})")
    if run.checkpoint_sha256 != header.checkpoint_sha256:
        found.append(
            f"weights sha256 {run.checkpoint_sha256[:_SHOWN_DIGITS]}… "
            f"(index: {header.checkpoint_sha256[:_SHOWN_DIGITS]}…)"
        )
    return found


def load_index_run(header: IndexHeader, checkpoint: Path | None = None) -> TrainedRun:
    """The run that serves an index: its recorded checkpoint or ``checkpoint``, checked.

    Reference: Fang et al., BIBM 2020, §III.

    Args:
        header: The index's header.
        checkpoint: A run folder or ``.ckpt`` to use instead of the recorded checkpoint.

    Returns:
        The run, whose codes are comparable with the index's.

    Raises:
        IndexMismatchError: The run differs from the index (the message names what).
        TrainedRunError: The checkpoint cannot be loaded.
    """
    source = checkpoint if checkpoint is not None else Path(header.checkpoint)
    try:
        run = load_trained_run(source)
    except TrainedRunError as error:
        if checkpoint is not None:
            raise
        raise TrainedRunError(
            f"{error}; pass --checkpoint with the weights the index was built with"
        ) from error
    found = differences(header, run)
    if found:
        hint = "" if checkpoint is not None else " (it changed since the build: rebuild the index)"
        raise IndexMismatchError(
            f"checkpoint {run.checkpoint}{hint} does not match the index: {'; '.join(found)}"
        )
    return run
