"""The store's client library, used from simpy processes of an app server host.

``StoreClient(sim, client_id, host)`` talks to the store members with request/response
messages over the simulated network. Every call is a generator to ``yield from``:

    response = yield from client.put("/election/leader", "app1", lease=lease_id)

- The client is connected to one member (picked with the stream ``"<client>/store"``); writes,
  txns, lease grants and revokes, keepalives and linearizable reads go to the leader: a member
  that is not the leader answers NOT_LEADER with the leader it knows of, and the client
  redirects there. Serializable reads and watches are served by the connected member.
- A request unanswered after ``StoreConfig.request_timeout`` (of the host's local clock) is
  sent again to the next member (fail-over); a retried write keeps its operation number, so the
  members apply it once. After ``patience`` seconds the call raises ``StoreUnavailable``: a
  call never hangs forever. An ``ErrorResponse`` from the store (e.g. "lease not found") raises
  ``StoreError`` carrying it.
- Every operation is traced: kv.invoke when it starts and kv.complete when it ends (``ok``
  false with ``error`` on a timeout or an error); op_id counts 1, 2, ... per client.
- ``watch(...)`` returns a ``Watch`` once a member serves it; see ``simulator.runtime.store_watch``.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from typing import TYPE_CHECKING, Any

import simpy

from simulator.kv.commands import (
    Command,
    Compact,
    Compare,
    Delete,
    LeaseGrant,
    LeaseRevoke,
    Put,
    Range,
    Txn,
    TxnOp,
)
from simulator.kv.responses import (
    DeleteResponse,
    ErrorResponse,
    LeaseGrantResponse,
    LeaseRevokeResponse,
    PutResponse,
    RangeResponse,
    Response,
    TxnResponse,
)
from simulator.runtime.store_errors import StoreError, StoreUnavailable
from simulator.runtime.store_messages import (
    LEADERSHIP_LOST,
    NOT_LEADER,
    NOT_READY,
    KeepAliveRequest,
    KeepAliveResponse,
    StoreRequest,
    StoreResponse,
    WatchUpdate,
)
from simulator.runtime.store_watch import Watch
from simulator.trace.events import KvComplete, KvInvoke

if TYPE_CHECKING:
    from simulator.runtime.simulation import Simulation

Reply = StoreResponse | KeepAliveResponse
Gen = Generator[simpy.Event, Any, Any]


class StoreClient:
    """One store client inside ``host`` (several may share a host; ids must differ).

    ``patience`` bounds how long one call keeps trying, in seconds of the host's clock
    (default: the request timeout times twice the number of members, plus one: enough to ride
    out an election); ``backoff`` is the pause before asking again when no leader is known
    (default: a tenth of the request timeout).
    """

    def __init__(self, sim: Simulation, client_id: str, host: Any,
                 patience: float | None = None, backoff: float | None = None) -> None:
        self.sim = sim
        self.id = client_id
        self.host = host
        self.env: simpy.Environment = sim.env
        self.trace = sim.trace
        self.network = sim.network
        self.config = sim.scenario.store
        self.members: tuple[str, ...] = tuple(sorted(sim.scenario.raft.node_ids))
        if not self.members:
            raise ValueError(f"store client {client_id}: the cluster has no members")
        timeout = self.config.request_timeout
        self.patience = patience if patience is not None else \
            timeout * (2 * len(self.members) + 1)
        if not self.patience > 0:
            raise ValueError(f"store client {client_id}: patience must be a positive number "
                             f"of seconds, got {self.patience!r}")
        self.backoff = backoff if backoff is not None else self.config.request_timeout / 10
        rng = sim.streams.get(f"{client_id}/store")
        self.member = self.members[rng.randrange(len(self.members))]
        self.leader: str | None = None
        self._next_op = 1
        self._outstanding: set[int] = set()
        self._waiting: dict[int, simpy.Event] = {}
        self._watches: dict[int, Watch] = {}
        self._next_watch = 1
        self.stopped = False
        register = getattr(host, "add_store_client", None)
        if callable(register):
            register(self)

    # --- the public calls ----------------------------------------------------------------

    def put(self, key: str, value: str, lease: int = 0) -> Gen:
        """Set ``key`` to ``value`` (attached to ``lease`` when not 0); a PutResponse."""
        command = Put(key, value, lease)
        response = yield from self._call("put", key, value, command)
        return response

    def delete(self, key: str, prefix: bool = False) -> Gen:
        """Delete ``key`` (or every key under it); a DeleteResponse."""
        response = yield from self._call("delete", key, None, Delete(key, prefix), prefix=prefix)
        return response

    def get(self, key: str, prefix: bool = False, serializable: bool = False, limit: int = 0,
            sort: str = "key", order: str = "asc", max_create_revision: int = 0) -> Gen:
        """Read ``key`` (or a prefix); a RangeResponse.

        Linearizable by default (ReadIndex on the leader); ``serializable`` reads the connected
        member's applied state, which may be stale.
        """
        command = Range(key, prefix=prefix, limit=limit, sort=sort, order=order,
                        max_create_revision=max_create_revision)
        response = yield from self._call("get", key, None, command, serializable=serializable,
                                         prefix=prefix)
        return response

    def txn(self, compares: Sequence[Compare], success: Sequence[TxnOp],
            failure: Sequence[TxnOp] = ()) -> Gen:
        """If every compare holds run ``success``, else ``failure``, atomically; a TxnResponse.

        Traced with the first key it names and the txn's canonical text as the value.
        """
        command = Txn(tuple(compares), tuple(success), tuple(failure))
        key = _first_key(command)
        response = yield from self._call("txn", key, str(command), command)
        return response

    def lease_grant(self, ttl: float) -> Gen:
        """Grant a lease of ``ttl`` seconds (raised to the minimum TTL); a LeaseGrantResponse."""
        command = LeaseGrant(0, ttl, self.id)
        response = yield from self._call("lease_grant", None, f"{ttl:g}", command)
        return response

    def lease_revoke(self, lease_id: int) -> Gen:
        """Revoke ``lease_id`` and delete its keys; a LeaseRevokeResponse."""
        command = LeaseRevoke(lease_id, "revoked")
        response = yield from self._call("lease_revoke", None, str(lease_id), command)
        return response

    def compact(self, revision: int) -> Gen:
        """Discard the history below ``revision`` on every member; a CompactResponse."""
        response = yield from self._call("compact", None, str(revision), Compact(revision))
        return response

    def lease_keepalive(self, lease_id: int) -> Gen:
        """Renew ``lease_id`` on the leader; the TTL granted, or None when the lease is gone.

        Sent to the member this client talks to, like etcd's keepalive stream: a follower
        forwards it to the leader and relays the answer."""
        op_id = self._invoke("lease_keepalive", None, str(lease_id))
        try:
            reply = yield from self._exchange(
                op_id, lambda dst: KeepAliveRequest(self.host.id, dst, self.id, op_id, lease_id),
                to_leader=False)
        except StoreUnavailable as problem:
            self._complete(op_id, False, error=str(problem))
            raise
        assert isinstance(reply, KeepAliveResponse)
        ttl = reply.ttl if reply.ttl > 0 else None
        self._complete(op_id, True, value=None if ttl is None else f"{ttl:g}")
        return ttl

    def watch(self, key: str, prefix: bool = False, start_revision: int = 0) -> Gen:
        """Watch ``key`` (or a prefix) from ``start_revision`` (0: the next revision); a Watch.

        Returns once a member serves the watch; raises StoreUnavailable if none answers.
        """
        op_id = self._invoke("watch", key, None)
        watch_id = self._next_watch
        self._next_watch += 1
        watch = Watch(self, watch_id, key, prefix, start_revision)
        self._watches[watch_id] = watch
        try:
            yield from watch.open()
        except StoreError as problem:
            self._watches.pop(watch_id, None)
            self._complete(op_id, False, error=str(problem))
            raise
        self._complete(op_id, True, revision=watch.created_revision)
        return watch

    # --- messages from the host ----------------------------------------------------------

    def deliver(self, message: object) -> bool:
        """Take a store message that arrived at the host; False when it is not for this client."""
        if getattr(message, "client", None) != self.id or self.stopped:
            return False
        if isinstance(message, WatchUpdate):
            watch = self._watches.get(message.watch_id)
            if watch is not None:
                watch.on_update(message)
            return True
        if isinstance(message, StoreResponse | KeepAliveResponse):
            waiter = self._waiting.get(message.op_id)
            if waiter is not None and not waiter.triggered:
                waiter.succeed(message)
            return True
        return False

    def stop(self) -> None:
        """The host crashed: forget every waiting call and watch (they never answer now)."""
        self.stopped = True
        self._waiting.clear()
        for watch_id in sorted(self._watches):
            self._watches[watch_id].abandon()
        self._watches.clear()

    def forget_watch(self, watch_id: int) -> None:
        """Stop routing updates of ``watch_id`` (the watch was cancelled)."""
        self._watches.pop(watch_id, None)

    # --- timing and members --------------------------------------------------------------

    def sim_delay(self, local_seconds: float) -> float:
        """How long ``local_seconds`` of the host's local clock last in simulated time."""
        clock = getattr(self.host, "clock", None)
        rate = clock.rate if clock is not None else 1.0
        return local_seconds / rate

    def next_member(self, member: str) -> str:
        """The member after ``member`` in id order (fail-over order)."""
        position = self.members.index(member) if member in self.members else -1
        return self.members[(position + 1) % len(self.members)]

    def check_up(self) -> None:
        """Raise StoreUnavailable when the client's host is down or the client stopped."""
        if self.stopped or not getattr(self.host, "alive", True):
            raise StoreUnavailable(f"{self.id}: the client's host {self.host.id} is down")

    # --- one operation ---------------------------------------------------------------------

    def _invoke(self, op: str, key: str | None, value: str | None, prefix: bool = False) -> int:
        op_id = self._next_op
        self._next_op += 1
        self._outstanding.add(op_id)
        self.trace.emit(KvInvoke(self.env.now, self.id, op_id, op, key, value, prefix))
        return op_id

    def _complete(self, op_id: int, ok: bool, value: str | None = None,
                  revision: int | None = None, succeeded: bool | None = None,
                  error: str | None = None,
                  kvs: tuple[tuple[str, str], ...] | None = None) -> None:
        self._outstanding.discard(op_id)
        self.trace.emit(KvComplete(self.env.now, self.id, op_id, ok, value, revision, succeeded,
                                   error, kvs))

    def _call(self, op: str, key: str | None, value: str | None, command: Command,
              serializable: bool = False, prefix: bool = False) -> Gen:
        op_id = self._invoke(op, key, value, prefix)
        local_read = serializable and isinstance(command, Range)

        def build(dst: str) -> StoreRequest:
            ack = min(self._outstanding) if self._outstanding else op_id
            return StoreRequest(self.host.id, dst, self.id, op_id, command, serializable, ack)

        try:
            reply = yield from self._exchange(op_id, build, to_leader=not local_read)
        except StoreUnavailable as problem:
            self._complete(op_id, False, error=str(problem))
            raise
        assert isinstance(reply, StoreResponse)
        response = reply.response
        if isinstance(response, ErrorResponse) or response is None:
            error = response.error if response is not None else reply.error
            self._complete(op_id, False, revision=getattr(response, "revision", None),
                           error=error)
            raise StoreError(f"{self.id}: {op} failed: {error}", response)
        self._complete(op_id, True, **_summary(response, prefix))
        return response

    def _exchange(self, op_id: int, build: Callable[[str], Any], to_leader: bool) -> Gen:
        """Send until a member answers for real; redirect, back off and fail over as needed."""
        target = (self.leader or self.member) if to_leader else self.member
        timeout = self.sim_delay(self.config.request_timeout)
        give_up = self.env.now + self.sim_delay(self.patience)
        attempts = 0
        while self.env.now < give_up:
            self.check_up()
            attempts += 1
            waiter = self.env.event()
            self._waiting[op_id] = waiter
            self.network.send(build(target))
            yield waiter | self.env.timeout(min(timeout, give_up - self.env.now))
            self._waiting.pop(op_id, None)
            self.check_up()
            if not waiter.triggered:
                # No answer: that member may be down or cut off; try the next one.
                if self.leader == target:
                    self.leader = None
                target = self.next_member(target)
                self.member = target
                continue
            reply: Reply = waiter.value
            if reply.error == NOT_LEADER:
                if reply.leader is not None and reply.leader != target:
                    self.leader = target = reply.leader
                    continue
                self.leader = None
                target = self.next_member(target)
            elif reply.error not in (NOT_READY, LEADERSHIP_LOST):
                if to_leader:
                    self.leader = reply.src
                return reply
            # No leader known, or the leader is settling in: ask again shortly.
            pause = min(self.sim_delay(self.backoff), give_up - self.env.now)
            if pause > 0:
                yield self.env.timeout(pause)
        raise StoreUnavailable(f"{self.id}: no answer from the store after {attempts} attempts "
                               f"in {self.patience:g} s")


def _first_key(txn: Txn) -> str | None:
    for compare in txn.compares:
        return compare.key
    for op in txn.success + txn.failure:
        return op.key
    return None


def _summary(response: Response, prefix: bool = False) -> dict[str, Any]:
    """The kv.complete fields of a successful response (a prefix read lists its ``kvs``)."""
    if isinstance(response, RangeResponse) and prefix:
        return {"kvs": tuple((kv.key, kv.value) for kv in response.kvs),
                "revision": response.revision}
    if isinstance(response, RangeResponse):
        first = response.first
        return {"value": first.value if first is not None else None,
                "revision": response.revision}
    if isinstance(response, TxnResponse):
        return {"revision": response.revision, "succeeded": response.succeeded}
    if isinstance(response, LeaseGrantResponse):
        return {"value": str(response.lease_id), "revision": response.revision}
    if isinstance(response, DeleteResponse):
        return {"value": str(response.deleted), "revision": response.revision}
    if isinstance(response, PutResponse | LeaseRevokeResponse):
        return {"revision": response.revision}
    return {"revision": getattr(response, "revision", None)}


__all__ = ["StoreClient", "StoreError", "StoreUnavailable", "Watch"]
