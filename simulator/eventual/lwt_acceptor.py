"""A replica's side of a lightweight transaction: promise, accept, commit (Cassandra's PaxosState).

Each key has its own single-decree Paxos record on each of its replicas. A prepare is promised
only when its ballot is higher than every ballot promised before; a proposal is accepted when
its ballot is at least the one promised; a commit is always applied (by last-writer-wins on the
copy, stamped with the ballot's time) and becomes the most recent commit if it is newer, which
also retires an accepted proposal it supersedes.
"""

from __future__ import annotations

from dataclasses import replace

from simulator.eventual.lwt_messages import (
    LwtAccepted,
    LwtCommit,
    LwtCommitAck,
    LwtPrepare,
    LwtPromise,
    LwtPropose,
    PaxosRecord,
    ballot_ts,
)
from simulator.eventual.messages import ReplicaWrite
from simulator.eventual.replica import Replica, WriteResult

LWT = "lwt"  # the ``source`` of a write a transaction's commit applies


def record(replica: Replica, key: str) -> PaxosRecord:
    """The replica's Paxos record of ``key`` (empty when it never took part)."""
    return replica.paxos.get(key) or PaxosRecord()


def prepare(replica: Replica, msg: LwtPrepare, now: float) -> LwtPromise:
    """Promise ``msg.ballot`` if it is higher than the ballot promised; answer with what was
    accepted, the most recent commit and the replica's copy of the key."""
    state = record(replica, msg.key)
    read = replica.read(msg.key, now)
    if msg.ballot > state.promised:
        replica.paxos[msg.key] = replace(state, promised=msg.ballot)
        return LwtPromise(msg.key, msg.ballot, True, msg.ballot, state.accepted,
                          state.committed, read)
    return LwtPromise(msg.key, msg.ballot, False, state.promised, state.accepted,
                      state.committed, read)


def propose(replica: Replica, msg: LwtPropose) -> LwtAccepted:
    """Accept the proposal unless a higher ballot was promised since."""
    state = record(replica, msg.key)
    ballot = msg.proposal.ballot
    if ballot >= state.promised:
        replica.paxos[msg.key] = replace(state, promised=ballot, accepted=msg.proposal)
        return LwtAccepted(msg.key, ballot, True, ballot)
    return LwtAccepted(msg.key, ballot, False, state.promised)


def commit(replica: Replica, msg: LwtCommit, now: float) -> tuple[LwtCommitAck, WriteResult,
                                                                   ReplicaWrite]:
    """Apply the committed value (stamped with the ballot's time; last-writer-wins decides, so
    a late commit of an older ballot changes nothing) and remember the most recent commit."""
    proposal = msg.proposal
    write = ReplicaWrite(msg.key, proposal.value, ballot_ts(proposal.ballot), proposal.ttl,
                         source=LWT)
    result = replica.write(write, now)
    state = record(replica, msg.key)
    committed = state.committed
    if committed is None or proposal.ballot > committed.ballot:
        committed = proposal
    accepted = state.accepted
    if accepted is not None and accepted.ballot <= proposal.ballot:
        accepted = None
    replica.paxos[msg.key] = replace(state, accepted=accepted, committed=committed)
    return LwtCommitAck(msg.key, proposal.ballot), result, write
