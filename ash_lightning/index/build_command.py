"""``ash-index build``: encode a collection with a trained run into a new index folder."""

import argparse
from collections import Counter
from pathlib import Path

from ash_lightning.index.build import BuildSettings, build_index
from ash_lightning.index.case_source import resolve_case_source
from ash_lightning.index.cli_arguments import (
    add_encoding_options,
    add_run_and_data_options,
    positive_int,
)
from ash_lightning.index.index_kinds import INDEX_TYPES, IndexOptions
from ash_lightning.run.trained_run import load_trained_run

_FIRST_FEW = 5


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register ``build`` (Fang et al., BIBM 2020, §III: the database codes).

    Args:
        subparsers: The ``ash-index`` subcommand registry.
    """
    parser = subparsers.add_parser(
        "build",
        help="encode every image of a collection into a new index",
        description="Encode every readable image of a collection with a trained run and "
        "store the codes, cases and metadata in a new index folder.",
    )
    add_run_and_data_options(parser, "the run's own data, when it is a manifest")
    parser.add_argument("--out", type=Path, required=True, metavar="INDEX_DIR")
    parser.add_argument("--index-type", choices=INDEX_TYPES, default="flat")
    parser.add_argument("--nhash", type=positive_int, help="multihash: hash tables")
    parser.add_argument("--nflip", type=int, help="multihash: bits flipped per probe (1)")
    parser.add_argument("--nlist", type=positive_int, help="ivf: inverted lists")
    parser.add_argument("--nprobe", type=positive_int, help="ivf: lists scanned per query")
    parser.add_argument(
        "--on-bad-image",
        choices=("error", "skip"),
        default=None,
        help="unreadable images: stop or skip (default: the data config's, else error)",
    )
    parser.add_argument("--overwrite", action="store_true", help="replace an existing index")
    add_encoding_options(parser)
    parser.set_defaults(handler=run)


def run(arguments: argparse.Namespace) -> None:
    """Build the index and print a summary (Fang et al., BIBM 2020, §III).

    Args:
        arguments: The parsed ``build`` arguments.
    """
    trained = load_trained_run(arguments.checkpoint)
    source = resolve_case_source(arguments.data, trained.config)
    settings = BuildSettings(
        index_type=arguments.index_type,
        options=IndexOptions(arguments.nhash, arguments.nflip, arguments.nlist, arguments.nprobe),
        overwrite=arguments.overwrite,
        batch_size=arguments.batch_size,
        on_bad_image=arguments.on_bad_image,
        progress=not arguments.no_progress,
    )
    index, skipped = build_index(trained, source, arguments.out, settings)
    header = index.header
    splits = Counter(case.split for case in index.cases)
    print(
        f"indexed {header.count} cases ({header.bits} bits, {header.index_type}) of "
        f"{source.manifest.root} into {index.directory}"
    )
    print("splits: " + ", ".join(f"{name} {count}" for name, count in sorted(splits.items())))
    if skipped:
        first = ", ".join(skipped[:_FIRST_FEW])
        print(f"skipped {len(skipped)} unreadable image(s), first: {first}")
