"""Pure Raft: a deterministic state machine per node (no simpy, no clock, no global random).

``RaftNode`` is the node; ``Ready`` is what it hands its host; messages and notes are frozen
dataclasses. See docs/architecture.md ("Raft core") for how the runtime drives it.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

# Where each name is defined. A name is imported from its module when first asked for, so
# importing one module of the package (e.g. for a constant) does not load all the others.
_HOME = {
    "RaftInvariantError": "log",
    "RaftLog": "log",
    "AppendEntries": "messages",
    "AppendEntriesResponse": "messages",
    "Entry": "messages",
    "Heartbeat": "messages",
    "HeartbeatResponse": "messages",
    "Message": "messages",
    "RequestVote": "messages",
    "RequestVoteResponse": "messages",
    "TimeoutNow": "messages",
    "RaftNode": "node",
    "PersistentState": "options",
    "RaftOptions": "options",
    "Role": "options",
    "Progress": "progress",
    "quorum_size": "progress",
    "quorum_value": "progress",
    "ReadIndexQueue": "readindex",
    "Committed": "ready",
    "ElectionTimerReset": "ready",
    "LogAppended": "ready",
    "LogTruncated": "ready",
    "Note": "ready",
    "Ready": "ready",
    "RoleChanged": "ready",
    "VoteGranted": "ready",
}

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


def __getattr__(name: str) -> Any:
    """``name`` from the module that defines it (imported now if it was not yet)."""
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value
