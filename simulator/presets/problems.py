"""Validation problems of a preset and the one error that carries all of them."""

from __future__ import annotations

from collections.abc import Iterable

from simulator.frozen import frozen


@frozen
class Problem:
    """One mistake in a preset: the file, the key path (e.g. ``faults[3].target``) and what is
    allowed. ``key_path`` is empty for problems of the file as a whole (unreadable, bad TOML)."""

    file: str
    key_path: str
    message: str

    def __str__(self) -> str:
        if self.key_path:
            return f"{self.file}: {self.key_path}: {self.message}"
        return f"{self.file}: {self.message}"


class PresetError(Exception):
    """A preset could not be loaded: every problem found in it, one per line in ``str()``."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        if not self.problems:
            raise ValueError("PresetError needs at least one problem")
        super().__init__("\n".join(str(p) for p in self.problems))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)
