"""``ash-index efficiency``: the paper's efficiency analysis (§IV-C), measured on this machine."""

import argparse
import os
from pathlib import Path

import torch

from ash_lightning.index.cli_arguments import add_run_and_data_options, positive_int
from ash_lightning.index.efficiency import time_retrieval
from ash_lightning.index.efficiency_images import efficiency_splits
from ash_lightning.index.efficiency_report import retrieval_table, scale_table
from ash_lightning.index.scale_benchmark import compare_index_kinds
from ash_lightning.run.results_file import write_text_atomically
from ash_lightning.run.trained_run import load_trained_run

REPORT_NAME = "efficiency.md"


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register ``efficiency`` (Fang et al., BIBM 2020, §IV-C).

    Args:
        subparsers: The ``ash-index`` subcommand registry.
    """
    parser = subparsers.add_parser(
        "efficiency",
        help="time code extraction, index build and search; compare index kinds at scale",
        description="The efficiency analysis of Fang et al., BIBM 2020, §IV-C on this machine: "
        "code extraction of the database, index build, search of every test query at top-k, "
        "training time and memory (from the run), then exact against approximate binary "
        "indexes on a large synthetic case base.",
    )
    add_run_and_data_options(parser, "the run's own data; synthetic data is regenerated")
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
    parser.set_defaults(handler=run)


def _device(requested: str) -> str:
    if requested == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    return requested


def run(arguments: argparse.Namespace) -> None:
    """Measure, print and write the report (Fang et al., BIBM 2020, §IV-C).

    Args:
        arguments: The parsed ``efficiency`` arguments.
    """
    trained = load_trained_run(arguments.checkpoint)
    splits = efficiency_splits(arguments.data, trained)
    device = _device(arguments.device)
    timings = time_retrieval(
        trained.net,
        splits.database_images,
        splits.test_images,
        k=arguments.k,
        batch_size=arguments.batch_size,
        device=device,
    )
    sections = [
        f"# Efficiency of {trained.results.get('method', 'the run')} "
        f"({trained.bits} bits) on {arguments.data or trained.results.get('dataset', 'its data')}",
        "",
        f"Run: `{trained.checkpoint}`; {os.cpu_count()} CPU cores"
        + (f", {torch.cuda.get_device_name()}" if device.startswith("cuda") else "")
        + ".",
        "",
        retrieval_table(timings, trained.results),
    ]
    if arguments.scale_codes > 0:
        bits = arguments.scale_bits or trained.bits
        kinds = compare_index_kinds(
            count=arguments.scale_codes, queries=arguments.scale_queries, bits=bits, k=arguments.k
        )
        sections += [
            "",
            scale_table(kinds, arguments.scale_codes, arguments.scale_queries, bits, arguments.k),
        ]
    report = "\n".join(sections) + "\n"
    out = arguments.out or trained.checkpoint.parent.parent / REPORT_NAME
    write_text_atomically(report, out)
    print(report)
    print(f"written: {out}")
