"""What every experiment command does with its options before it runs: parse and check them,
or report one message and give the exit status."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TextIO, TypeVar

from simulator.cli_args import report_argument_error

EXIT_OK, EXIT_BAD_INPUT = 0, 2
Read = TypeVar("Read")


class BadInput(Exception):
    """A problem with the command's input: the message names the option."""


def read_options(prog: str, err: TextIO,
                 read: Callable[[], Read]) -> tuple[Read, None] | tuple[None, int]:
    """``(read(), None)``, or ``(None, status)`` after writing ``read``'s one message on
    ``err``: 0 after --help, 2 for a bad option (argparse's or a BadInput)."""
    try:
        return read(), None
    except SystemExit as request:
        return None, EXIT_OK if request.code in (0, None) else EXIT_BAD_INPUT
    except argparse.ArgumentError as error:
        err.write(report_argument_error(prog, error) + "\n")
        return None, EXIT_BAD_INPUT
    except BadInput as error:
        err.write(f"{prog}: {error}\n")
        return None, EXIT_BAD_INPUT
