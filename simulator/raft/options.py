"""A Raft node's protocol options, its role names, and the state that survives a crash."""

from __future__ import annotations

import math
from enum import StrEnum
from typing import TYPE_CHECKING

from simulator.frozen import frozen
from simulator.raft.messages import Entry

if TYPE_CHECKING:
    from simulator.config import RaftConfig


TIMER_RULES = ("etcd", "paper")
CHECK_QUORUM_TIMINGS = ("etcd", "exact")
# etcd's server caps one append message at 1 MiB of entries (server/etcdserver/raft.go
# maxSizePerMsg, handed to raft's Config.MaxSizePerMsg).
ETCD_MAX_SIZE_PER_MSG = 1024 * 1024


class Role(StrEnum):
    """The four roles of a Raft node (the trace's raft.role ``role`` values)."""

    FOLLOWER = "follower"
    PRECANDIDATE = "precandidate"
    CANDIDATE = "candidate"
    LEADER = "leader"


@frozen
class RaftOptions:
    """Timing (seconds of the node's local clock) and protocol switches; etcd's defaults.

    The election timeout is drawn uniformly from [election_timeout_min, election_timeout_max].
    ``check_quorum`` also turns on leader stickiness, as in etcd.
    ``timer_rules`` says when the election timer is reset and re-drawn: "etcd" (etcd-io/raft:
    a new random timeout is drawn only when the node's term or role changes (``reset``); a
    heartbeat, an append or a granted vote restarts the same timeout; a candidate that lost
    the vote steps down at once) or "paper" (the Raft paper and its LogCabin implementation:
    only AppendEntries from the current leader, granting a vote or starting an election reset
    the timer, each time with a new random timeout; a higher term alone does not; a losing
    candidate waits for its timeout).
    ``check_quorum_timing``: "etcd" (the leader checks once per minimum election timeout
    whether a majority was active since the previous check, so it steps down between one and
    two timeouts after losing the majority) or "exact" (it steps down exactly one minimum
    election timeout after the majority's latest contact).
    ``max_size_per_msg``: the bytes of entries one append may carry (at least one entry is
    always sent); an entry counts its command's canonical text plus 16 bytes of framing.
    """

    heartbeat_interval: float = 0.1
    election_timeout_min: float = 1.0
    election_timeout_max: float = 2.0
    pre_vote: bool = True
    check_quorum: bool = True
    timer_rules: str = "etcd"
    check_quorum_timing: str = "etcd"
    max_size_per_msg: int = ETCD_MAX_SIZE_PER_MSG

    def __post_init__(self) -> None:
        if self.timer_rules not in TIMER_RULES:
            raise ValueError(
                f"RaftOptions.timer_rules must be one of {', '.join(TIMER_RULES)}, "
                f"got {self.timer_rules!r}"
            )
        if self.check_quorum_timing not in CHECK_QUORUM_TIMINGS:
            raise ValueError(
                "RaftOptions.check_quorum_timing must be one of "
                f"{', '.join(CHECK_QUORUM_TIMINGS)}, got {self.check_quorum_timing!r}"
            )
        if (not isinstance(self.max_size_per_msg, int) or isinstance(self.max_size_per_msg, bool)
                or self.max_size_per_msg < 1):
            raise ValueError(
                f"RaftOptions.max_size_per_msg must be a whole number of bytes >= 1, "
                f"got {self.max_size_per_msg!r}"
            )
        for name in ("heartbeat_interval", "election_timeout_min", "election_timeout_max"):
            value = getattr(self, name)
            if not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
                raise ValueError(f"RaftOptions.{name} must be a positive number, got {value!r}")
        if self.election_timeout_max < self.election_timeout_min:
            raise ValueError(
                f"RaftOptions.election_timeout_max ({self.election_timeout_max}) must be >= "
                f"election_timeout_min ({self.election_timeout_min})"
            )

    @staticmethod
    def from_config(config: RaftConfig) -> RaftOptions:
        """Take the protocol options out of a scenario's Raft configuration."""
        return RaftOptions(
            heartbeat_interval=config.heartbeat_interval,
            election_timeout_min=config.election_timeout_min,
            election_timeout_max=config.election_timeout_max,
            pre_vote=config.pre_vote,
            check_quorum=config.check_quorum,
            check_quorum_timing=config.check_quorum_timing,
        )


@frozen
class PersistentState:
    """What a node keeps on disk and finds again after a crash: term, vote and log."""

    term: int = 0
    voted_for: str | None = None
    log: tuple[Entry, ...] = ()
