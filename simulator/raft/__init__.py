"""Pure Raft: a deterministic state machine per node (no simpy, no clock, no global random).

``RaftNode`` is the node; ``Ready`` is what it hands its host; messages and notes are frozen
dataclasses. See docs/architecture.md ("Raft core") for how the runtime drives it.
"""

from simulator.raft.log import RaftInvariantError, RaftLog
from simulator.raft.messages import (
    AppendEntries,
    AppendEntriesResponse,
    Entry,
    Heartbeat,
    HeartbeatResponse,
    Message,
    RequestVote,
    RequestVoteResponse,
    TimeoutNow,
)
from simulator.raft.node import RaftNode
from simulator.raft.options import PersistentState, RaftOptions, Role
from simulator.raft.progress import Progress, quorum_size, quorum_value
from simulator.raft.readindex import ReadIndexQueue
from simulator.raft.ready import (
    Committed,
    ElectionTimerReset,
    LogAppended,
    LogTruncated,
    Note,
    Ready,
    RoleChanged,
    VoteGranted,
)

__all__ = [
    "AppendEntries",
    "AppendEntriesResponse",
    "Committed",
    "ElectionTimerReset",
    "Entry",
    "Heartbeat",
    "HeartbeatResponse",
    "LogAppended",
    "LogTruncated",
    "Message",
    "Note",
    "PersistentState",
    "Progress",
    "RaftInvariantError",
    "RaftLog",
    "RaftNode",
    "RaftOptions",
    "ReadIndexQueue",
    "Ready",
    "RequestVote",
    "RequestVoteResponse",
    "Role",
    "RoleChanged",
    "TimeoutNow",
    "VoteGranted",
    "quorum_size",
    "quorum_value",
]
