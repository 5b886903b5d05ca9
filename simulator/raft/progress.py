"""The leader's view of each follower: replication progress and when it was last heard."""

from __future__ import annotations

from simulator.raft.messages import Heartbeat


class Progress:
    """How far one follower's log is known to match the leader's, and what to send it next.

    In probe mode (after election or a rejection) the leader sends one append at ``next`` and
    waits for the answer; in replicate mode it streams new entries and advances ``next``
    optimistically. ``last_heard`` is the local time of the follower's latest message this term;
    ``recent_active`` says whether it was heard since the leader's previous quorum check (etcd's
    RecentActive).
    """

    __slots__ = ("match", "next", "probing", "last_heard", "recent_active", "heartbeat")

    def __init__(self, next_index: int, now: float) -> None:
        self.match = 0
        self.next = next_index
        self.probing = True
        self.last_heard = now
        self.recent_active = False
        self.heartbeat: Heartbeat | None = None  # the last heartbeat sent, for reuse

    def __repr__(self) -> str:
        mode = "probe" if self.probing else "replicate"
        return f"Progress(match={self.match}, next={self.next}, {mode})"


def quorum_size(members: int) -> int:
    """The number of votes or acknowledgements that make a majority of ``members``."""
    return members // 2 + 1


def quorum_value(values: list[int] | list[float], quorum: int) -> float:
    """The largest value that at least ``quorum`` of ``values`` reach (the quorum-th largest)."""
    return sorted(values, reverse=True)[quorum - 1]
