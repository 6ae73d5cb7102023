"""``ash-index add``: append new images to an index."""

import argparse
from pathlib import Path

from ash_lightning.index.add import add_images
from ash_lightning.index.cli_arguments import add_checkpoint_option, add_encoding_options


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register ``add`` (Fang et al., BIBM 2020, §III: growing the database).

    Args:
        subparsers: The ``ash-index`` subcommand registry.
    """
    parser = subparsers.add_parser(
        "add",
        help="append new images to an index",
        description="Encode new images with the index's network and append them as cases "
        "of split 'added'.",
    )
    parser.add_argument("index_dir", type=Path, metavar="INDEX_DIR")
    parser.add_argument("images", type=Path, nargs="+", metavar="IMAGE")
    parser.add_argument(
        "--label", default=None, help="label of every new image (a|b for several; default none)"
    )
    add_checkpoint_option(parser)
    add_encoding_options(parser)
    parser.set_defaults(handler=run)


def run(arguments: argparse.Namespace) -> None:
    """Add the images and print the new size (Fang et al., BIBM 2020, §III).

    Args:
        arguments: The parsed ``add`` arguments.
    """
    labels = tuple(name.strip() for name in (arguments.label or "").split("|") if name.strip())
    index = add_images(
        arguments.index_dir,
        arguments.images,
        labels,
        arguments.checkpoint,
        arguments.batch_size,
        progress=not arguments.no_progress,
    )
    print(
        f"added {len(arguments.images)} cases to {index.directory} (now {index.header.count} cases)"
    )
