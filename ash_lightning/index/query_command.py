"""``ash-index query``: the top-k cases of an image, as a table or JSON, with figures."""

import argparse
import json
from pathlib import Path

from ash_lightning.index.cli_arguments import add_checkpoint_option, positive_int
from ash_lightning.index.index_store import load_case_index
from ash_lightning.index.query import query_index
from ash_lightning.index.query_output import result_json, result_table
from ash_lightning.index.run_check import load_index_run


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register ``query`` (Fang et al., BIBM 2020, §III retrieval, Fig. 4).

    Args:
        subparsers: The ``ash-index`` subcommand registry.
    """
    parser = subparsers.add_parser(
        "query",
        help="print the top-k cases of an image",
        description="Encode an image with the index's network and print its top-k cases "
        "by Hamming distance (ties: earlier cases first).",
    )
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
    add_checkpoint_option(parser)
    parser.set_defaults(handler=run)


def run(arguments: argparse.Namespace) -> None:
    """Answer the query (Fang et al., BIBM 2020, §III).

    Args:
        arguments: The parsed ``query`` arguments.
    """
    index = load_case_index(arguments.index_dir)
    trained = load_index_run(index.header, arguments.checkpoint)
    result = query_index(index, trained.net, arguments.image, arguments.k, arguments.explain)
    print(json.dumps(result_json(result), indent=2) if arguments.json else result_table(result))
