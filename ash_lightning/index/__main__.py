"""``ash-index`` (``python -m ash_lightning.index``): build, grow and query a case index.

The retrieval stage of Fang et al., BIBM 2020 (§III) as a service: ``build`` encodes a
collection once with a trained run, ``add`` appends cases, ``query`` ranks them by Hamming
distance for an image and can draw the query's attention and its top-k (Fig. 4), and
``efficiency`` measures the retrieval stage against the paper's §IV-C figures.

User errors (missing or corrupt files, a bad k, a checkpoint that does not match the index)
print one line ``ash-index: error: ...`` on standard error and exit with status 2.

A subcommand is a module with ``add_parser(subparsers)`` that adds its parser and sets its
``handler`` (a function of the parsed arguments) with ``parser.set_defaults(handler=...)``;
registering it is adding the module to :data:`SUBCOMMANDS`.
"""

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

from ash_lightning.data.manifest import BadImageError, ManifestError
from ash_lightning.index import add_command, build_command, efficiency_command, query_command
from ash_lightning.index.errors import CaseIndexError
from ash_lightning.run.command_line import one_line_message
from ash_lightning.run.trained_run import TrainedRunError

PROG = "ash-index"
SUBCOMMANDS = (build_command, add_command, query_command, efficiency_command)
USER_ERRORS = (CaseIndexError, TrainedRunError, ManifestError, BadImageError, OSError)


class OneLineErrorParser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line, like every other user error.

    Reference: Fang et al., BIBM 2020, §III (the retrieval stage's command line).
    """

    def error(self, message: str) -> NoReturn:
        """Print ``ash-index: error: MESSAGE (see PROG --help)`` and exit with status 2.

        Reference: Fang et al., BIBM 2020, §III (the retrieval stage's command line).

        Args:
            message: What is wrong with the arguments.
        """
        self.exit(2, f"{PROG}: error: {message} (see {self.prog} --help)\n")


def make_parser() -> argparse.ArgumentParser:
    """The ``ash-index`` parser with every registered subcommand.

    Reference: Fang et al., BIBM 2020, §III (retrieval stage).

    Returns:
        The parser; each subcommand sets ``handler``.
    """
    parser = OneLineErrorParser(
        prog=PROG,
        description="A persistent case index over the hash codes of a trained run "
        "(ASH, Fang et al., BIBM 2020).",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for subcommand in SUBCOMMANDS:
        subcommand.add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    """Run one subcommand; a user error exits with status 2 and a one-line message.

    Reference: Fang et al., BIBM 2020, §III.

    Args:
        argv: The arguments; ``sys.argv[1:]`` when None.
    """
    parser = make_parser()
    arguments = parser.parse_args(argv)
    try:
        arguments.handler(arguments)
    except USER_ERRORS as error:
        parser.exit(2, f"{PROG}: error: {one_line_message(error)}\n")


if __name__ == "__main__":
    main(sys.argv[1:])
