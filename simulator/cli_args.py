"""Argument types, output checks and the parser every leadersim command shares, so all speak
alike.

Every command takes seeds and seconds the same way, and a bad option prints its one message
first (the option and the problem), then where the options are listed: never a usage block
before the line that matters.
"""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

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
    """An ArgumentParser whose errors are one line naming the option, then a pointer to --help.

    A value that starts with a minus and a digit (``--at -1,2``, ``--disk -1-2``) is the
    option's value, so it gets the option's own message (argparse would take it for an option
    and say only "expected one argument"); no option of ours looks like a negative number.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = re.compile(r"^-\.?\d")

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


def output_problem(path: Path, suffixes: Sequence[str] = ()) -> str | None:
    """Why ``path`` cannot be written (wrong suffix, missing or read-only directory), or None."""
    if suffixes and path.suffix.lower() not in suffixes:
        return f"must end in {' or '.join(suffixes)}"
    if path.is_dir():
        return "is a directory"
    parent = path.parent
    if not parent.exists():
        return f"cannot be written: directory {parent} does not exist"
    if not parent.is_dir():
        return f"cannot be written: {parent} is not a directory"
    if path.exists():
        if not os.access(path, os.W_OK):
            return "cannot be written: permission denied"
    elif not os.access(parent, os.W_OK | os.X_OK):
        return f"cannot be written: directory {parent} is not writable"
    return None
