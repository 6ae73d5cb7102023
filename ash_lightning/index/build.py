"""Build a case index: encode every image of a collection with a trained run, store the codes.

The retrieval stage of Fang et al., BIBM 2020 (§III) encodes the database once with the
trained hashing network and ranks it by Hamming distance for every query.

**Where the cases come from.** ``--data`` is either a folder (a manifest root: ``labels.csv``
with ``path,label[,split]`` or one sub-folder per class) or the name of a manifest data
configuration in ``conf/data/`` (e.g. ``eye_diseases_4class``), composed with the project's
configuration so that its ``root`` resolves as in training (relative roots against the
working folder). Without ``--data``, the run's own data configuration is used when it is a
manifest. The split parameters and ``on_bad_image`` come from that configuration (for a
folder: from the run's data configuration when it is a manifest, else the manifest
defaults). Synthetic data has no image files: the error names the ``synthetic_export``
command that writes them. The image preparation never comes from here but from the run.

**Splits.** Every case gets the split the run's manifest data module assigns it
(:func:`~ash_lightning.data.manifest.row_splits` with the configuration's
``query_fraction``, ``val_fraction`` and ``split_seed``): the run's own assignment when the
indexed collection is the run's data and every image is readable (the split is drawn over
the readable images, as in training).

**Order.** The cases are stored in a seeded random permutation of the collection
(``order_seed``, recorded in the header's ``data``), never in file order: Hamming ranks tie,
ties are broken by position, and a ``labels.csv`` sorted by class would otherwise decide
which of the tied cases come first. Cases added later follow in their arrival order.

**Crash safety.** :func:`build_index` stores the codes and cases in a temporary sibling folder
(``.<name>.building-*``) and renames it to the index folder only when everything is written:
an interrupted or failed build leaves no folder that loads (the temporary folder is removed
on any exception; only a killed process leaves one behind, which never loads as an index).
An existing folder is refused unless ``overwrite`` is set, and then it is replaced only when
it is itself a case index.
"""

import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, cast

import numpy as np
from hydra.errors import HydraException
from omegaconf import DictConfig, OmegaConf

import ash_lightning
from ash_lightning.data.file_permissions import permissions
from ash_lightning.data.label_names import label_names
from ash_lightning.data.manifest import Manifest, read_manifest, row_splits
from ash_lightning.index.encode import BadImagePolicy, EncodedFiles, encode_files
from ash_lightning.index.kinds import IndexOptions, create_index, index_parameters
from ash_lightning.index.records import Case, CaseIndexError, IndexHeader, now_utc
from ash_lightning.index.sharded_encoding import Distribution, encode_files_sharded
from ash_lightning.index.store import HEADER_FILE, CaseIndex, save_generation
from ash_lightning.run.command_line import one_line_message
from ash_lightning.run.compose import compose_config
from ash_lightning.run.trained_run import TrainedRun

DEFAULT_LABELS_FILE = "labels.csv"


def parse_data_argument(data: str) -> Path | DictConfig:
    """The folder ``data`` names, or the data configuration of that name, composed.

    Args:
        data: A folder path, or a configuration name such as ``eye_diseases_4class``.

    Returns:
        The existing folder (``~`` expanded), or the composed ``data`` node.

    Raises:
        CaseIndexError: A path that is not a folder, or an unknown configuration.
    """
    folder = Path(data).expanduser()
    if folder.is_dir():
        return folder
    if "/" in data or folder.exists():
        raise CaseIndexError(f"--data {data}: no such folder")
    try:
        return compose_config([f"data={data}"]).data
    except HydraException as error:
        raise CaseIndexError(f"--data {data}: {one_line_message(error)}") from error


@dataclass(frozen=True)
class SplitRule:
    """The stratified split parameters of a manifest data configuration.

    Attributes:
        query_fraction: Share of each class held out as test queries (the paper: 10 %).
        val_fraction: Share of each class held out as validation queries.
        split_seed: Seed of the stratified split.
    """

    query_fraction: float = 0.1
    val_fraction: float = 0.05
    split_seed: int = 0


def assign_splits(labels: np.ndarray, column: Sequence[str] | None, rule: SplitRule) -> list[str]:
    """The split name of every row.

    Args:
        labels: ``(n,)`` class indices or ``(n, C)`` multi-hot labels of the readable rows.
        column: Their canonical split column, or None.
        rule: The stratified split parameters.

    Returns:
        ``"database"``, ``"val"`` or ``"test"`` per row.

    Raises:
        ManifestError: Split fractions out of range, or an unknown split name.
    """
    indices = row_splits(labels, column, rule.query_fraction, rule.val_fraction, rule.split_seed)
    names = [""] * len(labels)
    for name, rows in indices.items():
        for row in rows:
            names[row] = name
    return names


@dataclass(frozen=True)
class CaseSource:
    """A labelled image collection to index, with the run's way of splitting it.

    Attributes:
        manifest: Its rows (paths relative to ``manifest.root``, labels, optional splits).
        split_rule: How cases without a split column get their split.
        on_bad_image: ``"error"`` or ``"skip"`` for unreadable images.
        description: What the index records about the source (``source``, ``root``, ...).
    """

    manifest: Manifest
    split_rule: SplitRule
    on_bad_image: BadImagePolicy
    description: dict[str, Any]


def _synthetic_hint(data: DictConfig, image_size: int) -> str:
    """The export command for a synthetic data configuration."""
    return (
        f"synthetic data has no image files: write them with `python -m "
        f"ash_lightning.data.synthetic_export --kind {data.get('kind', 'asoct')} --size "
        f"{data.get('size', 'tiny')} --image-size {image_size} --seed {data.get('seed', 0)} "
        f"--out DIR` and pass --data DIR"
    )


def _from_config(data: DictConfig, image_size: int, source: dict[str, Any]) -> CaseSource:
    """The collection under a manifest data configuration's ``root``."""
    if OmegaConf.is_missing(data, "root"):
        raise CaseIndexError("the data configuration has no root: pass the folder as --data")
    if "root" not in data:
        raise CaseIndexError(_synthetic_hint(data, image_size))
    root = Path(str(data.root)).expanduser()
    return _read(root, data, {**source, "root": str(root.resolve())})


def _read(root: Path, data: DictConfig, description: dict[str, Any]) -> CaseSource:
    """Read the manifest under ``root`` with the options of a manifest ``data`` (or defaults)."""
    options = data if "root" in data else OmegaConf.create({})
    labels_file = str(options.get("labels_file", DEFAULT_LABELS_FILE))
    manifest = read_manifest(
        root.resolve(),
        labels_file,
        allow_outside_root=bool(options.get("allow_outside_root", False)),
    )
    rule = SplitRule(
        query_fraction=float(options.get("query_fraction", SplitRule.query_fraction)),
        val_fraction=float(options.get("val_fraction", SplitRule.val_fraction)),
        split_seed=int(options.get("split_seed", SplitRule.split_seed)),
    )
    description = {**description, "labels_file": labels_file, "split_rule": vars(rule)}
    on_bad_image = options.get("on_bad_image", "error")
    if on_bad_image not in ("error", "skip"):
        raise CaseIndexError(f"data.on_bad_image must be 'error' or 'skip', got {on_bad_image!r}")
    return CaseSource(manifest, rule, on_bad_image, description)


def resolve_case_source(data: str | None, run_config: DictConfig) -> CaseSource:
    """The cases named by ``--data`` (see the module docstring).

    Args:
        data: A folder, a data configuration name, or None for the run's own data.
        run_config: The run's configuration.

    Returns:
        The collection, its split rule and its description for the index.

    Raises:
        CaseIndexError: No such folder or configuration, or a configuration without files.
        ManifestError: The collection's manifest is unusable.
    """
    image_size = int(run_config.data.image_size)
    if data is None:
        return _from_config(run_config.data, image_size, {"source": "run"})
    parsed = parse_data_argument(data)
    if isinstance(parsed, Path):
        return _read(parsed, run_config.data, {"source": "folder", "root": str(parsed.resolve())})
    return _from_config(parsed, image_size, {"source": "config", "config": data})


@dataclass(frozen=True)
class BuildSettings:
    """How to build an index.

    Attributes:
        index_type: ``flat``, ``multihash`` or ``ivf``.
        options: Parameters of an approximate index.
        overwrite: Replace an existing index folder.
        batch_size: Images per forward pass.
        on_bad_image: ``"error"``/``"skip"``, or None for the data configuration's choice.
        progress: Show a progress bar while encoding.
        order_seed: Seed of the permutation the cases are stored in.
        distribution: Encode with ``Trainer.predict`` on several processes, devices or
            nodes (:mod:`~ash_lightning.index.sharded_encoding`); None: in this process.
    """

    index_type: str = "flat"
    options: IndexOptions = IndexOptions()
    overwrite: bool = False
    batch_size: int = 64
    on_bad_image: BadImagePolicy | None = None
    progress: bool = True
    order_seed: int = 0
    distribution: Distribution | None = None


def _cases(source: CaseSource, encoded: EncodedFiles) -> tuple[Case, ...]:
    """The cases of the encoded rows: absolute path, label names, the run's split."""
    manifest = source.manifest
    column = None if manifest.splits is None else [manifest.splits[i] for i in encoded.kept]
    splits = assign_splits(manifest.labels[encoded.kept], column, source.split_rule)
    return tuple(
        Case(
            str(manifest.root / manifest.paths[row]),
            label_names(manifest.labels[row], manifest.class_names),
            split,
        )
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
        weights_sha256=run.weights_sha256,
        method=str(run.results.get("method", "")),
        model=cast(dict[str, Any], OmegaConf.to_container(run.config.model, resolve=True)),
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
) -> tuple[CaseIndex, tuple[str, ...]] | None:
    """Encode ``source`` with ``run`` and store the index in ``out_dir``.

    Args:
        run: The trained run; its preprocessing prepares the images.
        source: The collection and its split rule.
        out_dir: The index folder to create.
        settings: Index kind, overwrite, batch size, bad-image policy, progress bar, the
            seed of the stored order.

    Returns:
        The stored index and the paths skipped as unreadable; None on a process of a
        distributed encoding other than global rank 0, which writes nothing.

    Raises:
        CaseIndexError: The target is taken, or the index kind's parameters are unusable.
        BadImageError: An unreadable image (unless skipped), or none readable.
    """
    out_dir = out_dir.expanduser().absolute()
    _check_target(out_dir, settings.overwrite)
    manifest = source.manifest
    # Refuse unusable index parameters before the long encoding, then again on the kept count.
    index_parameters(settings.index_type, run.bits, len(manifest.paths), settings.options)
    on_bad_image = settings.on_bad_image or source.on_bad_image
    if settings.distribution is None:
        encoded = encode_files(
            run.net,
            manifest.root,
            manifest.paths,
            run.preprocessing,
            settings.batch_size,
            on_bad_image,
            settings.progress,
        )
    else:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.shards-", dir=out_dir.parent))
        try:
            sharded = encode_files_sharded(
                run.net,
                manifest.root,
                list(manifest.paths),
                run.preprocessing,
                settings.distribution,
                scratch,
                settings.batch_size,
                on_bad_image,
            )
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        if sharded is None:
            return None
        encoded = sharded
    order = np.random.default_rng(settings.order_seed).permutation(len(encoded.kept))
    cases = tuple(_cases(source, encoded)[position] for position in order)
    codes = encoded.codes[order]
    params = index_parameters(settings.index_type, run.bits, len(cases), settings.options)
    data = {**source.description, "skipped": list(encoded.bad), "order_seed": settings.order_seed}
    header = _header(run, settings.index_type, params, data)
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
