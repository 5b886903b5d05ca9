"""The hook a consensus host applies committed entries to (the KV store; by default a list).

What a state machine applied is durable, as etcd's backend is: a restarted host builds a new
one that ``recover``s the applied state of the crashed one (its volatile parts start afresh),
and only entries after its ``applied_index`` are applied again (etcd skips the entries at or
below the consistent index it saved with its state). The log is not compacted (no snapshots),
so the consensus member hands out the committed log again and the host skips what is applied.

A state machine that also serves requests from inside its host is a ``HostedService``
(raft_host.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from simulator.consensus import CommittedEntry


class StateMachine(Protocol):
    """Receives committed entries in index order, and confirmed linearizable read rounds."""

    def apply(self, entry: CommittedEntry) -> None:
        """Apply one committed entry (index i is applied before i + 1, exactly once)."""
        ...

    def read_ready(self, ctx: int, index: int) -> None:
        """A read round ``ctx`` is confirmed: reads may be served once ``index`` applies."""
        ...

    @property
    def applied_index(self) -> int:
        """The highest index applied (0 before any)."""
        ...

    def recover(self, crashed: StateMachine) -> None:
        """Take over the durable applied state of ``crashed`` (the host's previous machine)."""
        ...


StateMachineFactory = Callable[[str], StateMachine]


class AppliedLog:
    """The default state machine: the list of applied entries and confirmed read rounds."""

    def __init__(self, node_id: str) -> None:
        self.node_id = node_id
        self.entries: list[CommittedEntry] = []
        self.reads: list[tuple[int, int]] = []

    def apply(self, entry: CommittedEntry) -> None:
        """Remember ``entry`` (checks that indices come in order without gaps)."""
        expected = len(self.entries) + 1
        if entry.index != expected:
            raise RuntimeError(f"{self.node_id}: applied index {entry.index}, "
                               f"expected {expected}")
        self.entries.append(entry)

    def read_ready(self, ctx: int, index: int) -> None:
        """Remember the confirmed read round."""
        self.reads.append((ctx, index))

    @property
    def applied_index(self) -> int:
        """The index of the last applied entry."""
        return len(self.entries)

    def recover(self, crashed: StateMachine) -> None:
        """Keep the entries the crashed machine applied (its read rounds were volatile)."""
        if isinstance(crashed, AppliedLog):
            self.entries = list(crashed.entries)

    @property
    def commands(self) -> list[str]:
        """The canonical text of every applied entry, in index order."""
        return [entry.canonical() for entry in self.entries]
