"""The store member inside each Raft host: apply the log, serve clients, run the lessor.

A ``StoreServer`` is the Raft host's state machine and its hosted service (RaftHost calls
``bind``, ``handle``, ``on_role`` and, when ``due``, ``on_deadline`` from inside its
process). It behaves as an etcd member:

- Applies committed entries to its ``simulator.kv`` member (store, lessor, watch hub) with its
  local time; client writes arrive wrapped in ``ClientCommand`` and the replicated session
  table applies each client operation once, however often it was retried.
- Writes and linearizable reads go to the leader: a follower answers NOT_LEADER with the leader
  it knows of. The leader proposes writes and answers when its entry applies (an entry replaced
  by another term's is answered LEADERSHIP_LOST, and the client retries). Linearizable reads use
  ReadIndex: the read waits for a confirmed round, then for the member to apply that index.
  Serializable reads are served from the member's own applied state, possibly stale.
- Leases as etcd's lessor: primary only on the leader, promoted when the leader applies the
  first entry of its term (every lease expires at now + election timeout + TTL), demoted when
  it loses leadership (no lease expires). Every ``lease_check_interval`` of the leader's local
  clock the expired leases are revoked by proposing ``LeaseRevoke(reason="expired")`` through
  Raft, once per lease until that entry applies. Keepalives are renewed by the leader only
  (expiry = now + TTL), not through the log (etcd's LeaseRenew): a follower forwards a
  keepalive to the leader it knows and relays the answer. Before renewing, a leader whose
  Raft loop has not run for three heartbeat intervals (etcd's ``isActive``: it was paused or
  stalled) confirms that it still leads with a ReadIndex round (etcd's ``ensureLeadership``);
  ``StoreConfig.keepalive_leadership_check`` = "always" confirms every renewal, "never" none.
- Watches are served from the member's own applied state, one message per revision.
- Automatic compaction (``StoreConfig.compaction_retention`` > 0): at its lease checks the
  leader proposes ``Compact(revision - retention)`` once ``2 x retention`` revisions have piled
  up since the last compaction, so members keep between one and two retentions of history
  (etcd's revision-mode auto-compaction, without its 5-minute period).

Trace: lease.grant / lease.revoke when applied on the leader, lease.renew whenever the primary
sets an expiry (keepalive, grant, promotion; ``expiry`` in simulated time), lease.primary on
promotion and demotion, kv.change for every key change a member applies, watch.open and
watch.close for the watches a member serves.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from simulator.config import RaftConfig, Scenario, StoreConfig
from simulator.kv.commands import Compact, LeaseRevoke, Range
from simulator.kv.inspection import LeaseState, StoreInspection, WatchState
from simulator.kv.member import KVMember, MemberApply
from simulator.kv.responses import LeaseGrantResponse, LeaseRevokeResponse, Response
from simulator.consensus import CommittedEntry
from simulator.runtime.store_messages import (
    LEADERSHIP_LOST,
    NOT_LEADER,
    NOT_READY,
    UNKNOWN_WATCH,
    WATCH_CANCEL,
    WATCH_CREATE,
    KeepAliveRequest,
    KeepAliveResponse,
    StoreRequest,
    StoreResponse,
    WatchRequest,
    WatchUpdate,
)
from simulator.runtime.store_sessions import ClientCommand, SessionTable
from simulator.trace.events import (
    KvChange,
    LeaseGrant,
    LeasePrimary,
    LeaseRenew,
    WatchClose,
    WatchOpen,
)
from simulator.trace.events import (
    LeaseRevoke as LeaseRevokeEvent,
)

if TYPE_CHECKING:
    from simulator.runtime.raft_host import RaftHost

LEADER = "leader"


@dataclass(slots=True)
class _Proposal:
    """A client write the leader proposed at ``index`` in ``term``, and who waits for it."""

    term: Any
    waiters: list[StoreRequest] = field(default_factory=list)


@dataclass(slots=True)
class _WatchRoute:
    """Where a served watch's updates go, and the next sequence number of its stream."""

    host: str
    client: str
    watch_id: int
    stream: int
    seq: int = 0


class StoreServer:
    """One member's store side; build it with ``StoreServerFactory`` for a RaftHost."""

    def __init__(self, node_id: str, store: StoreConfig, raft: RaftConfig) -> None:
        self.id = node_id
        self.config = store
        self.promote_extend = raft.election_timeout_min
        self._active_window = 3 * raft.heartbeat_interval  # etcd's isActive: 3 ticks
        self._forwarded: dict[tuple[str, int], tuple[KeepAliveRequest, float]] = {}
        self.member = KVMember(store.min_lease_ttl(raft))
        self.sessions = SessionTable()
        self._host: RaftHost | None = None
        self._proposals: dict[int, _Proposal] = {}
        self._inflight: dict[tuple[str, int], int] = {}
        self._blocked_reads: list[StoreRequest] = []
        self._read_rounds: dict[int, StoreRequest | KeepAliveRequest] = {}
        self._confirmed_reads: list[tuple[int, StoreRequest | KeepAliveRequest]] = []
        self._next_ctx = 1
        self._primary_term: Any = 0
        self._next_check = math.inf
        self._revoking: dict[int, int] = {}
        self._compacting = 0
        self._routes: dict[int, _WatchRoute] = {}
        self._route_ids: dict[tuple[str, str, int], int] = {}
        self._next_watch = 1
        self._kick = False
        self.due = math.inf  # when the host next calls on_deadline: _next_check, or now if _kick

    # --- the host's hooks ----------------------------------------------------------------

    def bind(self, host: RaftHost) -> None:
        """Remember the Raft host this member runs in."""
        self._host = host

    @property
    def host(self) -> RaftHost:
        """The Raft host (set by ``bind``)."""
        if self._host is None:
            raise RuntimeError(f"store server {self.id} is not bound to a host")
        return self._host

    @property
    def primary(self) -> bool:
        """True while this member's lessor expires leases (it is the leader of its term)."""
        return self.member.lessor.primary

    def _is_leader(self) -> bool:
        host = self.host
        return host.role == LEADER and host.node is not None

    def handle(self, item: object, local_now: float) -> None:
        """Serve one client message that arrived at this member."""
        if isinstance(item, StoreRequest):
            self._on_request(item, local_now)
        elif isinstance(item, KeepAliveRequest):
            self._on_keepalive(item, local_now)
        elif isinstance(item, KeepAliveResponse):
            self._relay_keepalive(item)
        elif isinstance(item, WatchRequest):
            self._on_watch(item)
        else:
            raise TypeError(f"store member {self.id} cannot handle {item!r}")

    def on_role(self, role: str, term: Any) -> None:
        """Demote the lessor and drop unconfirmed reads when leadership is lost."""
        if role == LEADER and term == self._primary_term:
            return
        if self.member.lessor.primary:
            self.member.lessor.demote()
            self._primary_term = 0
            self._next_check = math.inf
            self._set_due()
            self._revoking.clear()
            self._compacting = 0
            self.host.trace.emit(LeasePrimary(self.host.env.now, self.id, False))
        if role != LEADER:
            for request in self._blocked_reads + [r for _, r in sorted(self._read_rounds.items())]:
                self._refuse(request, NOT_LEADER)
            self._blocked_reads.clear()
            self._read_rounds.clear()

    def _set_due(self) -> None:
        """Work waiting (``_kick``) is due at once, else the next lease check (local time)."""
        self.due = -math.inf if self._kick else self._next_check

    def on_deadline(self, local_now: float) -> None:
        """Retry reads that waited for the leader's first commit; check lease expiry."""
        if self._kick:
            self._kick = False
            blocked = self._blocked_reads
            self._blocked_reads = []
            for request in blocked:
                self._start_read(request, local_now)
        # _next_check is finite only while this member is the primary lessor (set on
        # promotion, back to inf on demotion)
        if local_now >= self._next_check and self.primary:
            self._next_check = local_now + self.config.lease_check_interval
            self._revoke_expired(local_now)
            self._maybe_compact(local_now)
        self._set_due()

    # --- applying the log ----------------------------------------------------------------

    @property
    def applied_index(self) -> int:
        """The index of the last entry this member applied."""
        return self.member.store.applied_index

    def recover(self, crashed: object) -> None:
        """After a restart: keep the crashed member's store, leases and client sessions (etcd's
        backend); its watches, lessor role, proposals and reads are gone."""
        if not isinstance(crashed, StoreServer):
            return
        self.member = crashed.member
        self.member.restart()
        self.sessions = crashed.sessions
        self._next_watch = crashed._next_watch  # noqa: SLF001 - the hub's watch ids go on

    def apply(self, entry: CommittedEntry) -> None:
        """Apply one committed entry and answer whoever waits for it."""
        host = self.host
        local_now = host.local_now()
        if host.role == LEADER and entry.term == host.term and self._primary_term != host.term:
            self._promote(local_now)
        command = entry.command
        response: Response | None
        if isinstance(command, ClientCommand):
            seen, cached = self.sessions.seen(command.client, command.op_id)
            if seen:
                applied = self.member.apply(entry.index, None, local_now)
                response = cached
            else:
                applied = self.member.apply(entry.index, command.command, local_now)
                response = applied.result.response
                if response is not None:
                    self.sessions.record(command, response)
            self._inflight.pop((command.client, command.op_id), None)
        else:
            applied = self.member.apply(entry.index, command, local_now)  # type: ignore[arg-type]
            response = applied.result.response
        self._trace_apply(applied, local_now)
        proposal = self._proposals.pop(entry.index, None)
        if proposal is not None:
            for request in proposal.waiters:
                if proposal.term == entry.term and response is not None:
                    self._reply(request, response=response)
                else:
                    self._reply(request, error=LEADERSHIP_LOST, leader=None)
        for lease_id, index in sorted(self._revoking.items()):
            if index == entry.index:
                del self._revoking[lease_id]
        if entry.index == self._compacting:
            self._compacting = 0
        self._serve_confirmed_reads()
        if self._blocked_reads and host.role == LEADER and entry.term == host.term:
            self._kick = True
            self.due = -math.inf

    def read_ready(self, ctx: int, index: int) -> None:
        """A ReadIndex round is confirmed: serve its read once ``index`` is applied."""
        request = self._read_rounds.pop(ctx, None)
        if request is None:
            return
        self._confirmed_reads.append((index, request))
        self._serve_confirmed_reads()

    def _serve_confirmed_reads(self) -> None:
        if not self._confirmed_reads:
            return
        applied = self.member.store.applied_index
        waiting: list[tuple[int, StoreRequest | KeepAliveRequest]] = []
        for index, request in self._confirmed_reads:
            if index > applied:
                waiting.append((index, request))
            elif isinstance(request, KeepAliveRequest):
                self._renew(request)  # leadership confirmed
            else:
                self._serve_local_read(request)
        self._confirmed_reads = waiting

    def _trace_apply(self, applied: MemberApply, local_now: float) -> None:
        host = self.host
        now = host.env.now
        emit = host.trace.emit
        for event in applied.result.events:
            emit(KvChange(now, self.id, event.revision, event.key, event.type, event.value,
                          event.create_revision, event.version, event.lease))
        for delivery in applied.deliveries:
            route = self._routes.get(delivery.watch_id)
            if route is not None:
                self._send_update(route, delivery.revision, delivery.events)
        if host.role != LEADER:
            return
        response = applied.result.response
        if isinstance(response, LeaseGrantResponse):
            emit(LeaseGrant(now, response.lease_id, response.ttl, response.owner))
            expiry = self.member.lessor.expiry(response.lease_id)
            if self.primary and expiry is not None:
                emit(LeaseRenew(now, response.lease_id, self.id, host.clock.to_sim(expiry)))
        elif isinstance(response, LeaseRevokeResponse):
            emit(LeaseRevokeEvent(now, response.lease_id, response.reason))

    # --- the lessor ------------------------------------------------------------------------

    def _promote(self, local_now: float) -> None:
        host = self.host
        lessor = self.member.lessor
        lessor.promote(local_now, self.promote_extend)
        self._primary_term = host.term
        self._next_check = local_now + self.config.lease_check_interval
        self._set_due()
        self._revoking.clear()
        self._compacting = 0
        now = host.env.now
        host.trace.emit(LeasePrimary(now, self.id, True))
        for info in lessor.leases(local_now):
            host.trace.emit(LeaseRenew(now, info.lease_id, self.id,
                                       host.clock.to_sim(info.expiry)))

    def _revoke_expired(self, local_now: float) -> None:
        node = self.host.node
        if node is None:
            return
        for lease_id in self.member.lessor.expired(local_now):
            if lease_id in self._revoking:
                continue
            index = node.propose(LeaseRevoke(lease_id, "expired"), local_now)
            if index is None:
                return
            self._revoking[lease_id] = index

    def _maybe_compact(self, local_now: float) -> None:
        retention = self.config.compaction_retention
        node = self.host.node
        if retention <= 0 or self._compacting or node is None:
            return
        store = self.member.store
        if store.revision - store.compacted_revision < 2 * retention:
            return
        index = node.propose(Compact(store.revision - retention), local_now)
        if index is not None:
            self._compacting = index

    def _on_keepalive(self, request: KeepAliveRequest, local_now: float) -> None:
        """etcd's LeaseRenew: renew on the leader (after confirming its leadership when it was
        not active), forward from a follower that knows the leader."""
        host = self.host
        node = host.node
        if not self._is_leader() or node is None:
            leader = node.leader_id if node is not None else None
            if leader is None or leader == self.id or request.forwarded:
                self._refuse(request, NOT_LEADER, leader)
                return
            self._forward_keepalive(request, leader, local_now)
            return
        if not self.primary:
            self._refuse(request, NOT_READY, self.id)
            return
        check = self.config.keepalive_leadership_check
        if check == "always" or (
            check == "etcd" and local_now - self.host.last_pass >= self._active_window
        ):
            # etcd's ensureLeadership: a linearizable read round confirms the leadership
            ctx = self._next_ctx
            if node.read_index(ctx, local_now):
                self._next_ctx += 1
                self._read_rounds[ctx] = request
            else:
                self._refuse(request, NOT_READY, self.id)
            return
        self._renew(request)

    def _forward_keepalive(self, request: KeepAliveRequest, leader: str,
                           local_now: float) -> None:
        """Send a client's keepalive on to the leader; its answer is relayed back."""
        timeout = self.config.request_timeout
        stale = [key for key, (_, at) in self._forwarded.items() if local_now - at > timeout]
        for key in stale:
            del self._forwarded[key]  # the leader never answered; the client has given up
        self._forwarded[(request.client, request.op_id)] = (request, local_now)
        self._send(KeepAliveRequest(self.id, leader, request.client, request.op_id,
                                    request.lease_id, forwarded=True))

    def _relay_keepalive(self, answer: KeepAliveResponse) -> None:
        """The leader answered a forwarded keepalive: pass its answer to the client."""
        pending = self._forwarded.pop((answer.client, answer.op_id), None)
        if pending is None:
            return
        request = pending[0]
        self._send(KeepAliveResponse(self.id, request.src, answer.client, answer.op_id,
                                     answer.lease_id, ttl=answer.ttl, error=answer.error,
                                     leader=answer.leader))

    def _refuse(self, request: StoreRequest | KeepAliveRequest, error: str,
                leader: str | None = None) -> None:
        """Answer a request (a client's or a keepalive) with an error."""
        if isinstance(request, KeepAliveRequest):
            self._send(KeepAliveResponse(self.id, request.src, request.client, request.op_id,
                                         request.lease_id, error=error, leader=leader))
        else:
            self._reply(request, error=error, leader=leader)

    def _renew(self, request: KeepAliveRequest) -> None:
        """The primary lessor renews the lease: expiry = now + TTL; ttl 0 when it is gone."""
        host = self.host
        if not self.primary:
            self._refuse(request, NOT_LEADER)
            return
        local_now = host.local_now()
        expiry = self.member.lessor.renew(request.lease_id, local_now)
        record = self.member.store.lease(request.lease_id)
        ttl = 0.0
        if expiry is not None and record is not None:
            ttl = record.ttl
            host.trace.emit(LeaseRenew(host.env.now, request.lease_id, self.id,
                                       host.clock.to_sim(expiry)))
        self._send(KeepAliveResponse(self.id, request.src, request.client, request.op_id,
                                     request.lease_id, ttl=ttl))

    # --- client requests -------------------------------------------------------------------

    def _on_request(self, request: StoreRequest, local_now: float) -> None:
        node = self.host.node
        if request.is_read and request.serializable:
            self._serve_local_read(request)
            return
        if not self._is_leader() or node is None:
            self._reply(request, error=NOT_LEADER,
                        leader=node.leader_id if node is not None else None)
            return
        if request.is_read:
            self._start_read(request, local_now)
            return
        seen, cached = self.sessions.seen(request.client, request.op_id)
        if seen:
            if cached is not None:
                self._reply(request, response=cached)
            else:
                self._reply(request, error=LEADERSHIP_LOST, leader=None)
            return
        key = (request.client, request.op_id)
        index = self._inflight.get(key)
        if index is not None and index in self._proposals:
            self._proposals[index].waiters.append(request)
            return
        wrapped = ClientCommand(request.client, request.op_id, request.ack, request.command)
        index = node.propose(wrapped, local_now)
        if index is None:
            self._reply(request, error=NOT_LEADER, leader=node.leader_id)
            return
        self._proposals[index] = _Proposal(node.term, [request])
        self._inflight[key] = index

    def _start_read(self, request: StoreRequest, local_now: float) -> None:
        node = self.host.node
        if node is None or not self._is_leader():
            self._reply(request, error=NOT_LEADER,
                        leader=node.leader_id if node is not None else None)
            return
        ctx = self._next_ctx
        if node.read_index(ctx, local_now):
            self._next_ctx += 1
            self._read_rounds[ctx] = request
        else:
            # A new leader serves reads only after committing an entry of its own term.
            self._blocked_reads.append(request)

    def _serve_local_read(self, request: StoreRequest) -> None:
        assert isinstance(request.command, Range)
        self._reply(request, response=self.member.store.range(request.command))

    def _reply(self, request: StoreRequest, response: Response | None = None, error: str = "",
               leader: str | None = None) -> None:
        self._send(StoreResponse(self.id, request.src, request.client, request.op_id,
                                 response=response, error=error, leader=leader,
                                 member_revision=self.member.store.revision))

    def _send(self, message: object) -> None:
        self.host.network.send(message)

    # --- watches ---------------------------------------------------------------------------

    def _on_watch(self, request: WatchRequest) -> None:
        key = (request.src, request.client, request.watch_id)
        if request.action == WATCH_CREATE:
            self._create_watch(request, key)
            return
        watch = self._route_ids.get(key)
        route = self._routes.get(watch) if watch is not None else None
        if request.action == WATCH_CANCEL:
            if watch is not None and route is not None and route.stream == request.stream:
                self._close_watch(watch, route, "cancelled by the client")
            return
        # A probe: is the stream still served here?
        if route is None or route.stream != request.stream:
            self._send(WatchUpdate(self.id, request.src, request.client, request.watch_id,
                                   request.stream, 0, self.member.store.revision,
                                   cancelled=True, reason=UNKNOWN_WATCH))
            return
        self._send_update(route, self.member.store.revision, ())

    def _create_watch(self, request: WatchRequest, key: tuple[str, str, int]) -> None:
        old = self._route_ids.get(key)
        if old is not None:
            self._close_watch(old, self._routes[old], "replaced by a new stream")
        watch = self._next_watch
        self._next_watch += 1
        created = self.member.watches.create(watch, request.key, request.prefix,
                                             request.start_revision, owner=request.client)
        if created.cancelled:
            self._send(WatchUpdate(self.id, request.src, request.client, request.watch_id,
                                   request.stream, 1, self.member.store.revision,
                                   cancelled=True, reason=created.reason,
                                   compact_revision=created.compact_revision))
            return
        route = _WatchRoute(request.src, request.client, request.watch_id, request.stream)
        self._routes[watch] = route
        self._route_ids[key] = watch
        host = self.host
        host.trace.emit(WatchOpen(host.env.now, self.id, request.client, request.watch_id,
                                  request.key, request.prefix, created.start_revision))
        self._send_update(route, self.member.store.revision, (), created=True)
        for response in created.responses:
            self._send_update(route, response.revision, response.events)

    def _close_watch(self, watch: int, route: _WatchRoute, reason: str) -> None:
        self.member.watches.cancel(watch)
        del self._routes[watch]
        del self._route_ids[(route.host, route.client, route.watch_id)]
        host = self.host
        host.trace.emit(WatchClose(host.env.now, self.id, route.client, route.watch_id, reason))

    def _send_update(self, route: _WatchRoute, revision: int, events: tuple[object, ...],
                     created: bool = False) -> None:
        route.seq += 1
        self._send(WatchUpdate(self.id, route.host, route.client, route.watch_id, route.stream,
                               route.seq, revision, events=events,  # type: ignore[arg-type]
                               created=created))

    # --- inspection ------------------------------------------------------------------------

    def inspect(self) -> StoreInspection:
        """This member's revision, keys, leases (expiry on the leader) and watches now."""
        host = self.host
        local_now = host.local_now() if host.alive else host.clock.to_local(host.env.now)
        store = self.member.store
        leases: list[LeaseState] = []
        for record in store.leases():
            expiry = self.member.lessor.expiry(record.lease_id)
            finite = expiry is not None and math.isfinite(expiry)
            leases.append(LeaseState(
                record.lease_id, record.ttl, record.owner, record.keys,
                host.clock.to_sim(expiry) if finite else None,  # type: ignore[arg-type]
                max(0.0, expiry - local_now) if finite else None,  # type: ignore[operator]
            ))
        watches = tuple(
            WatchState(info.owner, self._routes[info.watch_id].watch_id, info.key, info.prefix,
                       info.next_revision)
            for info in self.member.watches.active() if info.watch_id in self._routes
        )
        return StoreInspection(host.env.now, self.id, host.role, self.primary,
                               store.applied_index, store.revision, store.compacted_revision,
                               store.kvs(), tuple(leases), watches)


class StoreServerFactory:
    """Builds a fresh StoreServer for a Raft host (at start and after each restart)."""

    def __init__(self, store: StoreConfig, raft: RaftConfig) -> None:
        self.store = store
        self.raft = raft

    @staticmethod
    def for_scenario(scenario: Scenario) -> StoreServerFactory:
        """The factory for ``scenario``'s store and Raft settings."""
        return StoreServerFactory(scenario.store, scenario.raft)

    def __call__(self, node_id: str) -> StoreServer:
        return StoreServer(node_id, self.store, self.raft)
