"""A tiny event loop that drives replicas and coordinators without simpy.

It carries messages with delays chosen by the caller, converts simulated time into each
node's local clock (offset + rate * t), and runs coordinators to the end. Tests and fast Monte
Carlo experiments use it; the simpy runtime drives the same objects through its network.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from simulator.eventual import lwt_acceptor
from simulator.eventual.lwt_messages import (
    LwtAccepted,
    LwtCommit,
    LwtCommitAck,
    LwtMessage,
    LwtPrepare,
    LwtPromise,
    LwtPropose,
)
from simulator.eventual.messages import (
    Message,
    ReadReply,
    ReplicaRead,
    ReplicaScan,
    ReplicaWrite,
    ScanReply,
    WriteAck,
)
from simulator.eventual.replica import Replica, WriteResult

Carried = Message | LwtMessage

# delay(src, dst, msg, t) -> seconds in flight, or None when the message is lost
Delay = Callable[[str, str, Carried, float], float | None]


@dataclass(slots=True)
class Applied:
    """A write as a replica received it: for checks in tests and experiments."""

    t: float
    replica: str
    write: ReplicaWrite
    result: WriteResult


@dataclass(slots=True)
class Clock:
    """A node's local clock: ``offset + rate * t``."""

    offset: float = 0.0
    rate: float = 1.0

    def local(self, t: float) -> float:
        return self.offset + self.rate * t

    def sim(self, local: float) -> float:
        return (local - self.offset) / self.rate


class Loop:
    """Replicas on named nodes, message delays from ``delay``, coordinators at any node."""

    def __init__(self, nodes: Iterable[str], delay: Delay,
                 clocks: dict[str, Clock] | None = None) -> None:
        self.replicas = {node: Replica(node) for node in sorted(nodes)}
        self.delay = delay
        self.clocks = {node: Clock() for node in self.replicas}
        self.clocks.update(clocks or {})
        self.now = 0.0
        self.applied: list[Applied] = []
        self._queue: list[tuple[float, int, str, str, Carried, object]] = []
        self._seq = 0
        self._requests: list[tuple[str, object]] = []

    def local(self, node: str, t: float | None = None) -> float:
        """``node``'s local clock at simulated time ``t`` (default: now)."""
        return self.clocks.setdefault(node, Clock()).local(self.now if t is None else t)

    def _send(self, src: str, dst: str, msg: Carried, request: object) -> None:
        d = self.delay(src, dst, msg, self.now)
        if d is None:
            return
        self._seq += 1
        heapq.heappush(self._queue, (self.now + d, self._seq, src, dst, msg, request))

    def submit(self, node: str, request: object) -> None:
        """Start a coordinator (built with ``node``'s local time) at ``node`` now."""
        self._requests.append((node, request))
        for send in request.start(self.local(node)):  # type: ignore[attr-defined]
            self._send(node, send.to, send.msg, request)

    def _deliver(self, src: str, dst: str, msg: Carried, request: object) -> None:
        if isinstance(msg, ReplicaWrite):
            replica = self.replicas[dst]
            result = replica.receive(msg, self.local(dst))
            self.applied.append(Applied(self.now, dst, msg, result))
            if request is not None:
                ack = WriteAck(msg.key, ok=not result.conflict, applied=result.applied)
                self._send(dst, src, ack, request)
        elif isinstance(msg, ReplicaRead):
            self._send(dst, src, self.replicas[dst].read(msg.key, self.local(dst)), request)
        elif isinstance(msg, ReplicaScan):
            self._send(dst, src, self.replicas[dst].scan(msg.prefix, self.local(dst)), request)
        elif isinstance(msg, LwtPrepare):
            self._send(dst, src, lwt_acceptor.prepare(self.replicas[dst], msg, self.local(dst)),
                       request)
        elif isinstance(msg, LwtPropose):
            self._send(dst, src, lwt_acceptor.propose(self.replicas[dst], msg), request)
        elif isinstance(msg, LwtCommit):
            ack, result, write = lwt_acceptor.commit(self.replicas[dst], msg, self.local(dst))
            self.applied.append(Applied(self.now, dst, write, result))
            self._send(dst, src, ack, request)
        elif isinstance(msg, ReadReply | WriteAck | ScanReply | LwtPromise | LwtAccepted
                        | LwtCommitAck) and request is not None:
            for send in request.on_reply(src, msg, self.local(dst)):  # type: ignore[attr-defined]
                self._send(dst, send.to, send.msg, request)

    def _next_deadline(self) -> tuple[float, str, object] | None:
        best: tuple[float, str, object] | None = None
        for node, request in self._requests:
            local = request.next_deadline()  # type: ignore[attr-defined]
            if local == math.inf:
                continue
            t = self.clocks[node].sim(local)
            if best is None or t < best[0]:
                best = (t, node, request)
        return best

    def _step(self, until: float) -> bool:
        """Fire the next deadline or deliver the next message, if one is due by ``until``."""
        deadline = self._next_deadline()
        message_at = self._queue[0][0] if self._queue else math.inf
        if deadline is not None and deadline[0] <= message_at:
            t, node, request = deadline
            if t > until:
                return False
            self.now = max(self.now, t)
            for send in request.on_deadline(  # type: ignore[attr-defined]
                request.next_deadline()  # type: ignore[attr-defined]
            ):
                self._send(node, send.to, send.msg, request)
            return True
        if not self._queue or message_at > until:
            return False
        t, _, src, dst, msg, request = heapq.heappop(self._queue)
        self.now = t
        self._deliver(src, dst, msg, request)
        return True

    def run(self, until: float = math.inf) -> None:
        """Deliver messages and fire deadlines in time order until nothing is left or ``until``."""
        while self._step(until):
            pass
        self._requests = [(n, r) for n, r in self._requests if not r.finished]  # type: ignore[attr-defined]
        if until != math.inf:
            self.now = max(self.now, until)

    def run_until_answered(self, request: object, until: float = math.inf) -> float | None:
        """Run in time order until ``request`` has its outcome; return when it got it (None: not
        by ``until``). What comes after stays queued for ``run``."""
        while getattr(request, "outcome", None) is None:
            if not self._step(until):
                return None
        return self.now

    def send_direct(self, src: str, dst: str, msg: Message) -> None:
        """Carry a message outside any request (hint handoff, anti-entropy)."""
        self._send(src, dst, msg, None)


@dataclass(slots=True)
class Links:
    """A simple delay function: a fixed delay per message, and cut directed links."""

    latency: float = 0.001
    cut: set[tuple[str, str]] = field(default_factory=set)

    def __call__(self, src: str, dst: str, msg: Carried, t: float) -> float | None:
        if (src, dst) in self.cut:
            return None
        return 0.0 if src == dst else self.latency

    def partition(self, *groups: Iterable[str]) -> None:
        """Cut every link between different groups."""
        sets = [set(g) for g in groups]
        for i, a in enumerate(sets):
            for j, b in enumerate(sets):
                if i != j:
                    self.cut.update((x, y) for x in a for y in b)

    def heal(self) -> None:
        self.cut.clear()
