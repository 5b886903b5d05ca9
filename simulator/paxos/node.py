"""PaxosNode: one Multi-Paxos member (proposer, acceptor and learner) as a pure state machine.

The host feeds it messages (``step``) and timer wake-ups (``tick``) with its *local* time and
collects what it produced with ``ready()``, exactly as for RaftNode; it satisfies
``simulator.consensus.ConsensusMember`` (``term`` is the ballot).

Protocol (docs/paxos.md gives each choice and its source):
- Ballots are (round, node id). A follower that hears no leader for a random timeout becomes a
  candidate: it promises itself a ballot one round above every round it has seen and sends
  Prepare(ballot, first slot it does not know chosen). An acceptor promises a ballot at least as
  high as its promise and answers with what it accepted from that slot on; a lower ballot gets
  a Nack carrying its promise.
- With promises from a majority the candidate leads: for each slot from its first unknown one
  to the highest any promise names it adopts the value accepted under the highest ballot,
  fills gaps with no-ops, appends one no-op of its own (as a Raft leader does, so it knows when
  it has caught up) and re-proposes them all under its own ballot (phase 2) before new commands.
- A value is chosen once a majority accepted it under one ballot. The leader's heartbeats (an
  Accept without entries) carry its chosen frontier: a follower learns a slot chosen when it
  accepted it under the same ballot; a follower that lags is sent Decide with chosen values.
  Heartbeats also re-send accepts a follower has not acknowledged. Every node applies chosen
  slots in order.
- A higher ballot seen in any message pre-empts a candidate or leader: it steps back to
  follower and, with back-off, retries only after a fresh random timeout without a leader;
  without back-off it retries at once with a higher ballot (duelling proposers can livelock).
- Leader lease (optional): a follower that accepted the leader's message refuses to promise any
  other ballot for ``lease_duration`` from then; the leader counts its lease from the send time
  of the messages a majority acknowledged, and serves reads at once while it holds it. Without
  a lease a read is confirmed by a heartbeat round answered by a majority (as ReadIndex).
Persistent: the promised ballot and every slot's accepted (ballot, value). Chosen values and
the role are volatile; a restarted node learns them again.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable

from simulator.paxos.messages import (
    ZERO_BALLOT,
    Accept,
    Accepted,
    Ballot,
    Decide,
    Heartbeat,
    HeartbeatAck,
    Nack,
    PaxosMessage,
    Prepare,
    Promise,
    SlotValue,
)
from simulator.paxos.options import PaxosOptions, PaxosState, Role
from simulator.paxos.ready import (
    Chosen,
    ElectionTimerReset,
    Note,
    Promised,
    Ready,
    Recovered,
    RoleChanged,
    ValueAccepted,
)

INF = math.inf
_FOLLOWER = Role.FOLLOWER
_CANDIDATE = Role.CANDIDATE
_LEADER = Role.LEADER
_NOTHING = Ready()
DECIDE_BATCH = 64  # chosen values per Decide message to a lagging node


class PaxosNode:
    """One Multi-Paxos member; ``peers`` lists every member including ``node_id``.

    ``storage`` is the PaxosState a restarted node found on disk.
    """

    def __init__(
        self,
        node_id: str,
        peers: Iterable[str],
        options: PaxosOptions,
        rng: random.Random,
        storage: PaxosState | None = None,
        now: float = 0.0,
    ) -> None:
        members = sorted(set(peers))
        if node_id not in members:
            raise ValueError(f"Paxos node {node_id!r} is not among its peers {members}")
        state = storage if storage is not None else PaxosState()
        self._id = node_id
        self._members = tuple(members)
        self._other_set = frozenset(members) - {node_id}  # who may send it messages
        self._others = tuple(p for p in members if p != node_id)
        self._quorum = len(members) // 2 + 1
        self._options = options
        self._rng = rng
        self._timeout_range = (options.election_timeout_min, options.election_timeout_max)
        self._lease_on = options.leader_lease
        # acceptor (persistent)
        self._promised: Ballot = state.promised
        self._accepted: list[SlotValue | None] = list(state.accepted)
        # learner (volatile)
        self._chosen: list[SlotValue | None] = []
        self._frontier = 0
        self._applied = 0
        # proposer (volatile)
        self._role = _FOLLOWER
        self._ballot: Ballot = state.promised  # own ballot as candidate/leader, else promised
        self._max_round = max([state.promised[0]] + [v.ballot[0] for v in self._accepted if v])
        self._leader_id: str | None = None
        self._promises: dict[str, tuple[SlotValue, ...]] = {}
        self._learned_from: dict[int, str] = {}  # slots a promise reported chosen -> by whom
        self._next_slot = 1
        self._ready_slot = 0  # the slot of the leader's own no-op: reads wait until it is chosen
        self._votes: dict[int, set[str]] = {}
        self._peer_frontier: dict[str, int] = {}
        self._acked_sent: dict[str, float] = {}
        self._lease_expiry = -INF  # leader: its lease lasts until then (local time)
        self._granted_until = -INF  # follower: it refuses other ballots until then
        self._reads: dict[int, tuple[int, set[str]]] = {}
        self._latest_ctx = 0
        # output
        self._messages: list[PaxosMessage] = []
        self._notes: list[Note] = []
        self._read_states: list[tuple[int, int]] = []
        self._must_persist = False
        self._election_deadline = INF
        self._heartbeat_deadline = INF
        self._notes.append(RoleChanged(_FOLLOWER, self._promised))
        self._reset_election_timer(now)

    # --- read-only state ----------------------------------------------------------------------

    @property
    def id(self) -> str:
        """This node's id."""
        return self._id

    @property
    def peers(self) -> tuple[str, ...]:
        """Every member, this node included, ordered by id."""
        return self._members

    @property
    def options(self) -> PaxosOptions:
        """The protocol options this node runs with."""
        return self._options

    @property
    def role(self) -> Role:
        """The current role."""
        return self._role

    @property
    def ballot(self) -> Ballot:
        """Its own ballot as candidate or leader; the promised ballot as follower."""
        return self._ballot

    @property
    def term(self) -> Ballot:
        """The consensus interface's epoch: the ballot."""
        return self._ballot

    @property
    def promised(self) -> Ballot:
        """The highest ballot this acceptor promised."""
        return self._promised

    @property
    def leader_id(self) -> str | None:
        """The leader it follows (itself when leader; None when unknown)."""
        return self._leader_id

    @property
    def chosen_frontier(self) -> int:
        """Every slot up to this one is known chosen here."""
        return self._frontier

    @property
    def commit_index(self) -> int:
        """The chosen frontier (Raft's name)."""
        return self._frontier

    def accepted(self, slot: int) -> SlotValue | None:
        """What this acceptor accepted for ``slot`` (None when nothing)."""
        return self._accepted[slot - 1] if 0 < slot <= len(self._accepted) else None

    def chosen(self, slot: int) -> SlotValue | None:
        """The value known chosen for ``slot`` here (None when not known)."""
        return self._chosen[slot - 1] if 0 < slot <= len(self._chosen) else None

    @property
    def last_slot(self) -> int:
        """The highest slot this node accepted or knows chosen."""
        return max(len(self._accepted), len(self._chosen))

    def persistent_state(self) -> PaxosState:
        """The promised ballot and the accepted values to keep across a crash."""
        return PaxosState(self._promised, tuple(self._accepted))

    def next_deadline(self) -> float:
        """The local time at which the node next needs ``tick`` (inf when never)."""
        if self._role is _LEADER:
            return self._heartbeat_deadline
        return self._election_deadline

    # --- inputs -------------------------------------------------------------------------------

    def tick(self, now: float) -> None:
        """Handle every timer due at local time ``now``."""
        if self._role is _LEADER:
            if now >= self._heartbeat_deadline:
                self._heartbeat_deadline = now + self._options.heartbeat_interval
                self._broadcast_heartbeat(now)
        elif now >= self._election_deadline:
            self.campaign(now)

    def campaign(self, now: float) -> None:
        """Start phase 1 with a new, higher ballot now (a leader ignores it).

        A follower that granted a leader lease waits until the grant runs out.
        """
        if self._role is _LEADER:
            return
        if now < self._granted_until:
            self._election_deadline = self._granted_until
            self._notes.append(ElectionTimerReset(self._granted_until))
            return
        self._max_round = max(self._max_round, self._promised[0]) + 1
        ballot = (self._max_round, self._id)
        self._promised = ballot
        self._must_persist = True
        self._ballot = ballot
        self._role = _CANDIDATE
        self._leader_id = None
        self._leave_leadership()
        self._notes.append(RoleChanged(_CANDIDATE, ballot))
        first = self._frontier + 1
        self._promises = {self._id: self._accepted_from(first)}
        self._reset_election_timer(now)
        for peer in self._others:
            self._messages.append(Prepare(self._id, peer, ballot, first))
        if len(self._promises) >= self._quorum:
            self._become_leader(now)

    def propose(self, command: object, now: float) -> int | None:
        """Assign ``command`` the next slot and send it to the acceptors; None unless leader."""
        if self._role is not _LEADER:
            return None
        slot = self._next_slot
        self._next_slot = slot + 1
        self._accept_own(slot, command)
        for peer in self._others:
            self._messages.append(Accept(self._id, peer, self._ballot, ((slot, command),),
                                         self._frontier, 0, now, False))
        self._maybe_choose(slot)
        return slot

    def read_index(self, ctx: int, now: float) -> bool:
        """Start a linearizable read round ``ctx``; False when it cannot start now.

        Only a leader whose own no-op is chosen serves. With a valid lease the read is confirmed
        at once; otherwise a heartbeat round carrying ``ctx`` must be answered by a majority.
        The pair (ctx, chosen frontier) then appears in ``Ready.read_states``.
        """
        if not isinstance(ctx, int) or isinstance(ctx, bool) or ctx <= 0:
            raise ValueError(f"read_index ctx must be a positive int, got {ctx!r}")
        if self._role is not _LEADER or self._frontier < self._ready_slot:
            return False
        if ctx in self._reads:
            return True
        if not self._others or (self._lease_on and now < self._lease_expiry):
            self._read_states.append((ctx, self._frontier))
            return True
        self._reads[ctx] = (self._frontier, {self._id})
        self._latest_ctx = max(self._latest_ctx, ctx)
        self._broadcast_heartbeat(now)
        return True

    def step(self, msg: PaxosMessage, now: float) -> None:
        """Handle one message received at local time ``now``."""
        if msg.dst != self._id:
            raise ValueError(f"message for {msg.dst!r} stepped into node {self._id!r}")
        if msg.src not in self._other_set:
            return
        ballot = msg.ballot
        if ballot is not self._promised and ballot[0] > self._max_round:
            self._max_round = ballot[0]
        kind = type(msg)
        if kind is Heartbeat:
            self._on_heartbeat(msg, now)  # type: ignore[arg-type]
        elif kind is HeartbeatAck:
            self._on_heartbeat_ack(msg, now)  # type: ignore[arg-type]
        elif kind is Accept:
            self._on_accept(msg, now)  # type: ignore[arg-type]
        elif kind is Accepted:
            self._on_accepted(msg, now)  # type: ignore[arg-type]
        elif kind is Prepare:
            self._on_prepare(msg, now)  # type: ignore[arg-type]
        elif kind is Promise:
            self._on_promise(msg, now)  # type: ignore[arg-type]
        elif kind is Nack:
            if msg.ballot > self._ballot and self._role is not _FOLLOWER:
                self._raise_promise(msg.ballot)
                self._preempted(now)
        elif kind is Decide:
            for value in msg.entries:  # type: ignore[attr-defined]
                self._learn(value)
            self._advance()

    def ready(self) -> Ready:
        """Drain messages, notes, newly chosen slots and confirmed reads since the last call."""
        if not (self._messages or self._notes or self._must_persist or self._read_states
                or self._frontier > self._applied):
            return _NOTHING
        committed: tuple[SlotValue, ...] = ()
        if self._frontier > self._applied:
            committed = tuple(self._chosen[self._applied:self._frontier])  # type: ignore[arg-type]
            self._applied = self._frontier
        result = Ready(
            tuple(self._messages) if self._messages else (),
            self._must_persist,
            committed,
            tuple(self._notes) if self._notes else (),
            tuple(self._read_states) if self._read_states else (),
        )
        self._messages.clear()
        self._notes.clear()
        self._read_states.clear()
        self._must_persist = False
        return result

    # --- acceptor -----------------------------------------------------------------------------

    def _on_prepare(self, msg: Prepare, now: float) -> None:
        ballot = msg.ballot
        if ballot < self._promised:
            self._messages.append(Nack(self._id, msg.src, self._promised))
            return
        if (now < self._granted_until and msg.src != self._leader_id
                and ballot != self._promised):
            return  # the lease granted to the current leader still runs: no promise
        preempted = self._role is not _FOLLOWER and ballot > self._ballot
        self._raise_promise(ballot)
        if self._role is not _FOLLOWER and preempted:
            self._step_back()
        if self._role is _FOLLOWER:
            self._leader_id = None
            self._reset_election_timer(now)
        self._notes.append(Promised(msg.src, ballot))
        first = msg.first_slot
        frontier = self._frontier
        chosen: tuple[SlotValue, ...] = ()
        if frontier >= first:
            chosen = tuple(self._chosen[first - 1:frontier])  # type: ignore[arg-type]
            first = frontier + 1
        self._messages.append(Promise(self._id, msg.src, ballot, self._accepted_from(first),
                                      chosen))
        if preempted and not self._options.backoff:
            self.campaign(now)

    def _hear_leader(self, src: str, ballot: Ballot, now: float) -> bool | None:
        """Follow ``src`` leading ``ballot`` (an Accept or a Heartbeat): None after answering an
        older ballot with a Nack, else whether it pre-empted this node's own candidacy or
        leadership."""
        preempted = False
        if ballot != self._promised or self._role is not _FOLLOWER:
            if ballot < self._promised:
                self._messages.append(Nack(self._id, src, self._promised))
                return None
            preempted = self._role is not _FOLLOWER and ballot > self._ballot
            self._raise_promise(ballot)
            if preempted:
                self._step_back()
        self._leader_id = src
        self._reset_election_timer(now)
        if self._lease_on:
            self._granted_until = now + self._options.lease_duration
        return preempted

    def _on_accept(self, msg: Accept, now: float) -> None:
        ballot = msg.ballot
        preempted = self._hear_leader(msg.src, ballot, now)
        if preempted is None:
            return
        slots: tuple[int, ...] = ()
        if msg.entries:
            accepted = self._accepted
            for slot, command in msg.entries:
                value = SlotValue(slot, ballot, command)
                while len(accepted) < slot:
                    accepted.append(None)
                accepted[slot - 1] = value
                self._notes.append(ValueAccepted(value))
            self._must_persist = True
            slots = tuple(slot for slot, _ in msg.entries)
        if msg.commit > self._frontier:
            self._learn_commit(msg.commit, ballot)
        self._messages.append(Accepted(self._id, msg.src, ballot, slots, self._frontier,
                                       msg.ctx, msg.sent, msg.beat))
        if preempted and not self._options.backoff:
            self.campaign(now)

    def _on_heartbeat(self, msg: Heartbeat, now: float) -> None:
        ballot = msg.ballot
        preempted = self._hear_leader(msg.src, ballot, now)
        if preempted is None:
            return
        if msg.commit > self._frontier:
            self._learn_commit(msg.commit, ballot)
        self._messages.append(HeartbeatAck(self._id, msg.src, ballot, self._frontier, msg.ctx,
                                           msg.sent))
        if preempted and not self._options.backoff:
            self.campaign(now)

    def _learn_commit(self, commit: int, ballot: Ballot) -> None:
        """The leader of ``ballot`` says every slot up to ``commit`` is chosen: the slots this
        acceptor accepted under that ballot are chosen with what it accepted."""
        accepted = self._accepted
        top = min(commit, len(accepted))
        for slot in range(self._frontier + 1, top + 1):
            value = accepted[slot - 1]
            if value is not None and value.ballot == ballot:
                self._learn(value)
        self._advance()

    def _raise_promise(self, ballot: Ballot) -> None:
        if ballot > self._promised:
            self._promised = ballot
            self._must_persist = True
            if self._role is _FOLLOWER:
                self._ballot = ballot
                self._notes.append(RoleChanged(_FOLLOWER, ballot))

    def _accepted_from(self, first: int) -> tuple[SlotValue, ...]:
        return tuple(v for v in self._accepted[first - 1:] if v is not None)

    # --- proposer -----------------------------------------------------------------------------

    def _on_promise(self, msg: Promise, now: float) -> None:
        if self._role is not _CANDIDATE or msg.ballot != self._ballot:
            return
        self._promises[msg.src] = msg.accepted
        if msg.chosen:
            learned = self._learned_from
            chosen = self._chosen
            for value in msg.chosen:
                slot = value.slot
                if slot > len(chosen) or chosen[slot - 1] is None:
                    learned.setdefault(slot, msg.src)
                self._learn(value)
            self._advance()
        if len(self._promises) >= self._quorum:
            self._become_leader(now)

    def _become_leader(self, now: float) -> None:
        ballot = self._ballot
        first = self._frontier + 1  # slots before are known chosen (some from the promises)
        best: dict[int, tuple[SlotValue, str]] = {}
        for source in sorted(self._promises):
            for value in self._promises[source]:
                if value.slot < first:
                    continue
                seen = best.get(value.slot)
                if seen is None or value.ballot > seen[0].ballot:
                    best[value.slot] = (value, source)
        last = max(best, default=first - 1)
        self._promises = {}
        self._role = _LEADER
        self._leader_id = self._id
        self._election_deadline = INF
        self._notes.append(RoleChanged(_LEADER, ballot))
        for slot in sorted(self._learned_from):
            known = self._chosen[slot - 1]
            assert known is not None
            self._notes.append(Recovered(slot, ballot, known.command, self._learned_from[slot],
                                         known.ballot, True))
        self._learned_from = {}
        entries: list[tuple[int, object | None]] = []
        for slot in range(first, last + 1):
            known = self._chosen[slot - 1] if slot <= len(self._chosen) else None
            if known is not None:
                command = known.command  # chosen already (learned from a Decide): keep it
                source, was = self._id, known.ballot
            elif slot in best:
                value, source = best[slot]
                command, was = value.command, value.ballot
            else:
                command, source, was = None, None, None
            self._notes.append(Recovered(slot, ballot, command, source, was))
            entries.append((slot, command))
        self._ready_slot = last + 1
        entries.append((last + 1, None))
        self._next_slot = last + 2
        for slot, command in entries:
            self._accept_own(slot, command)
        pairs = tuple(entries)
        for peer in self._others:
            self._peer_frontier[peer] = 0
            self._messages.append(Accept(self._id, peer, ballot, pairs, self._frontier, 0, now,
                                         False))
        self._heartbeat_deadline = now + self._options.heartbeat_interval
        for slot, _ in entries:
            self._maybe_choose(slot)

    def _accept_own(self, slot: int, command: object | None) -> None:
        value = SlotValue(slot, self._ballot, command)
        accepted = self._accepted
        while len(accepted) < slot:
            accepted.append(None)
        accepted[slot - 1] = value
        self._must_persist = True
        self._notes.append(ValueAccepted(value))
        self._votes[slot] = {self._id}

    def _on_accepted(self, msg: Accepted, now: float) -> None:
        if self._role is not _LEADER or msg.ballot != self._ballot:
            return
        src = msg.src
        votes = self._votes
        for slot in msg.slots:
            voters = votes.get(slot)
            if voters is not None:
                voters.add(src)
                self._maybe_choose(slot)
        self._peer_frontier[src] = msg.frontier
        if self._lease_on and msg.sent > self._acked_sent.get(src, -INF):
            self._acked_sent[src] = msg.sent
            self._update_lease(now)
        if msg.ctx and self._reads:
            self._ack_reads(src, msg.ctx)
        if msg.beat and msg.frontier < self._frontier:
            self._send_decide(src, msg.frontier)

    def _on_heartbeat_ack(self, msg: HeartbeatAck, now: float) -> None:
        if self._role is not _LEADER or msg.ballot != self._ballot:
            return
        src = msg.src
        if self._lease_on and msg.sent > self._acked_sent.get(src, -INF):
            self._acked_sent[src] = msg.sent
            self._update_lease(now)
        if msg.ctx and self._reads:
            self._ack_reads(src, msg.ctx)
        if msg.frontier < self._frontier:
            self._send_decide(src, msg.frontier)

    def _send_decide(self, peer: str, frontier: int) -> None:
        first = frontier + 1
        last = min(self._frontier, frontier + DECIDE_BATCH)
        entries = tuple(self._chosen[first - 1:last])
        self._messages.append(Decide(self._id, peer, self._ballot, entries))  # type: ignore[arg-type]

    def _maybe_choose(self, slot: int) -> None:
        voters = self._votes.get(slot)
        if voters is None or len(voters) < self._quorum:
            return
        del self._votes[slot]
        value = self._accepted[slot - 1]
        assert value is not None and value.ballot == self._ballot
        self._learn(value)
        self._advance()

    def _update_lease(self, now: float) -> None:
        sent = sorted(self._acked_sent.values(), reverse=True)
        sent.insert(0, now)  # the leader grants itself
        if len(sent) >= self._quorum:
            self._lease_expiry = max(self._lease_expiry,
                                     sent[self._quorum - 1] + self._options.lease_duration)

    def _ack_reads(self, src: str, ctx: int) -> None:
        confirmed: list[int] = []
        for read_ctx, (index, acks) in self._reads.items():
            if read_ctx <= ctx:
                acks.add(src)
                if len(acks) >= self._quorum:
                    confirmed.append(read_ctx)
        for read_ctx in sorted(confirmed):
            index, _ = self._reads.pop(read_ctx)
            self._read_states.append((read_ctx, index))

    def _broadcast_heartbeat(self, now: float) -> None:
        ballot = self._ballot
        votes = self._votes
        pending = [slot for slot in sorted(votes) if slot > self._frontier][:DECIDE_BATCH] \
            if votes else None
        frontier = self._frontier
        ctx = self._latest_ctx
        append = self._messages.append
        for peer in self._others:
            if pending:
                entries = tuple((slot, self._accepted[slot - 1].command)  # type: ignore[union-attr]
                                for slot in pending if peer not in votes[slot])
                if entries:
                    append(Accept(self._id, peer, ballot, entries, frontier, ctx, now, True))
                    continue
            append(Heartbeat(self._id, peer, ballot, frontier, ctx, now))

    def _preempted(self, now: float) -> None:
        """A higher ballot was seen: step back; without back-off try again at once."""
        self._step_back()
        self._reset_election_timer(now)
        if not self._options.backoff:
            self.campaign(now)

    def _step_back(self) -> None:
        self._role = _FOLLOWER
        self._ballot = self._promised
        self._leader_id = None
        self._leave_leadership()
        self._notes.append(RoleChanged(_FOLLOWER, self._promised))

    def _leave_leadership(self) -> None:
        self._promises = {}
        self._learned_from = {}
        self._votes.clear()
        self._peer_frontier.clear()
        self._acked_sent.clear()
        self._lease_expiry = -INF
        self._reads.clear()
        self._heartbeat_deadline = INF

    # --- learner ------------------------------------------------------------------------------

    def _learn(self, value: SlotValue) -> None:
        chosen = self._chosen
        slot = value.slot
        while len(chosen) < slot:
            chosen.append(None)
        known = chosen[slot - 1]
        if known is None:
            chosen[slot - 1] = value
        elif known.command is not value.command and known.canonical() != value.canonical():
            raise AssertionError(f"{self._id}: slot {slot} chosen twice: {known.canonical()!r} "
                                 f"and {value.canonical()!r}")

    def _advance(self) -> None:
        chosen = self._chosen
        frontier = self._frontier
        while frontier < len(chosen) and chosen[frontier] is not None:
            frontier += 1
        if frontier != self._frontier:
            self._frontier = frontier
            self._notes.append(Chosen(frontier))

    # --- timers -------------------------------------------------------------------------------

    def _reset_election_timer(self, now: float) -> None:
        low, high = self._timeout_range
        self._election_deadline = now + low + (high - low) * self._rng.random()
        self._notes.append(ElectionTimerReset(self._election_deadline))


__all__ = ["ZERO_BALLOT", "PaxosNode"]
