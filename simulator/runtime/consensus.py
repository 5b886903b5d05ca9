"""How the runtime binds a consensus protocol: build a member, trace what it reports.

A ``ConsensusProtocol`` is everything protocol-specific a consensus host (raft_host.py) needs:
the base class of the protocol's messages, how to build a member (fresh or from the persistent
state a crash kept), and how to turn the member's notes and committed entries into trace events.
Raft's binding is ``raft_protocol.RaftProtocol``, Multi-Paxos's ``paxos_protocol.PaxosProtocol``;
``protocol_for(scenario)`` picks a scenario's.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

from simulator.consensus import CommittedEntry, ConsensusMember
from simulator.raft.options import RaftOptions
from simulator.runtime.raft_protocol import RaftProtocol

if TYPE_CHECKING:
    from simulator.config import Scenario
    from simulator.runtime.raft_host import RaftHost


class ConsensusProtocol(Protocol):
    """The protocol-specific side of a consensus host."""

    name: str  # run.start's ``protocol``: "raft" or "multi-paxos"
    message_type: type  # every message of the protocol is an instance of it
    # The note saying the member's election timer now ends at ``note.deadline`` (local time),
    # traced as raft.timer by ``trace_notes``; a host may trace a lone one itself.
    timer_note: type

    def build(self, node_id: str, peers: Sequence[str], rng: random.Random,
              storage: Any, now: float) -> ConsensusMember:
        """A member, fresh (``storage`` None) or restarted from its persistent state."""
        ...

    def trace_notes(self, host: RaftHost, notes: Sequence[object]) -> None:
        """Emit the notes' trace events; report role changes with ``host.role_changed``."""
        ...

    def apply_committed(self, host: RaftHost, entries: Sequence[CommittedEntry]) -> None:
        """Apply ``entries`` to the host's state machine in order, tracing each apply."""
        ...

    def clock_changed(self, host: RaftHost) -> None:
        """The host's local clock changed: trace timers that moved in simulated time."""
        ...


def protocol_for(scenario: Scenario) -> ConsensusProtocol:
    """The consensus protocol binding for ``scenario``'s cluster (ValueError naming the key)."""
    protocol = scenario.raft.protocol
    if protocol == "multi-paxos":
        from simulator.runtime.paxos_protocol import PaxosProtocol  # only Multi-Paxos runs load it

        return PaxosProtocol.from_config(scenario.raft)
    if protocol != "raft":
        raise ValueError(f"cluster.protocol must be raft or multi-paxos, got {protocol!r}")
    try:
        options = RaftOptions.from_config(scenario.raft)
    except ValueError as problem:
        raise ValueError(str(problem).replace("RaftOptions.", "raft.")) from None
    return RaftProtocol(options)
