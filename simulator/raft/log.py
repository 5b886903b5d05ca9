"""The Raft log: entries at 1-based indexes in a Python list, with the checks Raft needs."""

from __future__ import annotations

from collections.abc import Iterable

from simulator.raft.messages import Entry


class RaftInvariantError(RuntimeError):
    """Raised when the protocol's safety would be broken (a bug, never a fault being simulated)."""


class RaftLog:
    """Entries 1..last_index, entry ``i`` stored at list position ``i - 1``; index 0 has term 0."""

    __slots__ = ("_entries",)

    def __init__(self, entries: Iterable[Entry] = ()) -> None:
        self._entries: list[Entry] = list(entries)
        previous_term = 0
        for position, entry in enumerate(self._entries, start=1):
            if entry.index != position:
                raise ValueError(f"log entry at position {position} has index {entry.index}")
            if entry.term < previous_term:
                raise ValueError(f"log entry {position} has term {entry.term} < {previous_term}")
            previous_term = entry.term

    @property
    def last_index(self) -> int:
        """The index of the last entry (0 when empty)."""
        return len(self._entries)

    @property
    def last_term(self) -> int:
        """The term of the last entry (0 when empty)."""
        return self._entries[-1].term if self._entries else 0

    def term_at(self, index: int) -> int:
        """The term of entry ``index`` (0 for index 0); IndexError beyond the last entry."""
        if index == 0:
            return 0
        if not 0 < index <= len(self._entries):
            raise IndexError(f"no log entry {index} (last is {len(self._entries)})")
        return self._entries[index - 1].term

    def entry(self, index: int) -> Entry:
        """The entry at ``index`` (1-based)."""
        if not 0 < index <= len(self._entries):
            raise IndexError(f"no log entry {index} (last is {len(self._entries)})")
        return self._entries[index - 1]

    def matches(self, index: int, term: int) -> bool:
        """True when the log has an entry at ``index`` with ``term`` (index 0 always matches)."""
        if index == 0:
            return True
        return index <= len(self._entries) and self._entries[index - 1].term == term

    def slice(self, first: int, last: int) -> tuple[Entry, ...]:
        """Entries ``first``..``last`` inclusive as a tuple (empty when first > last)."""
        return tuple(self._entries[first - 1 : last])

    def as_tuple(self) -> tuple[Entry, ...]:
        """All entries as a tuple (a copy: O(length))."""
        return tuple(self._entries)

    def append(self, term: int, command: object | None) -> Entry:
        """Append a new entry of ``term`` after the last one and return it."""
        entry = Entry(term, len(self._entries) + 1, command)
        self._entries.append(entry)
        return entry

    def is_up_to_date(self, last_index: int, last_term: int) -> bool:
        """True when a log ending at (last_index, last_term) is at least as up to date as ours."""
        our_term = self.last_term
        return last_term > our_term or (last_term == our_term and last_index >= self.last_index)

    def find_conflict_by_term(self, index: int, term: int) -> int:
        """The largest index <= ``index`` whose term is <= ``term`` (etcd's findConflictByTerm)."""
        index = min(index, len(self._entries))
        entries = self._entries
        while index > 0 and entries[index - 1].term > term:
            index -= 1
        return index

    def merge(self, entries: tuple[Entry, ...], committed: int) -> tuple[int, int]:
        """Write a leader's consecutive ``entries``, replacing conflicting uncommitted ones.

        Entries already present with the same term are kept (duplicates are harmless). Returns
        (first index written, index truncated from), each 0 when nothing was. Raises
        RaftInvariantError when a committed entry would be replaced.
        """
        ours = self._entries
        count = len(ours)
        for position, entry in enumerate(entries):
            if entry.index > count:
                if entry.index != count + 1:
                    raise RaftInvariantError(f"gap in the log: {entry.index} after {count}")
                ours.extend(entries[position:])
                return entry.index, 0
            if ours[entry.index - 1].term != entry.term:
                if entry.index <= committed:
                    raise RaftInvariantError(
                        f"committed entry {entry.index} (term {ours[entry.index - 1].term}) "
                        f"would be replaced by term {entry.term}"
                    )
                del ours[entry.index - 1 :]
                ours.extend(entries[position:])
                return entry.index, entry.index
        return 0, 0
