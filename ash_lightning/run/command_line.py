"""Fail fast on a bad command line: every override, and every value of a sweep, is checked."""

import sys
from collections.abc import Sequence
from pathlib import Path

from hydra import compose, initialize_config_module
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.core.override_parser.types import IntervalSweep, Override, OverrideType
from hydra.errors import HydraException, InstantiationException
from hydra.utils import instantiate
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from ash_lightning.run.compose import CONFIG_MODULE, CONFIG_NAME
from ash_lightning.run.config_check import ConfigError, validate_config
from ash_lightning.run.run_folder import check_creatable

# Hydra flags that take a value, and flags after which the overrides mean something else.
_FLAGS_WITH_VALUE = {"-cp", "--config-path", "-cn", "--config-name", "-cd", "--config-dir"}
_FLAGS_THAT_SKIP_CHECK = _FLAGS_WITH_VALUE | {"--info", "-i", "--help", "-h", "--hydra-help"}


def one_line_message(error: Exception) -> str:
    """A one-line account of a composition, override or instantiation error."""
    if isinstance(error, InstantiationException) and error.__cause__ is not None:
        return str(error.__cause__).splitlines()[0]
    text = str(error)
    if text.startswith("Could not override"):
        key = text.split("'")[1]
        return f"unknown key '{key}' (to add a new key, write +{key}=VALUE)"
    if "Could not find" in text:
        first, _, rest = text.partition("\n")
        options = rest.split("Config search path")[0].split("\n")
        available = [line.strip() for line in options if line.startswith("\t")]
        return first + (f"; available: {', '.join(available)}" if available else "")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0] if lines else type(error).__name__


def _input_line(override: Override) -> str:
    """The command-line text of a parsed override (Hydra's parser always records it)."""
    if override.input_line is None:
        raise ValueError(f"Hydra parsed an override without its input line: {override!r}")
    return override.input_line


def _sweep_values(override: Override) -> list[str]:
    """The values a sweep asks for; an ``interval()`` (tagged or not) by its two ends."""
    sweep = override.value()
    if isinstance(sweep, IntervalSweep):
        return [str(sweep.start), str(sweep.end)]
    return list(override.sweep_string_iterator())


def _override_sets(overrides: list[str]) -> list[list[str]]:
    parsed = OverridesParser.create().parse_overrides(overrides)
    fixed = [_input_line(override) for override in parsed if not override.is_sweep_override()]
    sets = [fixed]
    for override in parsed:
        if override.is_sweep_override():
            key = override.get_key_element()
            sets += [[*fixed, f"{key}={value}"] for value in _sweep_values(override)]
    return sets


def unread_additions(overrides: Sequence[str], cfg: DictConfig) -> list[str]:
    """The ``+key=value`` additions that nothing reads.

    A key added under an instantiated node (one with ``_target_``, e.g. ``+trainer.x=1``)
    becomes an argument, which its class accepts or refuses; anywhere else (``+ckpt_path=``,
    ``+retrieval.x=``) no code reads it.

    Args:
        overrides: The command line's overrides.
        cfg: The configuration they composed.

    Returns:
        The dotted keys added where nothing reads them.
    """
    unread = []
    for override in OverridesParser.create().parse_overrides(list(overrides)):
        key = override.key_or_group
        if override.type != OverrideType.ADD or key.startswith("hydra."):
            continue
        parent, _, _ = key.rpartition(".")
        node = OmegaConf.select(cfg, parent) if parent else cfg
        if not (isinstance(node, DictConfig) and "_target_" in node):
            unread.append(key)
    return unread


def _check_output_folder(args: Sequence[str], overrides: list[str]) -> None:
    """Refuse a run (or sweep) folder that cannot be created, naming its key."""
    node = "sweep" if any(arg in ("-m", "--multirun") for arg in args) else "run"
    key = f"hydra.{node}.dir"
    given = [arg for arg in args if arg.startswith(f"{key}=")]
    cfg = compose(CONFIG_NAME, overrides=[*overrides, *given], return_hydra_config=True)
    check_creatable(key, Path(str(cfg.hydra[node].dir)))


def check_command_line(args: Sequence[str]) -> None:
    """Compose the configuration for each value a command line asks for, and validate it.

    Catches an unknown key, a missing config option, invalid values (``bits=0``,
    ``r=1.5``, ``bits=abc``) and data options the DataModule rejects (it loads nothing at
    construction) for every job of a sweep before the first one trains, and warns about a
    ``+key=`` that nothing reads, so that a mistyped option is never silently ignored.

    Args:
        args: The command-line arguments after the program name.

    Raises:
        ConfigError: With a one-line message naming the key.
    """
    if any(arg in _FLAGS_THAT_SKIP_CHECK or arg.startswith("--cfg") for arg in args):
        return
    overrides = [arg for arg in args if not arg.startswith("-") and not arg.startswith("hydra")]
    try:
        override_sets = _override_sets(overrides)
        with initialize_config_module(config_module=CONFIG_MODULE, version_base="1.3"):
            for index, override_set in enumerate(override_sets):
                cfg = compose(CONFIG_NAME, overrides=override_set)
                validate_config(cfg)
                instantiate(cfg.data)
                if index == 0:
                    for key in unread_additions(override_set, cfg):
                        print(f"warning: +{key} is read by nothing and is ignored", file=sys.stderr)
            _check_output_folder(args, override_sets[0])
    except (HydraException, OmegaConfBaseException) as error:
        raise ConfigError(one_line_message(error)) from error
