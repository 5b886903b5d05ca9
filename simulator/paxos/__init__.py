"""Pure Multi-Paxos: a deterministic state machine per node (no simpy, no clock, no global random).

``PaxosNode`` is the node (it satisfies ``simulator.consensus.ConsensusMember``); ``Ready`` is
what it hands its host; messages and notes are frozen dataclasses. docs/paxos.md gives the
protocol's choices and their sources.
"""

from simulator.paxos.messages import (
    ZERO_BALLOT,
    Accept,
    Accepted,
    Ballot,
    Decide,
    Heartbeat,
    HeartbeatAck,
    Nack,
    PaxosMessage,
    Prepare,
    Promise,
    SlotValue,
    ballot_text,
)
from simulator.paxos.node import PaxosNode
from simulator.paxos.options import PaxosOptions, PaxosState, Role
from simulator.paxos.ready import (
    Chosen,
    ElectionTimerReset,
    Note,
    Promised,
    Ready,
    Recovered,
    RoleChanged,
    ValueAccepted,
)

__all__ = [
    "ZERO_BALLOT",
    "Accept",
    "Accepted",
    "Ballot",
    "Chosen",
    "Decide",
    "ElectionTimerReset",
    "Heartbeat",
    "HeartbeatAck",
    "Nack",
    "Note",
    "PaxosMessage",
    "PaxosNode",
    "PaxosOptions",
    "PaxosState",
    "Prepare",
    "Promise",
    "Promised",
    "Ready",
    "Recovered",
    "Role",
    "RoleChanged",
    "SlotValue",
    "ValueAccepted",
    "ballot_text",
]
