"""``python -m ash_lightning.report SWEEP_DIR [...]``: tables and plots of finished sweeps.

Regenerates the shapes of Table I, Table II and Fig. 3 of Fang et al., BIBM 2020 from
the runs' ``results.json`` files, without retraining.
"""

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from ash_lightning.report.collect import NoResultsError
from ash_lightning.report.report import PAPER_R, build_report


def parse_arguments(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line's sweep folders and options."""
    parser = argparse.ArgumentParser(
        prog="python -m ash_lightning.report",
        description=(
            "Write report.md, CSV tables and Fig. 3 PNGs (shapes of the ASH paper's Table I, "
            "Table II and Fig. 3) from the results.json files of finished runs or sweeps."
        ),
    )
    parser.add_argument(
        "sweep_dirs",
        metavar="SWEEP_DIR",
        nargs="+",
        type=Path,
        help="a sweep folder, a run folder, or a folder of sweep folders",
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="output folder (default: the first SWEEP_DIR)"
    )
    parser.add_argument(
        "--metric-k",
        type=int,
        default=10,
        help="length of the returned list in Fig. 3 (default: 10, as the paper)",
    )
    parser.add_argument(
        "--r",
        type=float,
        default=PAPER_R,
        help=f"r shown for methods run at several (default: {PAPER_R}, as the paper)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    arguments = parser.parse_args(argv)
    if arguments.metric_k < 1:
        parser.error("--metric-k must be at least 1")
    return arguments


def main(argv: Sequence[str] | None = None) -> None:
    """Build the report; exit non-zero with a one-line message when no run is found."""
    arguments = parse_arguments(argv)
    out_dir = arguments.out or arguments.sweep_dirs[0]
    try:
        paths = build_report(
            arguments.sweep_dirs,
            out_dir,
            arguments.metric_k,
            preferred_r=arguments.r,
            show_progress=not arguments.quiet,
        )
    except NoResultsError as error:
        sys.exit(f"error: {error}")
    print(f"report: {paths.markdown}")
    figures = ", ".join(map(str, paths.figures))
    print(f"tables: {len(paths.tables)} CSV files; figures: {figures} (and a PDF beside each)")
    if paths.skipped:
        print(f"skipped {len(paths.skipped)} files (listed above and in the report)")


if __name__ == "__main__":
    main()
