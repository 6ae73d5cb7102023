"""``--data``: a folder of images, or the name of a data configuration in ``conf/data/``."""

from pathlib import Path

from hydra.errors import HydraException
from omegaconf import DictConfig

from ash_lightning.index.errors import CaseIndexError
from ash_lightning.run.command_line import one_line_message
from ash_lightning.run.compose import compose_config


def parse_data_argument(data: str) -> Path | DictConfig:
    """The folder ``data`` names, or the data configuration of that name, composed.

    Shared by ``ash-index build`` and ``efficiency`` (Fang et al., BIBM 2020, §IV-A: the
    database and query images). A configuration is composed with the project's
    configuration, so that its ``root`` resolves as in training.

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
