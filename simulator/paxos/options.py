"""A Multi-Paxos node's options, its role names, and the state that survives a crash."""

from __future__ import annotations

import math
from enum import StrEnum

from simulator.frozen import frozen
from simulator.paxos.messages import ZERO_BALLOT, Ballot, SlotValue


class Role(StrEnum):
    """A Multi-Paxos node's roles (the trace's paxos.role ``role`` values)."""

    FOLLOWER = "follower"
    CANDIDATE = "candidate"  # running phase 1 with its own ballot
    LEADER = "leader"


@frozen
class PaxosOptions:
    """Timing (seconds of the node's local clock) and protocol switches.

    A follower that hears no leader for a timeout drawn uniformly from
    [election_timeout_min, election_timeout_max] runs phase 1. ``backoff``: a pre-empted
    candidate or leader steps back and waits such a random timeout before trying again (off: it
    retries at once with a higher ballot, so duelling proposers can livelock).
    ``leader_lease``: followers refuse to promise another ballot for ``election_timeout_min``
    after the leader's last message, so the leader may serve reads without a round trip.
    """

    heartbeat_interval: float = 0.1
    election_timeout_min: float = 1.0
    election_timeout_max: float = 2.0
    backoff: bool = True
    leader_lease: bool = False

    def __post_init__(self) -> None:
        for name in ("heartbeat_interval", "election_timeout_min", "election_timeout_max"):
            value = getattr(self, name)
            if not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
                raise ValueError(f"PaxosOptions.{name} must be a positive number, got {value!r}")
        if self.election_timeout_max < self.election_timeout_min:
            raise ValueError(
                f"PaxosOptions.election_timeout_max ({self.election_timeout_max}) must be >= "
                f"election_timeout_min ({self.election_timeout_min})"
            )

    @property
    def lease_duration(self) -> float:
        """How long a follower's grant of the leader lease lasts (the minimum timeout)."""
        return self.election_timeout_min


@frozen
class PaxosState:
    """What an acceptor keeps on disk: the promised ballot and every slot's accepted value.

    ``accepted[i]`` is slot ``i + 1``'s accepted value, None where nothing was accepted.
    """

    promised: Ballot = ZERO_BALLOT
    accepted: tuple[SlotValue | None, ...] = ()
