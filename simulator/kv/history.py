"""One key's versions over revisions, readable at any revision not yet compacted."""

from __future__ import annotations

import bisect

from simulator.kv.records import KeyValue


class KeyHistory:
    """The versions of one key in revision order; ``None`` marks a deletion (a tombstone)."""

    __slots__ = ("revisions", "versions")

    def __init__(self) -> None:
        self.revisions: list[int] = []
        self.versions: list[KeyValue | None] = []

    def append(self, revision: int, kv: KeyValue | None) -> None:
        """Record the key's version written at ``revision`` (greater than every earlier one)."""
        if self.revisions and revision <= self.revisions[-1]:
            raise ValueError(
                f"revision {revision} is not after the last one {self.revisions[-1]}"
            )
        self.revisions.append(revision)
        self.versions.append(kv)

    def at(self, revision: int) -> KeyValue | None:
        """The key's version as of ``revision`` (None when absent or deleted then)."""
        position = bisect.bisect_right(self.revisions, revision)
        return self.versions[position - 1] if position else None

    def compact(self, revision: int) -> bool:
        """Drop versions no read at ``revision`` or later needs; True when nothing is left.

        Keeps the newest version at or below ``revision`` unless it is a deletion, and every
        later one, so ``at(r)`` is unchanged for every ``r >= revision``.
        """
        keep_from = bisect.bisect_right(self.revisions, revision) - 1
        if keep_from >= 0 and self.versions[keep_from] is None:
            keep_from += 1
        keep_from = max(keep_from, 0)
        del self.revisions[:keep_from]
        del self.versions[:keep_from]
        return not self.revisions

    def items(self) -> tuple[tuple[int, KeyValue | None], ...]:
        """Every kept (revision, version) pair, oldest first."""
        return tuple(zip(self.revisions, self.versions, strict=True))
