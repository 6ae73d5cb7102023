"""Where ``ash-index build`` finds its cases: a folder, a data configuration, or the run's data.

``--data`` is either a folder (a manifest root: ``labels.csv`` with ``path,label[,split]`` or
one sub-folder per class) or the name of a manifest data configuration in ``conf/data/``
(e.g. ``eye_diseases_4class``), composed with the project's configuration so that its ``root``
resolves as in training (relative roots against the working folder). Without ``--data``, the
run's own data configuration is used when it is a manifest. The split parameters and
``on_bad_image`` come from that configuration (for a folder: from the run's data configuration
when it is a manifest, else the manifest defaults). Synthetic data has no image files: the
error names the ``synthetic_export`` command that writes them. The image preparation never
comes from here but from the run (Fang et al., BIBM 2020, §III: one network, one input).
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, OmegaConf

from ash_lightning.data.manifest import Manifest, read_manifest
from ash_lightning.index.case_splits import SplitRule
from ash_lightning.index.data_argument import parse_data_argument
from ash_lightning.index.errors import CaseIndexError
from ash_lightning.index.file_encoding import BadImagePolicy

DEFAULT_LABELS_FILE = "labels.csv"


@dataclass(frozen=True)
class CaseSource:
    """A labelled image collection to index, with the run's way of splitting it.

    Reference: Fang et al., BIBM 2020, §IV-A (database and query images).

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
    manifest = read_manifest(root.resolve(), labels_file)
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

    Reference: Fang et al., BIBM 2020, §III (the database of the retrieval stage), §IV-A.

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
