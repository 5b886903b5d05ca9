"""The lightweight transaction's messages and per-key Paxos records (pure data, no transport).

A ballot is simulator.paxos's ``(round, node)``; here the round is the coordinator's local
clock in whole microseconds, as Cassandra's ballots are time UUIDs, so a committed write can be
stamped with its ballot's time and ordered by last-writer-wins with the plain writes.
"""

from __future__ import annotations


from simulator.eventual.messages import ReadReply
from simulator.eventual.versions import Timestamp
from simulator.frozen import frozen
from simulator.paxos.messages import ZERO_BALLOT, Ballot

MICROS = 1_000_000


def ballot_ts(ballot: Ballot) -> Timestamp:
    """The write timestamp of a value committed under ``ballot``: its time, its node."""
    return Timestamp(ballot[0] / MICROS, ballot[1])


def ballot_label(ballot: Ballot) -> str:
    """``31.512@n1`` for the ballot of n1's clock at 31.512 s (``none`` for the zero ballot)."""
    if ballot == ZERO_BALLOT:
        return "none"
    return f"{ballot[0] / MICROS:.3f}@{ballot[1]}"


@frozen
class Proposal:
    """A value proposed (accepted, committed) under ``ballot``: write ``value`` (None = delete)
    with ``ttl`` seconds to live when committed."""

    ballot: Ballot
    value: str | None
    ttl: float | None = None


@frozen
class PaxosRecord:
    """A replica's Paxos state for one key (kept on disk: it survives a crash).

    ``promised`` the highest ballot promised, ``accepted`` the proposal accepted and not yet
    known committed, ``committed`` the most recent commit (Cassandra's system.paxos row)."""

    promised: Ballot = ZERO_BALLOT
    accepted: Proposal | None = None
    committed: Proposal | None = None


@frozen
class LwtPrepare:
    """Phase 1a: promise ``ballot`` for ``key``."""

    key: str
    ballot: Ballot


@frozen
class LwtPromise:
    """Phase 1b: ``ok`` when the replica promised ``ballot``; otherwise ``promised`` is the
    higher ballot it had promised. Either way it tells what it accepted, its most recent commit
    and its copy of the key (``read``: the transaction reads with its prepare)."""

    key: str
    ballot: Ballot
    ok: bool
    promised: Ballot
    accepted: Proposal | None
    committed: Proposal | None
    read: ReadReply


@frozen
class LwtPropose:
    """Phase 2a: accept ``proposal`` for ``key``."""

    key: str
    proposal: Proposal


@frozen
class LwtAccepted:
    """Phase 2b: ``ok`` when the replica accepted ``ballot``; otherwise ``promised`` is the
    higher ballot it had promised since."""

    key: str
    ballot: Ballot
    ok: bool
    promised: Ballot


@frozen
class LwtCommit:
    """Learn: apply ``proposal`` to your copy of ``key`` (stamped with its ballot's time)."""

    key: str
    proposal: Proposal


@frozen
class LwtCommitAck:
    """The replica applied the commit of ``ballot``."""

    key: str
    ballot: Ballot


LwtMessage = LwtPrepare | LwtPromise | LwtPropose | LwtAccepted | LwtCommit | LwtCommitAck
