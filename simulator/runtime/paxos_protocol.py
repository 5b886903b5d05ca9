"""Multi-Paxos's binding to the runtime: builds PaxosNodes and traces their notes as paxos.*."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from typing import TYPE_CHECKING

from simulator.paxos.messages import PaxosMessage, SlotValue
from simulator.paxos.node import PaxosNode
from simulator.paxos.options import PaxosOptions, PaxosState
from simulator.paxos.ready import (
    Chosen,
    ElectionTimerReset,
    Promised,
    Recovered,
    RoleChanged,
    ValueAccepted,
)
from simulator.trace.events import (
    PaxosAccept,
    PaxosApply,
    PaxosChosen,
    PaxosPromise,
    PaxosRecover,
    PaxosRole,
)

if TYPE_CHECKING:
    from simulator.config import RaftConfig
    from simulator.runtime.raft_host import RaftHost


def _text(command: object | None) -> str:
    return "noop" if command is None else str(command)


class PaxosProtocol:
    """Multi-Paxos as a ``ConsensusProtocol``: one PaxosNode per host with ``options``."""

    name = "multi-paxos"
    message_type: type = PaxosMessage
    timer_note: type = ElectionTimerReset  # traced as raft.timer (see ConsensusProtocol)

    def __init__(self, options: PaxosOptions) -> None:
        self.options = options

    @staticmethod
    def from_config(config: RaftConfig) -> PaxosProtocol:
        """The binding for a cluster configuration (timing, back-off, leader lease)."""
        try:
            options = PaxosOptions(config.heartbeat_interval, config.election_timeout_min,
                                   config.election_timeout_max, config.backoff,
                                   config.leader_lease)
        except ValueError as problem:
            raise ValueError(str(problem).replace("PaxosOptions.", "raft.")) from None
        return PaxosProtocol(options)

    def build(self, node_id: str, peers: Sequence[str], rng: random.Random,
              storage: PaxosState | None, now: float) -> PaxosNode:
        """A PaxosNode, fresh or from the PaxosState a crash kept."""
        return PaxosNode(node_id, peers, self.options, rng, storage=storage, now=now)

    def trace_notes(self, host: RaftHost, notes: Sequence[object]) -> None:
        """raft.timer (the election timer, kept compactly as for Raft) / paxos.role / promise /
        accept / recover / chosen for each note."""
        now = host.env._now  # noqa: SLF001
        emit = host.trace.emit
        timer = host.trace.raft_timer
        node_id = host.id
        clock = host.clock
        for note in notes:
            cls = type(note)
            if cls is ElectionTimerReset:
                deadline = (note.deadline - clock.offset) / clock.rate  # type: ignore[attr-defined]
                timer(now, node_id, deadline)
            elif cls is ValueAccepted:
                value = note.value  # type: ignore[attr-defined]
                emit(PaxosAccept(now, node_id, value.slot, value.ballot,
                                 _text(value.command)))
            elif cls is Chosen:
                emit(PaxosChosen(now, node_id, note.slot))  # type: ignore[attr-defined]
            elif cls is RoleChanged:
                role = str(note.role)  # type: ignore[attr-defined]
                ballot = note.ballot  # type: ignore[attr-defined]
                emit(PaxosRole(now, node_id, role, ballot))
                host.role_changed(role, ballot)
            elif cls is Promised:
                emit(PaxosPromise(now, node_id, note.ballot, note.to))  # type: ignore[attr-defined]
            elif cls is Recovered:
                emit(PaxosRecover(now, node_id, note.slot, note.ballot,  # type: ignore[attr-defined]
                                  _text(note.command), note.source, note.was,  # type: ignore[attr-defined]
                                  note.chosen))  # type: ignore[attr-defined]

    def apply_committed(self, host: RaftHost, entries: Sequence[SlotValue]) -> None:  # type: ignore[override]
        """Apply each chosen slot and trace it as paxos.apply."""
        now = host.env.now
        emit = host.trace.emit
        apply = host.state_machine.apply
        node_id = host.id
        for value in entries:
            apply(value)
            emit(PaxosApply(now, node_id, value.slot, value.ballot, value.canonical()))

    def clock_changed(self, host: RaftHost) -> None:
        """A follower's election timer fires at another simulated time: trace raft.timer."""
        node = host.node
        if node is not None and host.role != "leader":
            deadline = host.clock.to_sim(node.next_deadline())
            if deadline != math.inf:
                host.trace.raft_timer(host.env.now, host.id, deadline)
