"""A one-line progress bar on a terminal's stderr (silent when stderr is not a terminal)."""

from __future__ import annotations

from typing import TextIO


class ProgressBar:
    """Call it with ``(done, total)`` trials as they finish; ``close()`` ends the line."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        try:
            self.enabled = stream.isatty()
        except (AttributeError, ValueError):
            self.enabled = False
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        filled = 30 * done // total
        self.stream.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done}/{total} trials")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        """End the bar's line if it was drawn."""
        if self.shown:
            self.stream.write("\n")
            self.shown = False
