"""RaftNode: one Raft member as a pure, deterministic state machine (etcd-io/raft's style).

The host feeds it messages (``step``) and timer wake-ups (``tick``) with its *local* time, and
collects what it produced with ``ready()``. The node never reads a clock, sleeps or touches the
global random: the election timeout comes from the ``rng`` the host gives it.

Behaviour follows etcd's raft.go: PreVote (ask for term+1 without changing state), CheckQuorum
(every minimum election timeout the leader steps down unless a majority was active since the
previous check) with leader stickiness (a node that heard from a live leader within that time
ignores vote requests), a no-op entry on election, commit by counting only for entries of the
current term, heartbeats without entries that carry commit = min(match, committed), appends
capped in size, rejections naming the rejected index (stale ones are ignored) with a hint for
fast back-off, a random election timeout drawn only when the term or role changes, and ReadIndex
rounds confirmed by a heartbeat quorum.
Differences from etcd: time is continuous (deadlines instead of ticks); stale-term requests are
always answered with the current term (as in the Raft paper); no inflight window (a replicating
follower is sent everything at once, in messages of at most ``max_size_per_msg``); TimeoutNow
(leadership transfer) is not implemented and is ignored. ``RaftOptions.timer_rules = "paper"``
and ``check_quorum_timing = "exact"`` select the other rules (see RaftOptions).
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable

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
)
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

INF = math.inf
# Module constants: an enum member read through its class costs ~100 ns on the hot path.
_FOLLOWER = Role.FOLLOWER
_PRECANDIDATE = Role.PRECANDIDATE
_CANDIDATE = Role.CANDIDATE
_LEADER = Role.LEADER
_NOTHING = Ready()
_new_ready = _new_note = tuple.__new__  # a named tuple built without its __new__'s call
_ENTRY_FRAMING = 16  # bytes an entry adds to an append besides its command (term, index, type)


class RaftNode:
    """One Raft member: roles, elections, replication, commit, ReadIndex; no I/O of its own.

    ``peers`` lists every member including ``node_id``. ``storage`` is the PersistentState a
    restarted node found on disk; all volatile state (role, leader, commit) starts afresh.
    """

    def __init__(
        self,
        node_id: str,
        peers: Iterable[str],
        options: RaftOptions,
        rng: random.Random,
        storage: PersistentState | None = None,
        now: float = 0.0,
    ) -> None:
        members = sorted(set(peers))
        if node_id not in members:
            raise ValueError(f"Raft node {node_id!r} is not among its peers {members}")
        state = storage if storage is not None else PersistentState()
        self._id = node_id
        self._members = tuple(members)
        self._other_set = frozenset(members) - {node_id}  # who may send it messages
        self._others = tuple(p for p in members if p != node_id)
        self._quorum = quorum_size(len(members))
        self._options = options
        self._etcd_timers = options.timer_rules == "etcd"
        self._exact_quorum = options.check_quorum_timing == "exact"
        self._max_msg = options.max_size_per_msg
        self._rng = rng
        self._timeout_range = (options.election_timeout_min, options.election_timeout_max)
        self._timeout = options.election_timeout_min  # the drawn timeout (set by _draw_timeout)
        self._last_reply: AppendEntriesResponse | None = None
        self._last_beat_reply: HeartbeatResponse | None = None
        self._term = state.term
        self._voted_for = state.voted_for
        self._log = RaftLog(state.log)
        self._role = _FOLLOWER
        self._leader_id: str | None = None
        self._commit = 0
        self._applied = 0
        self._messages: list[Message] = []
        self._notes: list[Note] = []
        self._read_states: list[tuple[int, int]] = []
        self._must_persist = False
        self._election_deadline = INF
        self._heartbeat_deadline = INF
        self._quorum_deadline = INF
        self._leader_contact = -INF
        self._votes: dict[str, bool] = {}
        self._progress: dict[str, Progress] = {}
        self._reads = ReadIndexQueue()
        self._notes.append(RoleChanged(_FOLLOWER, self._term))
        self._reset_election_timer(now)

    # --- read-only state ----------------------------------------------------------------------

    @property
    def id(self) -> str:
        """This node's id."""
        return self._id

    @property
    def peers(self) -> tuple[str, ...]:
        """Every member of the cluster, this node included, ordered by id."""
        return self._members

    @property
    def options(self) -> RaftOptions:
        """The protocol options this node runs with."""
        return self._options

    @property
    def role(self) -> Role:
        """The current role."""
        return self._role

    @property
    def term(self) -> int:
        """The current term."""
        return self._term

    @property
    def voted_for(self) -> str | None:
        """Whom this node voted for in the current term (None when nobody)."""
        return self._voted_for

    @property
    def leader_id(self) -> str | None:
        """The leader this node currently follows (itself when leader, None when unknown)."""
        return self._leader_id

    @property
    def commit_index(self) -> int:
        """The highest log index known to be committed."""
        return self._commit

    @property
    def last_applied(self) -> int:
        """The highest index handed out in ``Ready.committed`` so far."""
        return self._applied

    @property
    def log(self) -> tuple[Entry, ...]:
        """The whole log as a tuple (entry i at position i - 1). A copy: O(length)."""
        return self._log.as_tuple()

    @property
    def last_index(self) -> int:
        """The index of the last log entry."""
        return self._log.last_index

    @property
    def last_term(self) -> int:
        """The term of the last log entry."""
        return self._log.last_term

    def entry(self, index: int) -> Entry:
        """The log entry at ``index`` (1-based), without copying the log."""
        return self._log.entry(index)

    def persistent_state(self) -> PersistentState:
        """The term, vote and log to keep across a crash."""
        return PersistentState(self._term, self._voted_for, self._log.as_tuple())

    def next_deadline(self) -> float:
        """The local time at which the node next needs ``tick`` (inf when never)."""
        if self._role is _LEADER:
            beat = self._heartbeat_deadline
            quorum = self._quorum_deadline
            return beat if beat <= quorum else quorum  # min() without the call
        return self._election_deadline

    # --- inputs -------------------------------------------------------------------------------

    def tick(self, now: float) -> None:
        """Handle every timer due at local time ``now`` (before any deadline it does nothing)."""
        if self._role is _LEADER:
            if now >= self._quorum_deadline:
                self._check_quorum(now)
            if self._role is _LEADER and now >= self._heartbeat_deadline:
                self._heartbeat_deadline = now + self._options.heartbeat_interval
                self._broadcast_heartbeat(self._reads.latest)
        elif now >= self._election_deadline:
            self._hup(now)

    def campaign(self, now: float) -> None:
        """Act as if the election timer fired now (pre-vote first if enabled); leaders ignore it."""
        if self._role is not _LEADER:
            self._hup(now)

    def propose(self, command: object, now: float) -> int | None:
        """Append ``command`` to the leader's log and replicate it; None when not the leader."""
        if self._role is not _LEADER:
            return None
        entry = self._append_local(command)
        for peer in self._others:
            progress = self._progress[peer]
            if not progress.probing:
                self._send_append(peer, progress, 0)
        if not self._others:
            self._maybe_commit()
        return entry.index

    def read_index(self, ctx: int, now: float) -> bool:
        """Start a ReadIndex round for ``ctx`` (a positive int); False when it cannot start now.

        Only a leader that has committed an entry of its own term can serve: it records
        (ctx, commit index) and confirms its leadership with a heartbeat round carrying ``ctx``;
        the pair appears in ``Ready.read_states`` once a majority answered. A repeated ``ctx``
        that is still pending is accepted without a new round.
        """
        if not isinstance(ctx, int) or isinstance(ctx, bool) or ctx <= 0:
            raise ValueError(f"read_index ctx must be a positive int, got {ctx!r}")
        if self._role is not _LEADER or self._log.term_at(self._commit) != self._term:
            return False
        if ctx in self._reads:
            return True
        if not self._others:
            self._read_states.append((ctx, self._commit))
            return True
        self._reads.add(ctx, self._commit)
        self._broadcast_heartbeat(ctx)
        return True

    def step(self, msg: Message, now: float) -> None:
        """Handle one message received at local time ``now``."""
        if msg.dst != self._id:
            raise ValueError(f"message for {msg.dst!r} stepped into node {self._id!r}")
        if msg.src not in self._other_set:
            return
        kind = type(msg)
        if msg.term > self._term:
            if isinstance(msg, RequestVote):
                if self._in_lease(now):
                    return  # leader stickiness: a live leader was heard recently
                if not msg.pre_vote:
                    self._become_follower(msg.term, None, now, reset=self._etcd_timers)
            elif isinstance(msg, RequestVoteResponse) and msg.pre_vote and msg.granted:
                pass  # a granted pre-vote carries the term we asked for
            else:
                leader = msg.src if kind is AppendEntries or kind is Heartbeat else None
                self._become_follower(msg.term, leader, now, reset=self._etcd_timers)
        elif msg.term < self._term:
            self._answer_stale(msg)
            return
        if kind is Heartbeat:
            self._handle_heartbeat(msg, now)  # type: ignore[arg-type]
        elif kind is HeartbeatResponse:
            if self._role is _LEADER:
                self._handle_heartbeat_response(msg, now)  # type: ignore[arg-type]
        elif kind is AppendEntries:
            self._handle_append(msg, now)  # type: ignore[arg-type]
        elif kind is AppendEntriesResponse:
            if self._role is _LEADER:
                self._handle_append_response(msg, now)  # type: ignore[arg-type]
        elif kind is RequestVote:
            self._handle_vote_request(msg, now)  # type: ignore[arg-type]
        elif kind is RequestVoteResponse:
            self._handle_vote_response(msg, now)  # type: ignore[arg-type]

    def ready(self) -> Ready:
        """Drain messages, notes, newly committed entries and confirmed reads since last call."""
        if not (
            self._messages
            or self._notes
            or self._must_persist
            or self._read_states
            or self._commit > self._applied
        ):
            return _NOTHING
        committed: tuple[Entry, ...] = ()
        if self._commit > self._applied:
            committed = self._log.slice(self._applied + 1, self._commit)
            self._applied = self._commit
        result = _new_ready(Ready, (  # Ready(...) without the call of its __new__
            tuple(self._messages) if self._messages else (),
            self._must_persist,
            committed,
            tuple(self._notes) if self._notes else (),
            tuple(self._read_states) if self._read_states else (),
        ))
        self._messages.clear()
        self._notes.clear()
        self._read_states.clear()
        self._must_persist = False
        return result

    # --- timers and role changes --------------------------------------------------------------

    def _reset_election_timer(self, now: float) -> None:
        """Arm the election timer with a newly drawn random timeout (a term or role change)."""
        low, high = self._timeout_range
        # the same draw as rng.uniform(low, high), without its call overhead
        self._timeout = low + (high - low) * self._rng.random()
        self._election_deadline = now + self._timeout
        self._notes.append(_new_note(ElectionTimerReset, (self._election_deadline,)))

    def _restart_election_timer(self, now: float) -> None:
        """Restart the election timer after contact: etcd zeroes electionElapsed and keeps the
        drawn timeout; the paper's rules (LogCabin) draw a new one at every reset."""
        if not self._etcd_timers:
            self._reset_election_timer(now)
            return
        self._election_deadline = now + self._timeout
        self._notes.append(_new_note(ElectionTimerReset, (self._election_deadline,)))

    def _in_lease(self, now: float) -> bool:
        """Leader stickiness: CheckQuorum is on and a live leader was heard recently."""
        if not self._options.check_quorum or self._leader_id is None:
            return False
        if self._role is _LEADER:
            return True
        return now - self._leader_contact < self._options.election_timeout_min

    def _set_role(self, role: Role, term: int) -> None:
        if role is not self._role or term != self._term:
            if term != self._term:
                self._term = term
                self._voted_for = None
                self._must_persist = True
            self._role = role
            self._notes.append(RoleChanged(role, term))

    def _leave_leadership(self) -> None:
        self._progress.clear()
        self._reads.clear()
        self._heartbeat_deadline = INF
        self._quorum_deadline = INF

    def _become_follower(
        self, term: int, leader: str | None, now: float, reset: bool = True
    ) -> None:
        """Follow ``leader`` (None when unknown) in ``term``; a former leader always re-arms its
        election timer, others only when ``reset`` (the paper's rules keep a running timer)."""
        self._leave_leadership()
        self._votes.clear()
        self._set_role(_FOLLOWER, term)
        self._leader_id = leader
        if leader is not None:
            self._leader_contact = now
        if reset or self._election_deadline == INF:
            self._reset_election_timer(now)

    def _hup(self, now: float) -> None:
        if self._options.pre_vote:
            self._become_precandidate(now)
        else:
            self._become_candidate(now)

    def _become_precandidate(self, now: float) -> None:
        self._set_role(_PRECANDIDATE, self._term)
        self._leader_id = None
        self._votes = {self._id: True}
        # etcd's becomePreCandidate keeps the drawn timeout (it does not call reset)
        self._restart_election_timer(now)
        if self._quorum == 1:
            self._become_candidate(now)
            return
        self._request_votes(self._term + 1, pre_vote=True)

    def _become_candidate(self, now: float) -> None:
        self._set_role(_CANDIDATE, self._term + 1)
        self._voted_for = self._id
        self._must_persist = True
        self._leader_id = None
        self._votes = {self._id: True}
        self._reset_election_timer(now)
        if self._quorum == 1:
            self._become_leader(now)
            return
        self._request_votes(self._term, pre_vote=False)

    def _request_votes(self, term: int, pre_vote: bool) -> None:
        last_index, last_term = self._log.last_index, self._log.last_term
        for peer in self._others:
            self._messages.append(
                RequestVote(self._id, peer, term, last_index, last_term, pre_vote)
            )

    def _become_leader(self, now: float) -> None:
        self._set_role(_LEADER, self._term)
        self._leader_id = self._id
        self._votes.clear()
        self._election_deadline = INF
        next_index = self._log.last_index + 1
        self._progress = {peer: Progress(next_index, now) for peer in self._others}
        self._reads.clear()
        self._heartbeat_deadline = now + self._options.heartbeat_interval if self._others else INF
        if self._options.check_quorum and self._others:
            self._quorum_deadline = now + self._options.election_timeout_min
        else:
            self._quorum_deadline = INF
        self._append_local(None)
        if self._others:
            self._broadcast_append(now, 0, heartbeat=False)
        else:
            self._maybe_commit()

    def _check_quorum(self, now: float) -> None:
        """Step down unless a majority is active (etcd: heard from since the previous check)."""
        window = self._options.election_timeout_min
        if self._exact_quorum:
            heard = [p.last_heard for p in self._progress.values()]
            latest_quorum = quorum_value(heard, self._quorum - 1)
            if latest_quorum + window > now:
                self._quorum_deadline = latest_quorum + window
            else:
                self._become_follower(self._term, None, now)
            return
        # etcd's tickHeartbeat sends MsgCheckQuorum every electionTimeout ticks; stepLeader
        # steps down unless QuorumActive(), then marks every follower inactive again.
        active = 1
        for progress in self._progress.values():
            if progress.recent_active:
                active += 1
            progress.recent_active = False
        if active >= self._quorum:
            self._quorum_deadline = now + window
        else:
            self._become_follower(self._term, None, now)

    # --- log replication (leader) -------------------------------------------------------------

    def _append_local(self, command: object | None) -> Entry:
        entry = self._log.append(self._term, command)
        self._must_persist = True
        self._notes.append(LogAppended(entry.index, entry.index, entry.term))
        return entry

    def _send_append(self, peer: str, progress: Progress, context: int) -> None:
        """Send ``peer`` the entries from its next index (none when it has them all).

        In probe mode one append goes out; in replicate mode appends of at most
        ``max_size_per_msg`` go out until the log's end, advancing ``next`` optimistically.
        """
        log = self._log
        last = log.last_index
        messages = self._messages
        while True:
            first = progress.next
            prev = first - 1
            end = last if first <= last else prev
            if end > first:
                end = self._size_limited(first, end)
            entries = log.slice(first, end) if end >= first else ()
            messages.append(
                AppendEntries(
                    self._id, peer, self._term, prev, log.term_at(prev), entries, self._commit,
                    context,
                )
            )
            if progress.probing or not entries:
                return
            progress.next = end + 1
            if end >= last:
                return

    def _size_limited(self, first: int, last: int) -> int:
        """The last index from ``first`` whose entries fit ``max_size_per_msg`` (at least one:
        etcd's limitSize always keeps the first entry)."""
        budget = self._max_msg
        entry = self._log.entry
        size = 0
        for index in range(first, last + 1):
            size += len(entry(index).canonical()) + _ENTRY_FRAMING
            if size > budget and index > first:
                return index - 1
        return last

    def _broadcast_append(self, now: float, context: int, heartbeat: bool = False) -> None:
        """Send every follower the entries it lacks, with the leader's commit (etcd's
        bcastAppend); a follower that has them all gets an empty append."""
        for peer in self._others:
            self._send_append(peer, self._progress[peer], context)

    def _broadcast_heartbeat(self, context: int) -> None:
        """Send every follower a heartbeat: no entries, commit = min(its match, committed)
        (etcd's sendHeartbeat), carrying the ReadIndex round ``context``."""
        commit = self._commit
        term = self._term
        messages = self._messages
        for peer in self._others:
            progress = self._progress[peer]
            beat_commit = progress.match if progress.match < commit else commit
            beat = progress.heartbeat
            if beat is None or beat.commit != beat_commit or beat.context != context:
                # reuse the previous heartbeat when nothing changed (messages are values)
                beat = Heartbeat(self._id, peer, term, beat_commit, context)
                progress.heartbeat = beat
            messages.append(beat)

    def _handle_heartbeat_response(self, msg: HeartbeatResponse, now: float) -> None:
        """etcd's MsgHeartbeatResp: the follower is active; a lagging or probed one is sent an
        append (empty when everything was sent already), which repairs lost appends."""
        progress = self._progress.get(msg.src)
        if progress is None:
            return
        progress.last_heard = now
        progress.recent_active = True
        if msg.context:
            self._read_states.extend(self._reads.ack(msg.context, msg.src, self._quorum))
        if progress.match < self._log.last_index or progress.probing:
            self._send_append(msg.src, progress, 0)

    def _handle_append_response(self, msg: AppendEntriesResponse, now: float) -> None:
        progress = self._progress.get(msg.src)
        if progress is None:
            return
        progress.last_heard = now
        progress.recent_active = True
        if msg.context:
            self._read_states.extend(self._reads.ack(msg.context, msg.src, self._quorum))
        if msg.success:
            if msg.match_index > self._log.last_index:
                raise RaftInvariantError(
                    f"{msg.src} acknowledged index {msg.match_index} beyond leader's log"
                )
            if progress.next <= msg.match_index:
                progress.next = msg.match_index + 1
            resume = progress.probing
            progress.probing = False
            if msg.match_index > progress.match:
                progress.match = msg.match_index
                if self._maybe_commit():
                    self._broadcast_append(now, 0, heartbeat=False)
                    return
            if resume and progress.next <= self._log.last_index:
                self._send_append(msg.src, progress, 0)
            return
        # etcd's Progress.MaybeDecrTo: a stale rejection changes nothing
        rejected = msg.reject_index
        if progress.probing:
            if progress.next - 1 != rejected:
                return  # not an answer to the probe in flight
            probe = msg.conflict_index
            if msg.conflict_term > 0:
                probe = self._log.find_conflict_by_term(probe, msg.conflict_term)
            progress.next = max(min(rejected, probe + 1), progress.match + 1)
        else:
            if rejected <= progress.match:
                return  # the follower already matched beyond it
            progress.next = progress.match + 1
            progress.probing = True
        self._send_append(msg.src, progress, 0)

    def _maybe_commit(self) -> bool:
        """Advance commit to the majority's match if that entry is of the current term."""
        matches = [self._log.last_index] + [p.match for p in self._progress.values()]
        candidate = int(quorum_value(matches, self._quorum))
        if candidate > self._commit and self._log.term_at(candidate) == self._term:
            self._commit_to(candidate)
            return True
        return False

    def _commit_to(self, index: int) -> None:
        if index > self._commit:
            self._commit = index
            self._notes.append(Committed(index))

    # --- log replication (follower) -----------------------------------------------------------

    def _follow(self, msg: Message, now: float) -> None:
        """Contact from the leader of our term: follow it and restart the election timer."""
        if self._role is _LEADER:
            raise RaftInvariantError(f"two leaders in term {self._term}: {self._id}, {msg.src}")
        if self._role is not _FOLLOWER:
            self._become_follower(msg.term, msg.src, now)
        else:
            self._leader_id = msg.src
            self._leader_contact = now
            self._restart_election_timer(now)

    def _handle_heartbeat(self, msg: Heartbeat, now: float) -> None:
        """etcd's handleHeartbeat: commit up to the heartbeat's commit and answer."""
        if self._role is _FOLLOWER and self._etcd_timers:
            # self._follow(msg, now) for a follower with etcd's timers, inlined: a follower
            # handles ten heartbeats a second
            self._leader_id = msg.src
            self._leader_contact = now
            self._election_deadline = deadline = now + self._timeout
            self._notes.append(_new_note(ElectionTimerReset, (deadline,)))
        else:
            self._follow(msg, now)
        if msg.commit > self._commit:
            if msg.commit > self._log.last_index:
                raise RaftInvariantError(
                    f"{self._id}: heartbeat commit {msg.commit} beyond the last index "
                    f"{self._log.last_index}"
                )
            self._commit_to(msg.commit)
        reply = self._last_beat_reply
        if (reply is None or reply.dst != msg.src or reply.term != self._term
                or reply.context != msg.context):
            # a new answer; an unchanged one is reused (messages are immutable values)
            reply = HeartbeatResponse(self._id, msg.src, self._term, msg.context)
            self._last_beat_reply = reply
        self._messages.append(reply)

    def _handle_append(self, msg: AppendEntries, now: float) -> None:
        self._follow(msg, now)
        log = self._log
        prev = msg.prev_log_index
        if prev < self._commit:
            self._reply_append(msg, self._commit)
            return
        if prev and not log.matches(prev, msg.prev_log_term):
            hint = log.find_conflict_by_term(min(prev, log.last_index), msg.prev_log_term)
            self._messages.append(
                AppendEntriesResponse(
                    self._id, msg.src, self._term, False, 0, hint, msg.context, log.term_at(hint),
                    prev,
                )
            )
            return
        if msg.entries:
            first, truncated = log.merge(msg.entries, self._commit)
            if truncated:
                self._notes.append(LogTruncated(truncated))
            if first:
                self._must_persist = True
                self._notes.append(LogAppended(first, log.last_index, log.last_term))
        new_last = msg.prev_log_index + len(msg.entries)
        if msg.leader_commit > self._commit:
            self._commit_to(min(msg.leader_commit, new_last))
        self._reply_append(msg, new_last)

    def _reply_append(self, msg: AppendEntries, match: int) -> None:
        """Acknowledge ``msg``: our log matches the leader's up to ``match``."""
        reply = self._last_reply
        if (
            reply is None
            or reply.dst != msg.src
            or reply.term != self._term
            or reply.match_index != match
            or reply.context != msg.context
        ):
            # a new answer; an unchanged one is reused (messages are immutable values)
            reply = AppendEntriesResponse(
                self._id, msg.src, self._term, True, match, 0, msg.context
            )
            self._last_reply = reply
        self._messages.append(reply)

    # --- elections ----------------------------------------------------------------------------

    def _handle_vote_request(self, msg: RequestVote, now: float) -> None:
        can_vote = (
            self._voted_for == msg.src
            or (self._voted_for is None and self._leader_id is None)
            or (msg.pre_vote and msg.term > self._term)
        )
        if can_vote and self._log.is_up_to_date(msg.last_log_index, msg.last_log_term):
            self._messages.append(
                RequestVoteResponse(self._id, msg.src, msg.term, True, msg.pre_vote)
            )
            self._notes.append(VoteGranted(msg.src, msg.term, msg.pre_vote))
            if not msg.pre_vote:
                if self._voted_for != msg.src:
                    self._voted_for = msg.src
                    self._must_persist = True
                self._restart_election_timer(now)
        else:
            self._messages.append(
                RequestVoteResponse(self._id, msg.src, self._term, False, msg.pre_vote)
            )

    def _handle_vote_response(self, msg: RequestVoteResponse, now: float) -> None:
        if self._role is _PRECANDIDATE and msg.pre_vote:
            if msg.granted and msg.term != self._term + 1:
                return
        elif not (self._role is _CANDIDATE and not msg.pre_vote):
            return
        self._votes.setdefault(msg.src, msg.granted)
        granted = sum(1 for vote in self._votes.values() if vote)
        rejected = len(self._votes) - granted
        if granted >= self._quorum:
            if self._role is _PRECANDIDATE:
                self._become_candidate(now)
            else:
                self._become_leader(now)
        elif len(self._members) - rejected < self._quorum and self._etcd_timers:
            self._become_follower(self._term, None, now)  # etcd; the paper waits for the timeout

    def _answer_stale(self, msg: Message) -> None:
        """Tell the sender of a stale-term request our term; ignore stale responses."""
        if isinstance(msg, AppendEntries | Heartbeat):
            self._messages.append(
                AppendEntriesResponse(self._id, msg.src, self._term, False, 0, 0, msg.context)
            )
        elif isinstance(msg, RequestVote):
            self._messages.append(
                RequestVoteResponse(self._id, msg.src, self._term, False, msg.pre_vote)
            )
