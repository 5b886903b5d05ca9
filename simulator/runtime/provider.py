"""The payment provider: a host keeping the ledger, and the charge messages that reach it.

App servers send ``ChargeMessage`` over the simulated network (so a charge is drawn and traced
like any message); the provider takes ``ProviderConfig.processing`` (stream
``"provider/processing"``) to handle each one, applies its protection (none, fencing token,
idempotency key: see ``simulator.payments.ledger``), traces the outcome as ``work`` and answers
with a ``ChargeReply``. The ledger is the provider's durable books: a crash loses the charges in
progress (never answered, never booked) but not the money already taken. A paused provider
finishes nothing until it resumes.

``ProviderPort`` is the app server's side: one outstanding-charge table per process, an answer
or None after ``reply_timeout`` seconds of the server's clock (``REPLY_TIMEOUT`` plus twice the
longest processing time the configuration suggests, so a slow provider is not mistaken for a
lost one).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Generator
from typing import Any, ClassVar

import simpy

from simulator.config import PROVIDER_ID, Latency, ProviderConfig
from simulator.frozen import frozen
from simulator.payments.ledger import ChargeRequest, Ledger
from simulator.rng import Streams
from simulator.runtime.clock import LocalClock
from simulator.runtime.host import Host
from simulator.runtime.network import Network
from simulator.runtime.scheduling import Callback, call_later
from simulator.trace.events import Work
from simulator.trace.recorder import Trace

REPLY_TIMEOUT = 2.0


@frozen
class ChargeMessage:
    """App server -> provider: charge ``amount`` for ``job`` (idempotency key) with ``token``."""

    src: str
    dst: str
    request_id: int
    job: str
    amount: int
    token: int | None
    due: float
    kind: ClassVar[str] = "Charge"

    def label(self) -> str:
        token = "-" if self.token is None else str(self.token)
        return f"charge {self.job} token {token}"


@frozen
class ChargeReply:
    """Provider -> app server: the outcome of charge ``request_id``.

    ``already_charged`` says whether money had been taken for the job before this request (so
    a rejected server knows the job is paid and a fenced-out one knows it is stale).
    """

    src: str
    dst: str
    request_id: int
    job: str
    accepted: bool
    duplicate: bool
    already_charged: bool
    reason: str
    kind: ClassVar[str] = "ChargeReply"

    def label(self) -> str:
        return f"{self.job} {'ok' if self.accepted else 'rejected'}"


class ProviderHost(Host):
    """The payment provider's server: handles each charge after its processing time."""

    def __init__(self, env: simpy.Environment, trace: Trace, network: Network, streams: Streams,
                 config: ProviderConfig) -> None:
        super().__init__(PROVIDER_ID, env, trace, network, LocalClock())
        self.config = config
        self.ledger = Ledger(config.protection)
        self._rng = streams.get("provider/processing")
        self._stalled: list[ChargeMessage] = []

    def _work(self, inbox: deque[Any], local_now: float) -> float:
        while inbox:
            item = inbox.popleft()
            if not isinstance(item, ChargeMessage):
                raise TypeError(f"{self.id}: cannot handle {item!r}")
            delay = self.config.processing.sample(self._rng)
            call_later(self.env, delay, self._finish, (self.incarnation, item))
        return 0.0

    def _finish(self, event: Callback) -> None:
        incarnation, message = event.payload
        if not self.alive or incarnation != self.incarnation:
            return  # lost in the crash: never booked, never answered
        if self.paused:
            self._stalled.append(message)
            return
        self._book(message)

    def _book(self, message: ChargeMessage) -> None:
        before = self.ledger.times_charged(message.job) > 0
        result = self.ledger.handle(
            ChargeRequest(message.src, message.job, message.amount, message.token))
        self.trace.emit(Work(self.env.now, message.src, message.job, message.token,
                             result.accepted, result.duplicate, message.due, result.reason))
        self.network.send(ChargeReply(self.id, message.src, message.request_id, message.job,
                                      result.accepted, result.duplicate, before, result.reason))

    def _resume(self, event: Callback) -> None:
        super()._resume(event)
        if not self.paused:
            stalled, self._stalled = self._stalled, []
            for message in stalled:
                self._book(message)

    def _next_deadline(self) -> float:
        return math.inf

    def _release(self) -> None:
        return None

    def _on_crash(self) -> None:
        self._stalled.clear()

    def _on_restart(self) -> None:
        return None


def reply_timeout(processing: Latency | None) -> float:
    """How long an app server waits for the provider's answer, in seconds of its clock."""
    if processing is None:
        return REPLY_TIMEOUT
    return REPLY_TIMEOUT + 2.0 * max(processing.a, processing.b)


class ProviderPort:
    """An app server's connection to the provider: send a charge, wait for its answer."""

    def __init__(self, host: Any, processing: Latency | None = None) -> None:
        self.host = host
        self.reply_timeout = reply_timeout(processing)
        self._next_id = 1
        self._waiting: dict[int, simpy.Event] = {}

    def charge(self, job: str, amount: int, token: int | None,
               due: float) -> Generator[simpy.Event, Any, ChargeReply | None]:
        """Charge ``job``; the provider's reply, or None when none came in time."""
        request_id = self._next_id
        self._next_id += 1
        env = self.host.env
        waiter = env.event()
        self._waiting[request_id] = waiter
        self.host.network.send(ChargeMessage(self.host.id, PROVIDER_ID, request_id, job, amount,
                                             token, due))
        timeout = env.timeout(self.reply_timeout / self.host.clock.rate)
        yield waiter | timeout
        self._waiting.pop(request_id, None)
        return waiter.value if waiter.triggered else None

    def deliver(self, reply: ChargeReply) -> None:
        """Hand a reply that arrived to the charge waiting for it (a late one is ignored)."""
        waiter = self._waiting.get(reply.request_id)
        if waiter is not None and not waiter.triggered:
            waiter.succeed(reply)

    def stop(self) -> None:
        """The server crashed: nobody waits for the answers any more."""
        self._waiting.clear()
