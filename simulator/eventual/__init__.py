"""The pure eventually consistent store: ring, replicas and request coordinators (Dynamo-style).

No simpy, no clock, no global random: every call takes the caller's local time as a float, so
the same objects run under the simpy runtime and under a tiny event loop in an experiment.
"""

from simulator.eventual.antientropy import exchange
from simulator.eventual.coordinator import (
    ConditionalPutCoordinator,
    Coordinator,
    Outcome,
    ReadCoordinator,
    ScanCoordinator,
    Settings,
    WriteCoordinator,
)
from simulator.eventual.lwt import BallotClock, CasCoordinator, Condition
from simulator.eventual.lwt_messages import Proposal, ballot_label, ballot_ts
from simulator.eventual.messages import (
    ReadReply,
    ReplicaRead,
    ReplicaScan,
    ReplicaWrite,
    ScanReply,
    Send,
    WriteAck,
)
from simulator.eventual.replica import Hint, ReadResult, Replica, WriteResult
from simulator.eventual.ring import Ring, Target, initial_targets
from simulator.eventual.versions import Expect, Timestamp, Version, newest

__all__ = [
    "BallotClock",
    "CasCoordinator",
    "Condition",
    "Proposal",
    "ballot_label",
    "ballot_ts",
    "ConditionalPutCoordinator",
    "Coordinator",
    "Expect",
    "Hint",
    "Outcome",
    "ReadCoordinator",
    "ReadReply",
    "ReadResult",
    "Replica",
    "ReplicaRead",
    "ReplicaScan",
    "ScanCoordinator",
    "ScanReply",
    "Settings",
    "ReplicaWrite",
    "Ring",
    "Send",
    "Target",
    "Timestamp",
    "Version",
    "WriteAck",
    "WriteCoordinator",
    "WriteResult",
    "exchange",
    "initial_targets",
    "newest",
]
