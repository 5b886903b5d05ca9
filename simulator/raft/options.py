"""A Raft node's protocol options, its role names, and the state that survives a crash."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from simulator.raft.messages import Entry

if TYPE_CHECKING:
    from simulator.config import RaftConfig


TIMER_RULES = ("etcd", "paper")


class Role(StrEnum):
    """The four roles of a Raft node (the trace's raft.role ``role`` values)."""

    FOLLOWER = "follower"
    PRECANDIDATE = "precandidate"
    CANDIDATE = "candidate"
    LEADER = "leader"


@dataclass(frozen=True, slots=True)
class RaftOptions:
    """Timing (seconds of the node's local clock) and protocol switches; etcd's defaults.

    The election timeout is drawn uniformly from [election_timeout_min, election_timeout_max]
    at every reset. ``check_quorum`` also turns on leader stickiness, as in etcd.
    ``timer_rules`` says when the election timer is reset: "etcd" (etcd-io/raft: every step
    down to follower re-draws it, and a candidate that lost the vote steps down at once) or
    "paper" (the Raft paper and its LogCabin implementation: only AppendEntries from the
    current leader or granting a vote reset it; a losing candidate waits for its timeout).
    """

    heartbeat_interval: float = 0.1
    election_timeout_min: float = 1.0
    election_timeout_max: float = 2.0
    pre_vote: bool = True
    check_quorum: bool = True
    timer_rules: str = "etcd"

    def __post_init__(self) -> None:
        if self.timer_rules not in TIMER_RULES:
            raise ValueError(
                f"RaftOptions.timer_rules must be one of {', '.join(TIMER_RULES)}, "
                f"got {self.timer_rules!r}"
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
        )


@dataclass(frozen=True, slots=True)
class PersistentState:
    """What a node keeps on disk and finds again after a crash: term, vote and log."""

    term: int = 0
    voted_for: str | None = None
    log: tuple[Entry, ...] = ()
