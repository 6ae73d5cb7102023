"""Build a case index: encode every image of a collection with a trained run, store the codes.

The retrieval stage of Fang et al., BIBM 2020 (§III) encodes the database once with the
trained hashing network and ranks it by Hamming distance for every query. ``build_index``
encodes all readable images of a :class:`~ash_lightning.index.case_source.CaseSource` with the
run's own preprocessing, stores their codes and cases in a temporary sibling folder
(``.<name>.building-*``) and renames it to the index folder only when everything is written:
an interrupted or failed build leaves no folder that loads (the temporary folder is removed
on any exception; only a killed process leaves one behind, which never loads as an index).
An existing folder is refused unless ``overwrite`` is set, and then it is replaced only when
it is itself a case index.
"""

import os
import shutil
import tempfile
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
from omegaconf import OmegaConf

import ash_lightning
from ash_lightning.data.manifest import Manifest
from ash_lightning.index.case_index import CaseIndex
from ash_lightning.index.case_source import CaseSource
from ash_lightning.index.case_splits import assign_splits
from ash_lightning.index.cases import Case
from ash_lightning.index.errors import CaseIndexError
from ash_lightning.index.file_encoding import BadImagePolicy, EncodedFiles, encode_files
from ash_lightning.index.index_codes import index_codes
from ash_lightning.index.index_header import IndexHeader
from ash_lightning.index.index_kinds import IndexOptions, create_index, index_parameters
from ash_lightning.index.index_store import HEADER_FILE, permissions, save_generation
from ash_lightning.run.trained_run import TrainedRun


@dataclass(frozen=True)
class BuildSettings:
    """How to build an index (Fang et al., BIBM 2020, §III: the database codes).

    Attributes:
        index_type: ``flat``, ``multihash`` or ``ivf``.
        options: Parameters of an approximate index.
        overwrite: Replace an existing index folder.
        batch_size: Images per forward pass.
        on_bad_image: ``"error"``/``"skip"``, or None for the data configuration's choice.
        progress: Show a progress bar while encoding.
    """

    index_type: str = "flat"
    options: IndexOptions = IndexOptions()
    overwrite: bool = False
    batch_size: int = 64
    on_bad_image: BadImagePolicy | None = None
    progress: bool = True


def now_utc() -> str:
    """The current time, ISO 8601 in UTC to the second (index ``created``/``updated``).

    Reference: Fang et al., BIBM 2020, §III (bookkeeping of the stored database).
    """
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _label_names(manifest: Manifest, row: int) -> tuple[str, ...]:
    """The label names of one manifest row."""
    label = manifest.labels[row]
    if label.ndim == 0:
        return (manifest.class_names[int(label)],)
    return tuple(manifest.class_names[index] for index in np.flatnonzero(label))


def _cases(source: CaseSource, encoded: EncodedFiles) -> tuple[Case, ...]:
    """The cases of the encoded rows: absolute path, label names, the run's split."""
    manifest = source.manifest
    column = None if manifest.splits is None else [manifest.splits[i] for i in encoded.kept]
    splits = assign_splits(manifest.labels[encoded.kept], column, source.split_rule)
    return tuple(
        Case(str(manifest.root / manifest.paths[row]), _label_names(manifest, row), split)
        for row, split in zip(encoded.kept, splits, strict=True)
    )


def _header(
    run: TrainedRun, index_type: str, params: dict[str, int], data: dict[str, Any]
) -> IndexHeader:
    """The first generation's header; files, checksums and count are filled in on saving."""
    created = now_utc()
    return IndexHeader(
        generation=1,
        count=0,
        files={},
        sha256={},
        bits=run.bits,
        index_type=index_type,
        index_params=params,
        checkpoint=str(run.checkpoint.resolve()),
        checkpoint_sha256=run.checkpoint_sha256,
        method=str(run.results.get("method", "")),
        model=OmegaConf.to_container(run.config.model, resolve=True),
        preprocessing=dict(run.preprocessing),
        class_names=run.class_names,
        data=data,
        package_version=ash_lightning.__version__,
        created=created,
        updated=created,
    )


def _check_target(out_dir: Path, overwrite: bool) -> None:
    """Refuse a target that is a file, or a non-empty folder without ``overwrite``."""
    if not out_dir.exists():
        return
    if not out_dir.is_dir():
        raise CaseIndexError(f"{out_dir} exists and is not a folder")
    if not any(out_dir.iterdir()):
        return
    if not overwrite:
        raise CaseIndexError(f"{out_dir} exists and is not empty: pass --overwrite to replace it")
    if not (out_dir / HEADER_FILE).is_file():
        raise CaseIndexError(f"{out_dir} is not a case index: refusing to replace it")


def _publish(staging: Path, out_dir: Path, overwrite: bool) -> None:
    """Move the finished ``staging`` folder to ``out_dir``, replacing an old index if allowed."""
    _check_target(out_dir, overwrite)
    if out_dir.is_dir() and any(out_dir.iterdir()):
        retired = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.replaced-", dir=out_dir.parent))
        os.replace(out_dir, retired)
        os.replace(staging, out_dir)
        shutil.rmtree(retired, ignore_errors=True)
    else:
        os.replace(staging, out_dir)


def build_index(
    run: TrainedRun, source: CaseSource, out_dir: Path, settings: BuildSettings
) -> tuple[CaseIndex, tuple[str, ...]]:
    """Encode ``source`` with ``run`` and store the index in ``out_dir``.

    Reference: Fang et al., BIBM 2020, §III (database codes of the retrieval stage).

    Args:
        run: The trained run; its preprocessing prepares the images.
        source: The collection and its split rule.
        out_dir: The index folder to create.
        settings: Index kind, overwrite, batch size, bad-image policy, progress bar.

    Returns:
        The stored index and the paths skipped as unreadable.

    Raises:
        CaseIndexError: The target is taken, or the index kind's parameters are unusable.
        BadImageError: An unreadable image (unless skipped), or none readable.
    """
    out_dir = out_dir.expanduser().absolute()
    _check_target(out_dir, settings.overwrite)
    manifest = source.manifest
    # Refuse unusable index parameters before the long encoding, then again on the kept count.
    index_parameters(settings.index_type, run.bits, len(manifest.paths), settings.options)
    encoded = encode_files(
        run.net,
        manifest.root,
        manifest.paths,
        run.preprocessing,
        settings.batch_size,
        settings.on_bad_image or source.on_bad_image,
        settings.progress,
    )
    cases = _cases(source, encoded)
    codes = index_codes(encoded.outputs)
    params = index_parameters(settings.index_type, run.bits, len(codes), settings.options)
    header = _header(
        run, settings.index_type, params, {**source.description, "skipped": list(encoded.bad)}
    )
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.building-", dir=out_dir.parent))
    try:
        staging.chmod(permissions(0o777))
        faiss_index = create_index(settings.index_type, params, codes)
        index = save_generation(CaseIndex(staging, header, faiss_index, cases))
        _publish(staging, out_dir, settings.overwrite)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return replace(index, directory=out_dir), encoded.bad
