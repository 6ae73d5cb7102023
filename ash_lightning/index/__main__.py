"""``ash-index`` (``python -m ash_lightning.index``): build, grow, query and time a case index.

The retrieval stage of Fang et al., BIBM 2020 (§III) as a service: ``build`` encodes a
collection once with a trained run, ``add`` appends cases, ``query`` ranks them by Hamming
distance for an image and can draw the query's attention and its top-k (Fig. 4), and
``efficiency`` measures the retrieval stage against the paper's §IV-C figures.

User errors (missing or corrupt files, a bad k, a checkpoint that does not match the index)
and usage errors print one line ``ash-index: error: ...`` on standard error and exit with
status 2.
"""

import argparse
import json
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import torch

from ash_lightning.data.manifest import BadImageError, ManifestError
from ash_lightning.index.add import add_images
from ash_lightning.index.build import BuildSettings, build_index, resolve_case_source
from ash_lightning.index.efficiency import (
    efficiency_report,
    efficiency_splits,
    scale_table,
    time_retrieval,
)
from ash_lightning.index.encode import load_index_run
from ash_lightning.index.kinds import INDEX_TYPES, IndexOptions
from ash_lightning.index.query import query_index, result_json, result_table
from ash_lightning.index.records import CaseIndexError
from ash_lightning.index.scale import compare_index_kinds
from ash_lightning.index.sharded_encoding import Distribution
from ash_lightning.index.store import load_case_index
from ash_lightning.run.command_line import one_line_message
from ash_lightning.run.config_check import ConfigError
from ash_lightning.run.results_file import write_text_atomically
from ash_lightning.run.threads import apply_thread_policy
from ash_lightning.run.trained_run import TrainedRunError, load_trained_run

PROG = "ash-index"
USER_ERRORS = (CaseIndexError, TrainedRunError, ManifestError, BadImageError, ConfigError, OSError)
REPORT_NAME = "efficiency.md"
_FIRST_FEW = 5


class OneLineErrorParser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line, like every other user error."""

    def error(self, message: str) -> NoReturn:
        """Print ``ash-index: error: MESSAGE (see PROG --help)`` and exit with status 2.

        Args:
            message: What is wrong with the arguments.
        """
        self.exit(2, f"{PROG}: error: {message} (see {self.prog} --help)\n")


def positive_int(text: str) -> int:
    """An argparse type: an integer of at least 1.

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


def _add_checkpoint_option(parser: argparse.ArgumentParser) -> None:
    """``--checkpoint`` of ``add`` and ``query``: the index's weights from another place."""
    parser.add_argument(
        "--checkpoint",
        type=Path,
        default=None,
        metavar="RUN_OR_CKPT",
        help="run folder or .ckpt to use instead of the one recorded in the index; refused "
        "unless its weights, bits and preprocessing are the index's",
    )


def _add_encoding_options(parser: argparse.ArgumentParser) -> None:
    """``--batch-size`` and ``--no-progress`` of the commands that encode image files."""
    parser.add_argument(
        "--batch-size", type=positive_int, default=64, help="images per forward pass (64)"
    )
    parser.add_argument(
        "--no-progress",
        "--quiet",
        dest="no_progress",
        action="store_true",
        help="no progress bar while encoding",
    )


def _add_run_and_data_options(parser: argparse.ArgumentParser, data_default: str) -> None:
    """``--checkpoint`` (required) and ``--data`` of the commands that encode a collection."""
    parser.add_argument(
        "--checkpoint", type=Path, required=True, metavar="RUN_OR_CKPT", help="a deep run"
    )
    parser.add_argument(
        "--data",
        default=None,
        help="a folder (labels.csv or class sub-folders) or a data config name of conf/data "
        f"(default: {data_default})",
    )


def _build_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``build``."""
    _add_run_and_data_options(parser, "the run's own data, when it is a manifest")
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
    parser.add_argument(
        "--order-seed",
        type=int,
        default=0,
        help="seed of the random order the cases are stored in; ties rank by it (default 0)",
    )
    parser.add_argument(
        "--devices",
        type=int,
        default=1,
        help="encode with Lightning's predict on this many processes or devices per node",
    )
    parser.add_argument("--num-nodes", type=int, default=1, help="nodes of the encoding")
    parser.add_argument(
        "--accelerator", default="auto", choices=("auto", "cpu", "gpu"), help="of the encoding"
    )
    parser.add_argument(
        "--strategy",
        default="ddp_spawn",
        choices=("ddp_spawn", "ddp"),
        help="distributed strategy of the encoding (ddp: one process per device, as on SLURM)",
    )
    _add_encoding_options(parser)
    parser.set_defaults(handler=_build)


def _distribution(arguments: argparse.Namespace) -> Distribution | None:
    """The distributed encoding asked for, or None for one process."""
    if arguments.devices < 1 or arguments.num_nodes < 1:
        raise CaseIndexError("--devices and --num-nodes must be >= 1")
    if arguments.devices * arguments.num_nodes == 1:
        return None
    return Distribution(
        arguments.devices, arguments.num_nodes, arguments.accelerator, arguments.strategy
    )


def _build(arguments: argparse.Namespace) -> None:
    """Build the index and print a summary."""
    trained = load_trained_run(arguments.checkpoint)
    source = resolve_case_source(arguments.data, trained.config)
    settings = BuildSettings(
        index_type=arguments.index_type,
        options=IndexOptions(arguments.nhash, arguments.nflip, arguments.nlist, arguments.nprobe),
        overwrite=arguments.overwrite,
        batch_size=arguments.batch_size,
        on_bad_image=arguments.on_bad_image,
        progress=not arguments.no_progress,
        order_seed=arguments.order_seed,
        distribution=_distribution(arguments),
    )
    built = build_index(trained, source, arguments.out, settings)
    if built is None:  # a process other than global rank 0 of a distributed encoding
        return
    index, skipped = built
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


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``add``."""
    parser.add_argument("index_dir", type=Path, metavar="INDEX_DIR")
    parser.add_argument("images", type=Path, nargs="+", metavar="IMAGE")
    parser.add_argument(
        "--label", default=None, help="label of every new image (a|b for several; default none)"
    )
    _add_checkpoint_option(parser)
    _add_encoding_options(parser)
    parser.set_defaults(handler=_add)


def _add(arguments: argparse.Namespace) -> None:
    """Add the images and print the new size."""
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


def _query_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``query``."""
    parser.add_argument("index_dir", type=Path, metavar="INDEX_DIR")
    parser.add_argument("image", type=Path, metavar="IMAGE")
    parser.add_argument("-k", type=positive_int, default=10, help="cases to return (10)")
    parser.add_argument(
        "--explain",
        type=Path,
        default=None,
        metavar="OUT_DIR",
        help="write retrieval_grid.png and, when the network has attention, "
        "attention_overlay.png there",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    _add_checkpoint_option(parser)
    parser.set_defaults(handler=_query)


def _query(arguments: argparse.Namespace) -> None:
    """Answer the query as a table or as JSON."""
    index = load_case_index(arguments.index_dir)
    trained = load_index_run(index.header, arguments.checkpoint)
    result = query_index(index, trained.net, arguments.image, arguments.k, arguments.explain)
    print(json.dumps(result_json(result), indent=2) if arguments.json else result_table(result))


def _efficiency_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``efficiency``."""
    _add_run_and_data_options(parser, "the run's own data; synthetic data is regenerated")
    parser.add_argument("-k", type=positive_int, default=10, help="results per query (10)")
    parser.add_argument("--batch-size", type=positive_int, default=256, help="images per pass")
    parser.add_argument("--device", default="auto", help="cpu, cuda, or auto (cuda when available)")
    parser.add_argument(
        "--scale-codes", type=int, default=1_000_000, help="synthetic case base (0: skip)"
    )
    parser.add_argument("--scale-queries", type=positive_int, default=1_000)
    parser.add_argument(
        "--scale-bits", type=positive_int, default=None, help="code length (default: the run's)"
    )
    parser.add_argument(
        "--out", type=Path, default=None, help=f"Markdown report (default: RUN/{REPORT_NAME})"
    )
    parser.set_defaults(handler=_efficiency)


def _efficiency(arguments: argparse.Namespace) -> None:
    """Measure, print and write the report."""
    trained = load_trained_run(arguments.checkpoint)
    splits = efficiency_splits(arguments.data, trained)
    device = arguments.device
    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    timings = time_retrieval(
        trained.net,
        splits.database_images,
        splits.test_images,
        k=arguments.k,
        batch_size=arguments.batch_size,
        device=device,
    )
    scale = None
    if arguments.scale_codes > 0:
        bits = arguments.scale_bits or trained.bits
        kinds = compare_index_kinds(
            count=arguments.scale_codes, queries=arguments.scale_queries, bits=bits, k=arguments.k
        )
        scale = scale_table(
            kinds, arguments.scale_codes, arguments.scale_queries, bits, arguments.k
        )
    report = efficiency_report(trained, arguments.data, timings, scale)
    out = arguments.out or trained.checkpoint.parent.parent / REPORT_NAME
    write_text_atomically(report, out)
    print(report)
    print(f"written: {out}")


def make_parser() -> argparse.ArgumentParser:
    """The ``ash-index`` parser; each subcommand sets ``handler`` (a function of the arguments).

    Returns:
        The parser.
    """
    parser = OneLineErrorParser(
        prog=PROG,
        description="A persistent case index over the hash codes of a trained run "
        "(ASH, Fang et al., BIBM 2020).",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _build_arguments(
        subparsers.add_parser(
            "build",
            help="encode every image of a collection into a new index",
            description="Encode every readable image of a collection with a trained run and "
            "store the codes, cases and metadata in a new index folder.",
        )
    )
    _add_arguments(
        subparsers.add_parser(
            "add",
            help="append new images to an index",
            description="Encode new images with the index's network and append them as cases "
            "of split 'added'.",
        )
    )
    _query_arguments(
        subparsers.add_parser(
            "query",
            help="print the top-k cases of an image",
            description="Encode an image with the index's network and print its top-k cases "
            "by Hamming distance (ties: earlier cases first).",
        )
    )
    _efficiency_arguments(
        subparsers.add_parser(
            "efficiency",
            help="time code extraction, index build and search; compare index kinds at scale",
            description="The efficiency analysis of Fang et al., BIBM 2020, §IV-C on this "
            "machine: code extraction of the database, index build, search of every test "
            "query at top-k, training time and memory (from the run), then exact against "
            "approximate binary indexes on a large synthetic case base.",
        )
    )
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    """Run one subcommand; a user error exits with status 2 and a one-line message.

    Args:
        argv: The arguments; ``sys.argv[1:]`` when None.
    """
    parser = make_parser()
    arguments = parser.parse_args(argv)
    try:
        apply_thread_policy()
        arguments.handler(arguments)
    except USER_ERRORS as error:
        parser.exit(2, f"{PROG}: error: {one_line_message(error)}\n")


if __name__ == "__main__":
    main(sys.argv[1:])
