"""A store node of the eventual store: one replica, and coordinators for clients' requests.

The host feeds the pure core (simulator.eventual) with messages and its local time: a client's
``EcRequest`` starts a coordinator here; ``EcPeer`` messages carry replica reads and writes
and their answers between nodes (to itself they are handled at once, without the network).
It traces what each replica does (ec.write, ec.read, ec.repair, ec.hint), keeps a simple
failure detector (a home replica that stayed silent through a request is suspected until a
message from it arrives), hands hints over every ``hint_interval`` and runs anti-entropy with
the next node in turn every ``anti_entropy_interval``. A crash loses the requests in flight;
the replica's data and hints are on disk and survive it, as in Dynamo and Cassandra.

With ``lwt`` (lightweight transactions) a put-if-absent or compare-and-set runs as a
``CasCoordinator`` (single-decree Paxos among the key's replicas); the replica answers its
prepare, propose and commit messages (traced as ec.paxos and ec.write with source "lwt") and
the coordinator's end is traced as ec.cas. Paxos records, like the data, survive a crash.
"""

from __future__ import annotations

import math
import random
from collections import deque
from collections.abc import Sequence
from typing import Any

import simpy

from simulator.config import StoreConfig
from simulator.eventual import (
    BallotClock,
    CasCoordinator,
    Condition,
    ConditionalPutCoordinator,
    Expect,
    ReadCoordinator,
    Replica,
    Ring,
    ScanCoordinator,
    Settings,
    WriteCoordinator,
)
from simulator.eventual import lwt_acceptor
from simulator.eventual.antientropy import digest, newer_than
from simulator.eventual.lwt_messages import (
    LwtAccepted,
    LwtCommit,
    LwtCommitAck,
    LwtPrepare,
    LwtPromise,
    LwtPropose,
)
from simulator.eventual.messages import (
    REPAIR,
    Message,
    ReadReply,
    ReplicaRead,
    ReplicaScan,
    ReplicaWrite,
    ScanReply,
    WriteAck,
)
from simulator.eventual.replica import Hint
from simulator.runtime.clock import LocalClock
from simulator.runtime.eventual_messages import (
    CAS,
    DELETE,
    GET,
    PUT,
    PUT_IF,
    SCAN,
    EcDigest,
    EcPeer,
    EcRequest,
    EcResponse,
)
from simulator.runtime.host import Host
from simulator.runtime.network import Network
from simulator.trace.events import EcCas, EcHint, EcPaxos, EcRead, EcRepair, EcWrite
from simulator.trace.recorder import Trace

Coordinator = (WriteCoordinator | ReadCoordinator | ConditionalPutCoordinator
               | ScanCoordinator | CasCoordinator)


def _ts(ts: Any) -> tuple[float, str] | None:
    return None if ts is None else (ts.time, ts.node)


class EventualHost(Host):
    """One node of the eventual store (its id is one of the cluster's node ids)."""

    def __init__(self, node_id: str, nodes: Sequence[str], config: StoreConfig,
                 env: simpy.Environment, trace: Trace, network: Network,
                 clock: LocalClock | None = None, rng: random.Random | None = None) -> None:
        super().__init__(node_id, env, trace, network, clock)
        self.nodes = tuple(sorted(nodes))
        self.config = config
        self.ring = Ring(self.nodes)
        self.replica = Replica(node_id)
        self.role = "replica"  # what views and symbolic targets ask of a cluster node
        self.term = 0
        self.suspected: set[str] = set()
        self._silent_since: dict[str, float] = {}  # local time a request last found it silent
        self._requests: dict[int, tuple[EcRequest, Coordinator]] = {}
        self._answered: set[int] = set()
        self._handoffs: dict[int, Hint] = {}
        self._next_req = 1
        self._outbox: list[Any] = []
        self._next_hints = math.inf
        self._next_ae = math.inf
        self._ae_turn = 0
        self.ballots = BallotClock(node_id)  # on disk with the Paxos records: never backwards
        self.lwt_rng = rng if rng is not None else random.Random(0)
        self._schedule_timers(self.local_now())

    # --- settings ----------------------------------------------------------------------------

    def _settings(self, quorum: int) -> Settings:
        c = self.config
        return Settings(n=c.replicas, quorum=quorum, timeout=c.request_timeout,
                        sloppy=c.sloppy_quorum,
                        handoff_after=c.handoff_after if c.sloppy_quorum else math.inf,
                        read_repair=c.read_repair, suspected=frozenset(self.suspected))

    def _schedule_timers(self, now: float) -> None:
        self._next_hints = now + self.config.hint_interval if self.config.sloppy_quorum \
            else math.inf
        ae = self.config.anti_entropy_interval
        self._next_ae = now + ae if ae > 0 else math.inf

    # --- the host's hooks --------------------------------------------------------------------

    def _work(self, inbox: deque[Any], local_now: float) -> float:
        while inbox:
            self._handle(inbox.popleft(), local_now)
        for req_id in sorted(self._requests):
            _, coordinator = self._requests[req_id]
            if local_now >= coordinator.next_deadline():
                self._sends(req_id, coordinator.on_deadline(local_now), local_now)
        if local_now >= self._next_hints:
            self._hand_off(local_now)
            self._next_hints = local_now + self.config.hint_interval
        if local_now >= self._next_ae:
            self._anti_entropy(local_now)
            self._next_ae = local_now + self.config.anti_entropy_interval
        self._settle(local_now)
        return 0.0

    def _next_deadline(self) -> float:
        t = min(self._next_hints, self._next_ae)
        for _, coordinator in self._requests.values():
            t = min(t, coordinator.next_deadline())
        return t

    def _release(self) -> None:
        outbox, self._outbox = self._outbox, []
        for msg in outbox:
            self.network.send(msg)

    def _on_crash(self) -> None:
        self._requests.clear()
        self._answered.clear()
        self._handoffs.clear()
        self._outbox = []
        self.suspected.clear()
        self._silent_since.clear()

    def _on_restart(self) -> None:
        self._schedule_timers(self.local_now())

    # --- messages ----------------------------------------------------------------------------

    def _handle(self, item: Any, now: float) -> None:
        src = getattr(item, "src", None)
        if src in self.suspected:
            self.suspected.discard(src)
            self._silent_since.pop(src, None)
        if isinstance(item, EcRequest):
            self._start(item, now)
        elif isinstance(item, EcPeer):
            self._peer(item.src, item.req, item.body, now)
        elif isinstance(item, EcDigest):
            self._digest(item, now)

    def _start(self, request: EcRequest, now: float) -> None:
        c = self.config
        walk = self.ring.walk(request.key)
        coordinator: Coordinator
        if request.op == GET:
            coordinator = ReadCoordinator(request.key, walk, self._settings(c.read_quorum), now)
        elif request.op == SCAN:
            coordinator = ScanCoordinator(request.key, self.nodes, self._settings(c.read_quorum),
                                          now)
        elif c.lwt and request.op in (PUT_IF, CAS):
            condition = Condition(ts=request.expect_ts, by_ts=True) if request.op == CAS else \
                Condition(request.expect_value)
            settings = self._settings(c.write_quorum)
            settings.suspected = self._recently_silent(now)
            coordinator = CasCoordinator(request.key, condition, request.value, walk,
                                         settings, now, self.ballots, request.ttl,
                                         c.write_quorum, self.lwt_rng)
        elif request.op in (PUT, DELETE, CAS):
            expect = Expect(request.expect_ts) if request.op == CAS else None
            value = None if request.op == DELETE else request.value
            coordinator = WriteCoordinator(request.key, value, walk,
                                           self._settings(c.write_quorum), now, self.id,
                                           request.ttl, expect)
        elif request.op == PUT_IF:
            assert request.value is not None
            coordinator = ConditionalPutCoordinator(
                request.key, request.value, request.expect_value, walk,
                self._settings(c.read_quorum), self._settings(c.write_quorum), now, self.id,
                request.ttl)
        else:
            raise ValueError(f"eventual store: unknown operation {request.op!r}")
        req_id = self._next_req
        self._next_req += 1
        self._requests[req_id] = (request, coordinator)
        self._sends(req_id, coordinator.start(now), now)

    def _sends(self, req_id: int, sends: list, now: float) -> None:
        for send in sends:
            msg = send.msg
            if isinstance(msg, ReplicaWrite) and msg.source == REPAIR:
                self.trace.emit(EcRepair(self.env.now, send.to, msg.key, _ts(msg.ts), self.id))
            self._send_peer(send.to, req_id, msg, now)

    def _send_peer(self, dst: str, req_id: int, body: Message, now: float) -> None:
        if dst == self.id:
            self._peer(self.id, req_id, body, now)
        else:
            self._outbox.append(EcPeer(self.id, dst, req_id, body))

    def _peer(self, src: str, req_id: int, body: Any, now: float) -> None:
        t = self.env.now
        if isinstance(body, LwtPrepare | LwtPropose | LwtCommit):
            self._acceptor(src, req_id, body, now)
        elif isinstance(body, ReplicaWrite):
            result = self.replica.receive(body, now)
            if body.hint_for is not None and body.hint_for != self.id:
                if result.applied:
                    self.trace.emit(EcHint(t, self.id, body.key, _ts(body.ts), body.hint_for))
            else:
                self.trace.emit(EcWrite(t, self.id, body.key, body.value, _ts(body.ts),
                                        result.applied, body.source, _ts(result.before),
                                        body.ttl, result.conflict))
                if body.source == "hint":
                    self.trace.emit(EcHint(t, src, body.key, _ts(body.ts), self.id,
                                           "handed-off"))
            if req_id:
                self._send_peer(src, req_id, WriteAck(body.key, ok=not result.conflict,
                                                      applied=result.applied), now)
        elif isinstance(body, ReplicaRead):
            reply = self.replica.read(body.key, now)
            self.trace.emit(EcRead(t, self.id, body.key, reply.value, _ts(reply.ts)))
            self._send_peer(src, req_id, reply, now)
        elif isinstance(body, ReplicaScan):
            self._send_peer(src, req_id, self.replica.scan(body.prefix, now), now)
        elif isinstance(body, WriteAck | ReadReply | ScanReply | LwtPromise | LwtAccepted
                        | LwtCommitAck):
            if req_id < 0:
                hint = self._handoffs.pop(req_id, None)
                if hint is not None and isinstance(body, WriteAck):
                    self.replica.handed_off(hint)
                return
            entry = self._requests.get(req_id)
            if entry is not None:
                self._sends(req_id, entry[1].on_reply(src, body, now), now)

    def _acceptor(self, src: str, req_id: int, body: LwtPrepare | LwtPropose | LwtCommit,
                  now: float) -> None:
        """This replica's side of a lightweight transaction (its Paxos record of the key)."""
        t = self.env.now
        reply: LwtPromise | LwtAccepted | LwtCommitAck
        if isinstance(body, LwtPrepare):
            reply = lwt_acceptor.prepare(self.replica, body, now)
            self.trace.emit(EcPaxos(t, self.id, body.key, "prepare", body.ballot, reply.ok,
                                    reply.promised, src))
        elif isinstance(body, LwtPropose):
            reply = lwt_acceptor.propose(self.replica, body)
            self.trace.emit(EcPaxos(t, self.id, body.key, "propose", body.proposal.ballot,
                                    reply.ok, reply.promised, src))
        else:
            reply, result, write = lwt_acceptor.commit(self.replica, body, now)
            self.trace.emit(EcWrite(t, self.id, write.key, write.value, _ts(write.ts),
                                    result.applied, write.source, _ts(result.before),
                                    write.ttl, result.conflict))
        if req_id:
            self._send_peer(src, req_id, reply, now)

    def _settle(self, now: float) -> None:
        """Answer clients whose outcome is known; forget finished requests."""
        for req_id in sorted(self._requests):
            request, coordinator = self._requests[req_id]
            if coordinator.outcome is not None and req_id not in self._answered:
                self._answered.add(req_id)
                if isinstance(coordinator, CasCoordinator):
                    self._trace_cas(request, coordinator)
                rows = coordinator.rows if isinstance(coordinator, ScanCoordinator) else ()
                detail = coordinator.detail if isinstance(coordinator, CasCoordinator) else ""
                self._outbox.append(EcResponse(self.id, request.src, request.client,
                                               request.op_id, coordinator.outcome, rows,
                                               detail))
            if coordinator.finished:
                self._suspect_silent(coordinator, now)
                del self._requests[req_id]
                self._answered.discard(req_id)

    def _trace_cas(self, request: EcRequest, coordinator: CasCoordinator) -> None:
        outcome = coordinator.outcome
        assert outcome is not None
        if not outcome.ok:
            result = outcome.error or "timeout"
        else:
            result = "applied" if outcome.succeeded else "not-applied"
        ballot = coordinator.ballot if coordinator.attempts else None
        self.trace.emit(EcCas(self.env.now, self.id, request.client, request.op_id, request.key,
                              result, coordinator.condition.text(), outcome.value, ballot,
                              coordinator.attempts, coordinator.detail))

    def _recently_silent(self, now: float) -> frozenset[str]:
        """The replicas a transaction skips (and fails fast as unavailable without): those a
        request found silent less than two request timeouts ago. Older suspicions are tried
        again, standing in for Cassandra's gossip, which marks a node up once it hears from it
        (a transaction that skipped a node would otherwise never hear from it again)."""
        window = 2 * self.config.request_timeout
        return frozenset(n for n in self.suspected
                         if now - self._silent_since.get(n, -math.inf) < window)

    def _suspect_silent(self, coordinator: Coordinator, now: float) -> None:
        if isinstance(coordinator, CasCoordinator):
            if coordinator.outcome is not None and not coordinator.outcome.ok:
                for node in coordinator.silent_homes():
                    if node != self.id:
                        self.suspected.add(node)
                        self._silent_since[node] = now
            return
        inner = coordinator.read if isinstance(coordinator, ConditionalPutCoordinator) \
            else coordinator
        if isinstance(inner, ScanCoordinator):
            return
        if inner.outcome is not None and not inner.outcome.ok:
            for target in inner.targets:
                if target.node not in inner.answered and target.node != self.id:
                    self.suspected.add(target.node)
                    self._silent_since[target.node] = now

    # --- hinted handoff and anti-entropy -----------------------------------------------------

    def _hand_off(self, now: float) -> None:
        for home in self.replica.hinted_homes():
            for hint in self.replica.hints_for(home):
                handoff = -(len(self._handoffs) + 1 + self._next_req)
                self._next_req += 1
                self._handoffs[handoff] = hint
                self._send_peer(home, handoff, hint.as_write(now), now)

    def _shared_keys(self, peer: str) -> list[str]:
        n = self.config.replicas
        return [key for key in self.replica.keys()
                if peer in self.ring.preference_list(key, n)
                and self.id in self.ring.preference_list(key, n)]

    def _anti_entropy(self, now: float) -> None:
        others = [node for node in self.nodes if node != self.id]
        if not others:
            return
        peer = others[self._ae_turn % len(others)]
        self._ae_turn += 1
        self._outbox.append(EcDigest(self.id, peer, digest(self.replica,
                                                           self._shared_keys(peer), now)))

    def _digest(self, msg: EcDigest, now: float) -> None:
        for write in newer_than(self.replica, msg.rows, now):
            self._send_peer(msg.src, 0, write, now)
        if msg.answer:
            keys = sorted({row[0] for row in msg.rows} | set(self._shared_keys(msg.src)))
            self._outbox.append(EcDigest(self.id, msg.src, digest(self.replica, keys, now),
                                         answer=False))
