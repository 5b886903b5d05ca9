"""The eventual store's client: the strong store's client calls where they mean the same thing.

``EventualClient(sim, client_id, host)`` sends each operation to one store node, which
coordinates it: app server ``app<k>`` starts with the k-th node (``n<k>``, wrapping around),
and moves to the next one in id order after a node gave no answer. Every call is a generator to ``yield from``
and is traced as kv.invoke / kv.complete, like the strong store's:

- ``get(key)`` / ``get(prefix, prefix=True)`` / ``put(key, value)`` / ``delete(key)`` answer the
  kv response types the strong client returns (``kvs``, no revisions: ``revision`` is 0);
- ``read(key)`` answers the newest of the first R replies with its timestamp (``EcAnswer``);
- ``write(key, value, ttl)`` stamps and writes with a TTL counted by each replica's clock;
- ``put_if(key, value, expect_value, ttl)`` is put-if-absent (``expect_value`` None) or
  put-if-equal done by the coordinator without consensus (read at R, write at W);
- ``cas(key, value, expect_ts, ttl)`` is a compare-and-swap each replica checks on its copy.

With ``[store] lwt = true`` ``put_if``, ``delete_if`` and ``cas`` are lightweight transactions
instead: the coordinator runs single-decree Paxos among the key's replicas and checks the
condition on what the promising quorum holds (``cas`` compares the newest copy's timestamp).

A coordinator that answers "failed" (its request timed out: the write may have landed anyway)
raises ``StoreError``; when no node answers within ``patience`` the call raises
``StoreUnavailable``. Leases, watches and transactions do not exist here: validation refuses
the recipes that need them.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import simpy

from simulator.eventual import Outcome, Timestamp
from simulator.frozen import frozen
from simulator.kv.records import KeyValue
from simulator.kv.responses import DeleteResponse, PutResponse, RangeResponse
from simulator.runtime.eventual_messages import (
    CAS,
    DELETE,
    GET,
    PUT,
    PUT_IF,
    SCAN,
    EcRequest,
    EcResponse,
)
from simulator.runtime.store_errors import StoreError, StoreUnavailable
from simulator.trace.events import EcResult, KvComplete, KvInvoke

if TYPE_CHECKING:
    from simulator.runtime.simulation import Simulation

Gen = Generator[simpy.Event, Any, Any]
OP_NAMES = {GET: "get", SCAN: "get", PUT: "put", DELETE: "delete", PUT_IF: "put_if",
            CAS: "cas"}


@frozen
class EcAnswer:
    """What a read or conditional write answered: the value and timestamp (read, or written),
    and whether a conditional write's condition held."""

    value: str | None
    ts: Timestamp | None
    succeeded: bool = True
    coordinator: str = ""


class EventualClient:
    """One client of the eventual store inside ``host``."""

    def __init__(self, sim: Simulation, client_id: str, host: Any,
                 patience: float | None = None) -> None:
        self.sim = sim
        self.id = client_id
        self.host = host
        self.env: simpy.Environment = sim.env
        self.trace = sim.trace
        self.network = sim.network
        self.config = sim.scenario.store
        self.members: tuple[str, ...] = tuple(sorted(sim.scenario.raft.node_ids))
        self.wait = 2 * self.config.request_timeout
        self.patience = patience if patience is not None else \
            self.wait * (len(self.members) + 1)
        self.member = self._home_member(sim, client_id, host)
        self._next_op = 1
        self._waiting: dict[int, simpy.Event] = {}
        self.stopped = False
        register = getattr(host, "add_store_client", None)
        if callable(register):
            register(self)

    def _home_member(self, sim: Simulation, client_id: str, host: Any) -> str:
        """app<k> talks to the k-th node (wrapping), so lessons name the coordinators; other
        hosts pick one with the stream ``"<client>/store"``."""
        digits = "".join(ch for ch in str(getattr(host, "id", "")) if ch.isdigit())
        if digits:
            return self.members[(int(digits) - 1) % len(self.members)]
        rng = sim.streams.get(f"{client_id}/store")
        return self.members[rng.randrange(len(self.members))]

    # --- the strong store's calls ---------------------------------------------------------------

    def get(self, key: str, prefix: bool = False, serializable: bool = False,
            **_ignored: Any) -> Gen:
        """Read ``key`` (or every key under a prefix); a RangeResponse without revisions."""
        if prefix:
            response = yield from self._call(SCAN, key, prefix=True)
            kvs = tuple(KeyValue(k, v, 0, 0, 1) for k, v in response.rows)
            return RangeResponse(0, kvs, len(kvs))
        answer = yield from self.read(key)
        kvs = () if answer.value is None else (KeyValue(key, answer.value, 0, 0, 1),)
        return RangeResponse(0, kvs, len(kvs))

    def put(self, key: str, value: str, lease: int = 0, ttl: float | None = None) -> Gen:
        """Write ``key`` = ``value`` (a lease has no meaning here: use ``ttl``)."""
        yield from self.write(key, value, ttl)
        return PutResponse(0)

    def delete(self, key: str, prefix: bool = False) -> Gen:
        """Delete ``key`` (a tombstone stamped like a write)."""
        if prefix:
            raise StoreError(f"{self.id}: the eventual store has no prefix delete")
        yield from self._call(DELETE, key)
        return DeleteResponse(0, 1)

    # --- the eventual store's own calls -------------------------------------------------------

    def read(self, key: str) -> Gen:
        """The newest of the first R replies for ``key`` (an EcAnswer)."""
        response = yield from self._call(GET, key)
        return EcAnswer(response.outcome.value, response.outcome.ts, True, response.src)

    def write(self, key: str, value: str, ttl: float | None = None) -> Gen:
        """Write ``key`` = ``value`` (with ``ttl`` seconds to live); an EcAnswer with the ts."""
        response = yield from self._call(PUT, key, value, ttl=ttl)
        return EcAnswer(value, response.outcome.ts, True, response.src)

    def put_if(self, key: str, value: str, expect_value: str | None = None,
               ttl: float | None = None) -> Gen:
        """Write if the newest value read is ``expect_value`` (None: absent); an EcAnswer
        (``succeeded`` False with what was read when the condition did not hold)."""
        response = yield from self._call(PUT_IF, key, value, ttl=ttl,
                                         expect_value=expect_value)
        o = response.outcome
        return EcAnswer(o.value, o.ts, o.succeeded, response.src)

    def delete_if(self, key: str, expect_value: str) -> Gen:
        """Delete ``key`` if it holds ``expect_value`` (only with lightweight transactions:
        the transaction's commit is a tombstone stamped with its ballot's time)."""
        response = yield from self._call(PUT_IF, key, None, expect_value=expect_value)
        o = response.outcome
        return EcAnswer(o.value, o.ts, o.succeeded, response.src)

    def cas(self, key: str, value: str, expect_ts: Timestamp | None,
            ttl: float | None = None) -> Gen:
        """Write if each replica's copy has timestamp ``expect_ts`` (None: absent), checked by
        each replica; ``succeeded`` False when more than N - W replicas refused."""
        response = yield from self._call(CAS, key, value, ttl=ttl, expect_ts=expect_ts)
        o = response.outcome
        return EcAnswer(o.value, o.ts, o.succeeded, response.src)

    # --- messages from the host ---------------------------------------------------------------

    def deliver(self, message: object) -> bool:
        """Take a response that arrived at the host; False when it is not for this client."""
        if getattr(message, "client", None) != self.id or self.stopped:
            return False
        if isinstance(message, EcResponse):
            waiter = self._waiting.get(message.op_id)
            if waiter is not None and not waiter.triggered:
                waiter.succeed(message)
            return True
        return False

    def stop(self) -> None:
        """The host crashed: forget every waiting call."""
        self.stopped = True
        self._waiting.clear()

    def check_up(self) -> None:
        """Raise StoreUnavailable when the client's host is down or the client stopped."""
        if self.stopped or not getattr(self.host, "alive", True):
            raise StoreUnavailable(f"{self.id}: the client's host {self.host.id} is down")

    def sim_delay(self, local_seconds: float) -> float:
        """How long ``local_seconds`` of the host's clock last in simulated time."""
        clock = getattr(self.host, "clock", None)
        return local_seconds / (clock.rate if clock is not None else 1.0)

    # --- one operation -------------------------------------------------------------------------

    def _call(self, op: str, key: str, value: str | None = None, ttl: float | None = None,
              expect_value: str | None = None, expect_ts: Timestamp | None = None,
              prefix: bool = False) -> Gen:
        op_id = self._next_op
        self._next_op += 1
        invoked = self.env.now
        traced = value
        if op == PUT_IF:
            traced = f"{value} if {'absent' if expect_value is None else expect_value}"
        elif op == CAS:
            traced = f"{value} if ts {'absent' if expect_ts is None else expect_ts}"
        self.trace.emit(KvInvoke(self.env.now, self.id, op_id, OP_NAMES[op], key, traced,
                                 prefix))
        try:
            response = yield from self._exchange(op_id, op, key, value, ttl, expect_value,
                                                 expect_ts)
        except StoreUnavailable as problem:
            self._complete(op_id, False, error=str(problem))
            raise
        o: Outcome = response.outcome
        if not o.ok and response.detail:
            error = f"{o.error} at {response.src}: {response.detail}"
            self._complete(op_id, False, error=error)
            raise StoreError(f"{self.id}: {OP_NAMES[op]} {key} failed: {error}")
        if not o.ok:
            error = f"{o.error} at {response.src} (W={self.config.write_quorum}, " \
                    f"R={self.config.read_quorum}); acknowledged by " \
                    f"{', '.join(o.acks) or 'none'}" if op not in (GET, SCAN) else \
                    f"{o.error} at {response.src}"
            self._complete(op_id, False, error=error)
            raise StoreError(f"{self.id}: {OP_NAMES[op]} {key} failed: {error}")
        if op != SCAN:
            written = op in (PUT, DELETE) or (op in (PUT_IF, CAS) and o.succeeded)
            self.trace.emit(EcResult(
                self.env.now, self.id, op_id, OP_NAMES[op], key,
                (value if op != DELETE else None) if written else o.value,
                None if o.ts is None else (o.ts.time, o.ts.node), invoked,
                ttl if written else None, o.succeeded, response.src))
        if op == SCAN:
            self._complete(op_id, True, kvs=response.rows)
        elif op in (PUT_IF, CAS):
            self._complete(op_id, True, value=o.value, succeeded=o.succeeded,
                           error=(o.error or response.detail or None) if not o.succeeded
                           else None)
        else:
            self._complete(op_id, True, value=o.value)
        return response

    def _complete(self, op_id: int, ok: bool, value: str | None = None,
                  succeeded: bool | None = None, error: str | None = None,
                  kvs: tuple[tuple[str, str], ...] | None = None) -> None:
        self.trace.emit(KvComplete(self.env.now, self.id, op_id, ok, value, None, succeeded,
                                   error, kvs))

    def _exchange(self, op_id: int, op: str, key: str, value: str | None, ttl: float | None,
                  expect_value: str | None, expect_ts: Timestamp | None) -> Gen:
        give_up = self.env.now + self.sim_delay(self.patience)
        attempts = 0
        while self.env.now < give_up:
            self.check_up()
            attempts += 1
            waiter = self.env.event()
            self._waiting[op_id] = waiter
            self.network.send(EcRequest(self.host.id, self.member, self.id, op_id, op, key,
                                        value, ttl, expect_value, expect_ts))
            yield waiter | self.env.timeout(min(self.sim_delay(self.wait),
                                                give_up - self.env.now))
            self._waiting.pop(op_id, None)
            self.check_up()
            if waiter.triggered:
                return waiter.value
            position = self.members.index(self.member)
            self.member = self.members[(position + 1) % len(self.members)]
        raise StoreUnavailable(f"{self.id}: no store node answered after {attempts} attempts "
                               f"in {self.patience:g} s")
