"""The database and query images of the efficiency report, prepared as the run prepares them."""

from pathlib import Path

from hydra.errors import HydraException
from hydra.utils import instantiate
from omegaconf import DictConfig, OmegaConf

from ash_lightning.data.retrieval_splits import RetrievalSplits
from ash_lightning.index.data_argument import parse_data_argument
from ash_lightning.index.errors import CaseIndexError
from ash_lightning.run.command_line import one_line_message
from ash_lightning.run.trained_run import TrainedRun

MANIFEST_TARGET = "ash_lightning.data.manifest_datamodule.ManifestDataModule"


def _with_run_preprocessing(data: DictConfig, run: TrainedRun) -> DictConfig:
    """``data`` with the run's image size and channels (and crop, for a manifest)."""
    data = OmegaConf.create(OmegaConf.to_container(data, resolve=True))
    data.image_size = run.preprocessing["image_size"]
    data.channels = run.preprocessing["channels"]
    if data.get("_target_") == MANIFEST_TARGET:
        data.crop_black_border = run.preprocessing["crop_black_border"]
    return data


def _data_config(data: str | None, run: TrainedRun) -> DictConfig:
    """The data configuration named by ``--data`` (a folder, a config name) or the run's."""
    if data is None:
        return run.config.data
    parsed = parse_data_argument(data)
    if not isinstance(parsed, Path):
        return parsed
    if run.config.data.get("_target_") == MANIFEST_TARGET:
        base = OmegaConf.to_container(run.config.data, resolve=True)
    else:
        base = {"_target_": MANIFEST_TARGET, "seed": int(run.config.seed)}
    return OmegaConf.create({**base, "root": str(parsed.resolve()), "cache_dir": None})


def efficiency_splits(data: str | None, run: TrainedRun) -> RetrievalSplits:
    """The splits whose database and test queries the efficiency report times.

    Reference: Fang et al., BIBM 2020, §IV-C (the training set is encoded and indexed, the
    test set is searched against it).

    Args:
        data: A manifest folder, a data configuration name, or None for the run's own data
            (synthetic data is regenerated from the run's seed).
        run: The trained run; its preparation (size, channels, crop) is always used.

    Returns:
        The database, validation and test images and labels.

    Raises:
        CaseIndexError: No such folder or configuration.
    """
    config = _with_run_preprocessing(_data_config(data, run), run)
    try:
        datamodule = instantiate(config)
    except HydraException as error:
        raise CaseIndexError(f"data: {one_line_message(error)}") from error
    splits: RetrievalSplits = datamodule.splits
    if len(splits.test_labels) == 0:
        raise CaseIndexError("the data have no test queries to search with")
    return splits
