"""Argument types and options shared by the ``ash-index`` subcommands."""

import argparse
from pathlib import Path


def positive_int(text: str) -> int:
    """An argparse type: an integer of at least 1 (Fang et al., BIBM 2020, §IV-C: top-k).

    Args:
        text: The command-line value.

    Returns:
        The integer.

    Raises:
        argparse.ArgumentTypeError: Not an integer, or below 1.
    """
    try:
        value = int(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from error
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def add_checkpoint_option(parser: argparse.ArgumentParser) -> None:
    """``--checkpoint``: the index's weights from another place (Fang et al., BIBM 2020, §III).

    Args:
        parser: A subcommand's parser.
    """
    parser.add_argument(
        "--checkpoint",
        type=Path,
        default=None,
        metavar="RUN_OR_CKPT",
        help="run folder or .ckpt to use instead of the one recorded in the index; refused "
        "unless its weights, bits and preprocessing are the index's",
    )


def add_encoding_options(parser: argparse.ArgumentParser) -> None:
    """``--batch-size`` and ``--no-progress`` (Fang et al., BIBM 2020, §III encoding).

    Args:
        parser: A subcommand's parser.
    """
    parser.add_argument(
        "--batch-size", type=positive_int, default=64, help="images per forward pass (64)"
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar while encoding")


def add_run_and_data_options(parser: argparse.ArgumentParser, data_default: str) -> None:
    """``--checkpoint`` (required) and ``--data`` of the commands that encode a collection.

    Reference: Fang et al., BIBM 2020, §III (a trained network encodes the database).

    Args:
        parser: A subcommand's parser.
        data_default: What ``--data`` means when it is left out.
    """
    parser.add_argument(
        "--checkpoint", type=Path, required=True, metavar="RUN_OR_CKPT", help="a deep run"
    )
    parser.add_argument(
        "--data",
        default=None,
        help="a folder (labels.csv or class sub-folders) or a data config name of conf/data "
        f"(default: {data_default})",
    )
