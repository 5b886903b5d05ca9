"""Typed, range-checked reading of one TOML table, collecting problems instead of raising.

A ``Section`` wraps one table of the parsed TOML with the key path that leads to it. Every
accessor returns a usable value (the default when the key is missing or wrong) so validation can
continue and report every mistake of a file at once; the problems go to a shared ``Problems``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from simulator.presets.problems import Problem

_MAX_SHOWN = 40


def show(value: object) -> str:
    """A short, safe text of a TOML value for a message (long values are cut)."""
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        text = repr(value)
    elif isinstance(value, bool):
        text = "true" if value else "false"
    else:
        text = str(value)
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 3] + "..."


def type_name(value: object) -> str:
    """The TOML name of a value's type, for 'wrong type' messages."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return "a date/time"


def join(path: str, key: str) -> str:
    """The key path of ``key`` inside the table at ``path``."""
    return f"{path}.{key}" if path else key


def item(path: str, index: int) -> str:
    """The key path of element ``index`` (0-based) of the list at ``path``, shown 1-based."""
    return f"{path}[{index + 1}]"


class Problems:
    """The problems found so far in one file."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.found: list[Problem] = []

    def add(self, key_path: str, message: str) -> None:
        """Record that the value at ``key_path`` is wrong and what is allowed instead."""
        self.found.append(Problem(self.file, key_path, message))


class TomlFloat(float):
    """A float parsed from TOML that remembers its text, so unit conversions are exact."""

    __slots__ = ("text",)

    def __new__(cls, text: str) -> TomlFloat:
        """The float of TOML float ``text`` (tomllib's ``parse_float`` hook)."""
        value = super().__new__(cls, text)
        value.text = text
        return value


def did_you_mean(word: str, choices: Sequence[str]) -> str:
    """``did you mean 'X'? `` for the choice closest to a misspelt ``word``, or nothing."""
    import difflib  # only a broken preset needs it (a few ms less at every start)

    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'? " if close else ""


def in_seconds(value: float, per_second: float) -> float:
    """``value`` units as seconds, computed in decimal: 150 ms is exactly the float 0.15, and
    any float of seconds written as an exact decimal of milliseconds reads back unchanged."""
    if per_second == 1:
        return float(value)
    text = value.text if isinstance(value, TomlFloat) else repr(value)
    return float(Decimal(text.replace("_", "")) / Decimal(repr(per_second)))


def is_number(value: object) -> bool:
    """True for TOML integers and floats (booleans are not numbers here)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def number_text(value: float) -> str:
    """A bound as people write it: ``15``, ``0.5``, ``9223372036854775807`` (no exponent)."""
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    return f"{value:g}"


def range_text(low: float | None, high: float | None, low_open: bool, whole: bool) -> str:
    """Say in words which numbers are allowed, e.g. 'a whole number from 1 to 15'."""
    noun = "a whole number" if whole else "a number"
    lo = number_text(low) if low is not None else ""
    hi = number_text(high) if high is not None else ""
    if low is not None and high is not None:
        if low_open:
            return f"{noun} greater than {lo} and at most {hi}"
        return f"{noun} from {lo} to {hi}"
    if low is not None:
        return f"{noun} greater than {lo}" if low_open else f"{noun} of at least {lo}"
    if high is not None:
        return f"{noun} of at most {hi}"
    return noun


def check_number(
    problems: Problems, path: str, value: object, *, low: float | None = None,
    high: float | None = None, low_open: bool = False, whole: bool = False, why: str = "",
) -> bool:
    """Report ``value`` unless it is a finite number in the range; True when it is fine.

    ``why`` says in a few words why the range is what it is; it follows the range.
    """
    allowed = range_text(low, high, low_open, whole)
    if why:
        allowed = f"{allowed} ({why})"
    if not is_number(value):
        problems.add(path, f"must be {allowed}, not {type_name(value)} ({show(value)})")
        return False
    assert isinstance(value, int | float)
    if whole and not isinstance(value, int):
        problems.add(path, f"must be {allowed} (no decimal point), got {show(value)}")
        return False
    if isinstance(value, float) and not math.isfinite(value):
        problems.add(path, f"must be {allowed}, got {show(value)}")
        return False
    too_low = low is not None and (value <= low if low_open else value < low)
    too_high = high is not None and value > high
    if too_low or too_high:
        problems.add(path, f"must be {allowed}, got {show(value)}")
        return False
    return True


class Section:
    """One TOML table at ``path`` whose allowed keys are ``known``; unknown keys are reported
    at once, with the closest known key as a suggestion."""

    def __init__(
        self, problems: Problems, data: dict[str, Any], path: str, known: Sequence[str]
    ) -> None:
        self.problems = problems
        self.data = data
        self.path = path
        self.known = tuple(known)
        for key in data:
            if key not in self.known:
                self.problems.add(join(path, key), self._unknown_message(key))

    def _unknown_message(self, key: str) -> str:
        hint = did_you_mean(key, self.known)
        where = f"[{self.path}]" if self.path else "the top level"
        return f"unknown key; {hint}known keys in {where}: {', '.join(self.known)}"

    def key(self, key: str) -> str:
        """The key path of ``key`` in this table."""
        if key not in self.known:
            raise KeyError(f"{key!r} is not declared for {self.path or 'the top level'}")
        return join(self.path, key)

    def has(self, key: str) -> bool:
        """True when the table sets ``key``."""
        self.key(key)
        return key in self.data

    def raw(self, key: str) -> object | None:
        """The value of ``key`` as parsed, or None when missing."""
        self.key(key)
        return self.data.get(key)

    def number(
        self, key: str, default: float, *, low: float | None = None, high: float | None = None,
        low_open: bool = False, per_second: float = 1.0, why: str = "",
    ) -> float:
        """A number in range, in seconds (``per_second`` = 1000 for a ``_ms`` key), else
        ``default``."""
        value = self.optional_number(key, low=low, high=high, low_open=low_open,
                                     per_second=per_second, why=why)
        return default if value is None else value

    def optional_number(
        self, key: str, *, low: float | None = None, high: float | None = None,
        low_open: bool = False, per_second: float = 1.0, why: str = "",
    ) -> float | None:
        """A number in range converted to seconds (``in_seconds``), or None when missing or
        wrong."""
        path = self.key(key)
        if key not in self.data:
            return None
        value = self.data[key]
        if not check_number(self.problems, path, value, low=low, high=high, low_open=low_open,
                            why=why):
            return None
        return in_seconds(value, per_second)

    def integer(self, key: str, default: int, *, low: int, high: int) -> int:
        """A whole number in [low, high], else ``default``."""
        path = self.key(key)
        if key not in self.data:
            return default
        value = self.data[key]
        if not check_number(self.problems, path, value, low=low, high=high, whole=True):
            return default
        assert isinstance(value, int)
        return value

    def boolean(self, key: str, default: bool) -> bool:
        """``true`` or ``false``, else ``default``."""
        path = self.key(key)
        if key not in self.data:
            return default
        value = self.data[key]
        if not isinstance(value, bool):
            self.problems.add(path, f"must be true or false, not {type_name(value)} "
                                    f"({show(value)})")
            return default
        return value

    def text(
        self, key: str, default: str, *, choices: Sequence[str] | None = None,
        required: bool = False, nonempty: bool = False,
    ) -> str:
        """A string (one of ``choices`` when given), else ``default``."""
        path = self.key(key)
        if key not in self.data:
            if required:
                self.problems.add(path, self._missing_text(choices))
            return default
        value = self.data[key]
        if not isinstance(value, str):
            self.problems.add(path, f"must be a string, not {type_name(value)} ({show(value)})")
            return default
        if choices is not None and value not in choices:
            hint = did_you_mean(value, choices)
            self.problems.add(path, f"{hint}must be one of {', '.join(choices)}; "
                                    f"got {show(value)}")
            return default
        if nonempty and not value.strip():
            self.problems.add(path, "must not be empty")
            return default
        return value

    def _missing_text(self, choices: Sequence[str] | None) -> str:
        if choices is None:
            return "is required"
        return f"is required: one of {', '.join(choices)}"

    def table(self, key: str, known: Sequence[str]) -> Section | None:
        """The sub-table ``key`` whose allowed keys are ``known``, or None when missing."""
        path = self.key(key)
        if key not in self.data:
            return None
        value = self.data[key]
        if not isinstance(value, dict):
            self.problems.add(path, f"must be a table, not {type_name(value)} ({show(value)})")
            return None
        return Section(self.problems, value, path, known)

    def tables(self, key: str, known: Sequence[str]) -> list[Section]:
        """The array of tables ``key`` ([[key]] blocks) as Sections; wrong elements are reported."""
        path = self.key(key)
        if key not in self.data:
            return []
        value = self.data[key]
        if isinstance(value, dict):
            self.problems.add(path, f"must be written [[{path}]] (an array of tables), "
                                    f"not [{path}]")
            return []
        if not isinstance(value, list):
            self.problems.add(path, f"must be an array of tables ([[{path}]]), "
                                    f"not {type_name(value)}")
            return []
        result: list[Section] = []
        for index, element in enumerate(value):
            element_path = item(path, index)
            if isinstance(element, dict):
                result.append(Section(self.problems, element, element_path, known))
            else:
                self.problems.add(element_path, f"must be a table, not {type_name(element)}")
        return result
