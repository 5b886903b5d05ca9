"""Argument types and the parser every leadersim command shares, so all speak alike.

Every command takes seeds and seconds the same way, and a bad option prints its one message
first (the option and the problem), then where the options are listed: never a usage block
before the line that matters.
"""

from __future__ import annotations

import argparse
from typing import NoReturn

MAX_SEED = 2**63 - 1
"""The largest seed a preset, the window and every command accept."""


def seed_value(text: str) -> int:
    """A seed from the command line: a whole number from 0 to 2^63-1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
    if not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"must be from 0 to 2^63-1, got {text}")
    return value


class MessageFirstParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line naming the option, then a pointer to --help."""

    def error(self, message: str) -> NoReturn:
        """Print ``PROG: OPTION: problem`` and where the options are listed; exit status 2."""
        if message.startswith("argument "):
            message = message[len("argument "):]
        self.exit(2, f"{self.prog}: {message}\n({self.prog} --help lists the options)\n")


def report_argument_error(prog: str, error: argparse.ArgumentError) -> str:
    """The message of an ArgumentError raised with exit_on_error=False, as the parser's own."""
    message = str(error)
    if message.startswith("argument "):
        message = message[len("argument "):]
    return f"{prog}: {message}\n({prog} --help lists the options)"
