"""What a store call raises: the store refused it, or no member answered in time."""

from __future__ import annotations

from simulator.kv.responses import ErrorResponse


class StoreError(Exception):
    """The store answered with an error (``response``), or the call could not complete."""

    def __init__(self, message: str, response: ErrorResponse | None = None) -> None:
        super().__init__(message)
        self.response = response


class StoreUnavailable(StoreError):
    """No member answered within the retries (or the client's host is down)."""


class WatchCancelled(StoreError):
    """The watch ended: the client cancelled it, or its start revision was compacted."""

    def __init__(self, message: str, compact_revision: int = 0) -> None:
        super().__init__(message)
        self.compact_revision = compact_revision
