"""What the canvas legend lists for a run: rows that follow the run's store and protocol.

Each row names a symbol the canvas draws (``symbol``) and what it means (``text``). The rows of
the cluster's nodes come from the protocol the run describes (run.start's ``protocol``): Raft's
roles with PreVote's pre-candidate, Multi-Paxos's roles, or on the eventual store (protocol
"none") how fresh each replica's copy of the leader key is. The views ask ``legend_rows`` and
draw what it returns; they hold no per-protocol knowledge of their own.
"""

from __future__ import annotations

from simulator.frozen import frozen



@frozen
class LegendRow:
    """One legend row: the symbol drawn (a role, a replica state, an overlay) and its meaning."""

    symbol: str
    text: str


def _consensus(name: str, pre_vote: bool) -> tuple[LegendRow, ...]:
    rows = [LegendRow("follower", "Follower")]
    if pre_vote:
        rows.append(LegendRow("precandidate", "Pre-candidate"))
    rows += [LegendRow("candidate", "Candidate"), LegendRow("leader", f"{name} leader"),
             LegendRow("crashed", "Crashed"), LegendRow("paused", "Paused (GC)"),
             LegendRow("timer", "Election timer left")]
    return tuple(rows)


_REPLICAS = (
    LegendRow("newest", "Newest leader key"),
    LegendRow("older", "Older leader key"),
    LegendRow("expired", "Expired or no copy"),
    LegendRow("crashed", "Crashed"),
    LegendRow("paused", "Paused (GC)"),
)

_LEASE = LegendRow("lease", "Lease time left")
_NETWORK = (
    LegendRow("message", "Message in flight"),
    LegendRow("cut", "Cut link"),
    LegendRow("wall", "Wall (partition)"),
)
_APP = LegendRow("app", "App server leading")

_LEGENDS: dict[str, tuple[LegendRow, ...]] = {
    "raft": (*_consensus("Raft", pre_vote=True), _APP, _LEASE, *_NETWORK),
    "multi-paxos": (*_consensus("Multi-Paxos", pre_vote=False), _APP, _LEASE, *_NETWORK),
    # the eventual store keeps no leases: its keys carry a TTL each replica counts
    "none": (*_REPLICAS, _APP, *_NETWORK),
}


def legend_rows(protocol: str) -> tuple[LegendRow, ...]:
    """The canvas legend of a run whose nodes run ``protocol`` ("raft", "multi-paxos", or
    "none" for the eventual store), top to bottom."""
    return _LEGENDS.get(protocol, _LEGENDS["raft"])
