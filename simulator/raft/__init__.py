"""Pure Raft: a deterministic state machine per node (no simpy, no clock, no global random).

``RaftNode`` is the node; ``Ready`` is what it hands its host; messages and notes are frozen
dataclasses. See docs/architecture.md ("Raft core") for how the runtime drives it.
"""

from simulator.raft.log import RaftInvariantError, RaftLog
from simulator.raft.messages import (
    AppendEntries,
    AppendEntriesResponse,
    Entry,
    Message,
    RequestVote,
    RequestVoteResponse,
    TimeoutNow,
)
from simulator.raft.node import RaftNode
from simulator.raft.options import PersistentState, RaftOptions, Role
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
    "LogAppended",
    "LogTruncated",
    "Message",
    "Note",
    "PersistentState",
    "RaftInvariantError",
    "RaftLog",
    "RaftNode",
    "RaftOptions",
    "Ready",
    "RequestVote",
    "RequestVoteResponse",
    "Role",
    "RoleChanged",
    "TimeoutNow",
    "VoteGranted",
]
