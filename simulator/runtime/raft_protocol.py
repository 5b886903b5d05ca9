"""Raft's binding to the runtime: builds RaftNodes and traces their notes as raft.* events."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from typing import TYPE_CHECKING

from simulator.raft.messages import Entry, Message
from simulator.raft.node import RaftNode
from simulator.raft.options import PersistentState, RaftOptions
from simulator.raft.ready import (
    Committed,
    ElectionTimerReset,
    LogAppended,
    LogTruncated,
    RoleChanged,
    VoteGranted,
)
from simulator.trace.events import (
    RaftAppend,
    RaftApply,
    RaftCommit,
    RaftRole,
    RaftTruncate,
    RaftVote,
)

if TYPE_CHECKING:
    from simulator.runtime.raft_host import RaftHost


class RaftProtocol:
    """Raft as a ``ConsensusProtocol``: one RaftNode per host with ``options``."""

    name = "raft"
    message_type: type = Message
    timer_note: type = ElectionTimerReset  # traced as raft.timer (see ConsensusProtocol)

    def __init__(self, options: RaftOptions) -> None:
        self.options = options

    def build(self, node_id: str, peers: Sequence[str], rng: random.Random,
              storage: PersistentState | None, now: float) -> RaftNode:
        """A RaftNode, fresh or from the PersistentState a crash kept."""
        return RaftNode(node_id, peers, self.options, rng, storage=storage, now=now)

    def trace_notes(self, host: RaftHost, notes: Sequence[object]) -> None:
        """raft.timer / role / append / commit / truncate / vote for each note."""
        now = host.env._now  # noqa: SLF001
        trace = host.trace
        node_id = host.id
        for note in notes:
            cls = type(note)
            if cls is ElectionTimerReset:  # nearly every note: a follower heard its leader
                if trace.wants_timers:
                    clock = host.clock
                    trace.raft_timer(now, node_id,
                                     (note.deadline - clock.offset) / clock.rate)  # type: ignore[attr-defined]
                continue
            emit = trace.emit
            if cls is RoleChanged:
                role = str(note.role)  # type: ignore[attr-defined]
                term = note.term  # type: ignore[attr-defined]
                emit(RaftRole(now, node_id, role, term))
                host.role_changed(role, term)
            elif cls is LogAppended:
                emit(RaftAppend(now, node_id, note.first_index, note.last_index,  # type: ignore[attr-defined]
                                note.term))  # type: ignore[attr-defined]
            elif cls is Committed:
                emit(RaftCommit(now, node_id, note.index))  # type: ignore[attr-defined]
            elif cls is LogTruncated:
                emit(RaftTruncate(now, node_id, note.from_index))  # type: ignore[attr-defined]
            elif cls is VoteGranted:
                emit(RaftVote(now, node_id, note.candidate, note.term,  # type: ignore[attr-defined]
                              note.pre_vote))  # type: ignore[attr-defined]

    def apply_committed(self, host: RaftHost, entries: Sequence[Entry]) -> None:  # type: ignore[override]
        """Apply each entry and trace it as raft.apply."""
        now = host.env.now
        emit = host.trace.emit
        apply = host.state_machine.apply
        node_id = host.id
        for entry in entries:
            apply(entry)
            emit(RaftApply(now, node_id, entry.index, entry.term, entry.canonical()))

    def clock_changed(self, host: RaftHost) -> None:
        """A follower's election timer fires at another simulated time: trace raft.timer."""
        node = host.node
        if node is not None and host.role != "leader":
            deadline = host.clock.to_sim(node.next_deadline())
            if deadline != math.inf:
                host.trace.raft_timer(host.env.now, host.id, deadline)
