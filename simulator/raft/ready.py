"""What a Raft node hands its host: notes about what happened, and the drained ``Ready`` batch.

Notes are small frozen records the host stamps with simulated time and turns into trace events.
"""

from __future__ import annotations

from typing import NamedTuple

from simulator.frozen import frozen
from simulator.raft.messages import Entry, Message
from simulator.raft.options import Role


@frozen
class RoleChanged:
    """The node's role or term changed (also reported once when the node starts)."""

    role: Role
    term: int


@frozen
class VoteGranted:
    """The node granted ``candidate`` its vote (or pre-vote) for ``term``."""

    candidate: str
    term: int
    pre_vote: bool


@frozen
class LogAppended:
    """Entries ``first_index``..``last_index`` were written; ``term`` is the last one's term."""

    first_index: int
    last_index: int
    term: int


@frozen
class LogTruncated:
    """Uncommitted entries from ``from_index`` on were removed because they conflict."""

    from_index: int


@frozen
class Committed:
    """The node's commit index advanced to ``index``."""

    index: int


class ElectionTimerReset(NamedTuple):
    """The election timer was reset; it will fire at local time ``deadline``.

    An immutable named tuple (a follower notes one per heartbeat: the cheapest to build)."""

    deadline: float


Note = RoleChanged | VoteGranted | LogAppended | LogTruncated | Committed | ElectionTimerReset


class Ready(NamedTuple):
    """Everything a node produced since the previous ``ready()`` call.

    ``messages`` go out after the state is on disk when ``must_persist`` is true (term, vote or
    log changed); ``committed`` entries are applied in order; ``read_states`` are confirmed
    ReadIndex rounds as (ctx, commit index) pairs. An immutable named tuple: the node builds
    one after nearly every message, and a tuple is the cheapest immutable record to build.
    """

    messages: tuple[Message, ...] = ()
    must_persist: bool = False
    committed: tuple[Entry, ...] = ()
    notes: tuple[Note, ...] = ()
    read_states: tuple[tuple[int, int], ...] = ()

    @property
    def empty(self) -> bool:
        """True when there is nothing to send, write, apply, report or answer."""
        return not (
            self.messages or self.must_persist or self.committed or self.notes or self.read_states
        )
