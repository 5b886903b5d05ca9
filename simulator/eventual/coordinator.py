"""Coordinators: the state machine of one client request at the node that coordinates it.

A coordinator is created with the request, the key's walk of the ring and the local time; it
returns the messages to send (``Send``) from ``start``, ``on_reply`` and ``on_deadline``, tells
the next local time it needs ``on_deadline`` (``next_deadline``), and sets ``outcome`` once the
client can be answered. It may keep working after that (read repair of late replies).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from simulator.eventual.messages import (
    REPAIR,
    Message,
    ReadReply,
    ReplicaRead,
    ReplicaScan,
    ReplicaWrite,
    ScanReply,
    Send,
    WriteAck,
)
from simulator.eventual.ring import Target, initial_targets
from simulator.eventual.versions import Expect, Timestamp, newest, rank
from simulator.frozen import frozen

TIMEOUT = "timeout"
CONFLICT = "conflict"


@frozen
class Outcome:
    """The answer for the client.

    ``ok`` False: the request failed (``error`` "timeout"; a write may still have landed).
    For a read: ``value`` / ``ts`` of the newest of the first R replies. For a conditional
    write: ``succeeded`` False when the condition did not hold (``value`` / ``ts``: what was
    read) or when too many replicas refused a replica-side precondition ("conflict").
    """

    ok: bool
    value: str | None = None
    ts: Timestamp | None = None
    succeeded: bool = True
    error: str | None = None
    acks: tuple[str, ...] = ()


@dataclass(slots=True)
class Settings:
    """How a coordinator treats one request (times in seconds of its local clock)."""

    n: int
    quorum: int
    timeout: float
    sloppy: bool = False
    handoff_after: float = math.inf
    read_repair: bool = False
    suspected: frozenset[str] = field(default_factory=frozenset)


class Coordinator:
    """Shared part: the targets (home replicas, then stand-ins), the timeout and recruiting."""

    __slots__ = ("key", "settings", "started", "targets", "spare", "answered", "outcome",
                 "_next_recruit", "finished")

    def __init__(self, key: str, walk: Sequence[str], settings: Settings, now: float) -> None:
        self.key = key
        self.settings = settings
        self.started = now
        self.targets, self.spare = initial_targets(
            walk, settings.n, settings.suspected, settings.sloppy
        )
        self.answered: dict[str, Message] = {}
        self.outcome: Outcome | None = None
        self.finished = False
        self._next_recruit = now + settings.handoff_after if settings.sloppy else math.inf

    @property
    def deadline(self) -> float:
        """The local time the request times out."""
        return self.started + self.settings.timeout

    def next_deadline(self) -> float:
        """The next local time ``on_deadline`` has something to do (inf: nothing)."""
        if self.finished:
            return math.inf
        return min(self.deadline, self._next_recruit)

    def target_of(self, node: str) -> Target | None:
        """The target entry of ``node`` (None: not asked)."""
        for target in self.targets:
            if target.node == node:
                return target
        return None

    def _message_for(self, target: Target, now: float) -> Message:
        raise NotImplementedError

    def _recruit(self, now: float) -> list[Send]:
        """Sloppy quorum: every home whose targets all stayed silent gets the next stand-in."""
        sends: list[Send] = []
        homes = [t.node for t in self.targets if t.hint_for is None]
        homes += [t.hint_for for t in self.targets if t.hint_for is not None]
        for home in dict.fromkeys(homes):
            serving = [t for t in self.targets if t.node == home or t.hint_for == home]
            if any(t.node in self.answered for t in serving) or not self.spare:
                continue
            target = Target(self.spare.pop(0), hint_for=home)
            self.targets.append(target)
            sends.append(Send(target.node, self._message_for(target, now)))
        return sends

    def start(self, now: float) -> list[Send]:
        """The first messages: one per target."""
        return [Send(t.node, self._message_for(t, now)) for t in self.targets]

    def on_deadline(self, now: float) -> list[Send]:
        """Recruit stand-ins when due; time the request out when due."""
        sends: list[Send] = []
        if self.finished:
            return sends
        if now >= self._next_recruit:
            sends = self._recruit(now)
            self._next_recruit = now + self.settings.handoff_after if self.spare else math.inf
        if now >= self.deadline:
            if self.outcome is None:
                self.outcome = Outcome(False, error=TIMEOUT, acks=tuple(self._acked()))
            self.finished = True
        return sends

    def _acked(self) -> list[str]:
        return [node for node, msg in self.answered.items()
                if isinstance(msg, WriteAck) and msg.ok]


class WriteCoordinator(Coordinator):
    """A write: stamped with the coordinator's clock, sent to N, answered after W acks.

    With ``expect`` each replica checks the precondition itself (a compare-and-swap done per
    replica): the write fails as a conflict once so many replicas refused that W acks can no
    longer come, although the replicas that accepted keep the write.
    """

    __slots__ = ("value", "ts", "ttl", "expect")

    def __init__(self, key: str, value: str | None, walk: Sequence[str], settings: Settings,
                 now: float, node: str, ttl: float | None = None,
                 expect: Expect | None = None) -> None:
        super().__init__(key, walk, settings, now)
        self.value = value
        self.ts = Timestamp(now, node)
        self.ttl = ttl
        self.expect = expect

    def _message_for(self, target: Target, now: float) -> Message:
        return ReplicaWrite(self.key, self.value, self.ts, self.ttl, target.hint_for, self.expect)

    def on_reply(self, node: str, reply: Message, now: float) -> list[Send]:
        """Count an acknowledgement; answer at W acks or once W can no longer be reached."""
        if self.finished or not isinstance(reply, WriteAck) or node in self.answered:
            return []
        if self.target_of(node) is None:
            return []
        self.answered[node] = reply
        acked = self._acked()
        refused = len(self.answered) - len(acked)
        if self.outcome is None and len(acked) >= self.settings.quorum:
            self.outcome = Outcome(True, self.value, self.ts, acks=tuple(acked))
        elif self.outcome is None and refused > self.settings.n - self.settings.quorum:
            self.outcome = Outcome(True, self.value, self.ts, succeeded=False, error=CONFLICT,
                                   acks=tuple(acked))
        if self.outcome is not None:
            self.finished = True
        return []


class ReadCoordinator(Coordinator):
    """A read: asks the N replicas, answers with the newest of the first R replies.

    With read repair the coordinator keeps listening until every target answered or the
    request times out, and sends the newest version to each home replica that answered older.
    """

    __slots__ = ("repaired",)

    def __init__(self, key: str, walk: Sequence[str], settings: Settings, now: float) -> None:
        super().__init__(key, walk, settings, now)
        self.repaired: list[str] = []

    def _message_for(self, target: Target, now: float) -> Message:
        return ReplicaRead(self.key)

    def replies(self) -> list[tuple[str, ReadReply]]:
        """The replies so far, in arrival order."""
        return [(node, msg) for node, msg in self.answered.items() if isinstance(msg, ReadReply)]

    def newest(self) -> ReadReply | None:
        """The newest reply so far by last-writer-wins (None before any)."""
        replies = [msg for _, msg in self.replies()]
        if not replies:
            return None
        value, ts, live = newest((m.value, m.ts, m.live) for m in replies)
        for m in replies:
            if m.ts == ts and m.live == live and m.value == value:
                return m
        return replies[0]

    def on_reply(self, node: str, reply: Message, now: float) -> list[Send]:
        """Take a reply; answer at R replies; repair stale home replicas if enabled."""
        if self.finished or not isinstance(reply, ReadReply) or node in self.answered:
            return []
        if self.target_of(node) is None:
            return []
        self.answered[node] = reply
        if self.outcome is None and len(self.answered) >= self.settings.quorum:
            best = self.newest()
            assert best is not None
            self.outcome = Outcome(True, best.value, best.ts)
        sends: list[Send] = []
        if self.outcome is not None and self.settings.read_repair:
            sends = self._repairs(now)
        if self.outcome is not None and (
            not self.settings.read_repair or len(self.answered) >= len(self.targets)
        ):
            self.finished = True
        return sends

    def _repairs(self, now: float) -> list[Send]:
        best = self.newest()
        if best is None or best.ts is None:
            return []
        sends: list[Send] = []
        for node, reply in self.replies():
            target = self.target_of(node)
            if target is None or target.hint_for is not None:
                continue
            if rank(reply.ts, reply.live, reply.value) < rank(best.ts, best.live, best.value):
                value = best.value if best.live else None
                sends.append(Send(node, ReplicaWrite(self.key, value, best.ts, best.ttl,
                                                     source=REPAIR)))
                # the repaired copy now counts as the newest one
                self.answered[node] = best
                self.repaired.append(node)
        return sends


class ConditionalPutCoordinator:
    """Put if the key holds ``expect_value`` (None = absent), done without consensus:
    a read at R, then, if the newest value read matches, a write at W stamped at that moment.
    """

    __slots__ = ("key", "value", "expect_value", "walk", "read_settings", "write_settings",
                 "node", "ttl", "read", "write", "outcome")

    def __init__(self, key: str, value: str, expect_value: str | None, walk: Sequence[str],
                 read_settings: Settings, write_settings: Settings, now: float, node: str,
                 ttl: float | None = None) -> None:
        self.key = key
        self.value = value
        self.expect_value = expect_value
        self.walk = tuple(walk)
        self.read_settings = read_settings
        self.write_settings = write_settings
        self.node = node
        self.ttl = ttl
        self.read = ReadCoordinator(key, walk, read_settings, now)
        self.write: WriteCoordinator | None = None
        self.outcome: Outcome | None = None

    def start(self, now: float) -> list[Send]:
        """Start the read phase."""
        return self.read.start(now)

    def _advance(self, sends: list[Send], now: float) -> list[Send]:
        if self.write is None and self.read.outcome is not None:
            seen = self.read.outcome
            if not seen.ok:
                self.outcome = seen
            elif seen.value != self.expect_value:
                self.outcome = Outcome(True, seen.value, seen.ts, succeeded=False)
            else:
                self.write = WriteCoordinator(self.key, self.value, self.walk,
                                              self.write_settings, now, self.node, self.ttl)
                sends = sends + self.write.start(now)
        if self.write is not None and self.write.outcome is not None and self.outcome is None:
            self.outcome = self.write.outcome
        return sends

    def on_reply(self, node: str, reply: Message, now: float) -> list[Send]:
        """Route a reply to the phase it answers."""
        if isinstance(reply, ReadReply):
            return self._advance(self.read.on_reply(node, reply, now), now)
        if self.write is not None:
            return self._advance(self.write.on_reply(node, reply, now), now)
        return []

    def on_deadline(self, now: float) -> list[Send]:
        """Deadlines of both phases."""
        sends = self.read.on_deadline(now) if now >= self.read.next_deadline() else []
        if self.write is not None and now >= self.write.next_deadline():
            sends = sends + self.write.on_deadline(now)
        return self._advance(sends, now)

    def next_deadline(self) -> float:
        """The earliest deadline of the phases still running."""
        t = self.read.next_deadline()
        if self.write is not None:
            t = min(t, self.write.next_deadline())
        return t

    @property
    def finished(self) -> bool:
        """True when neither phase has anything left to do."""
        return self.read.finished and (self.write is None or self.write.finished) and (
            self.outcome is not None
        )


class ScanCoordinator:
    """A prefix read: ask every node for its keys under ``prefix``; answer once enough nodes
    replied that every key's R replicas are among them (M - N + R of M nodes), with the
    newest copy of each key. With a sloppy quorum a scan that times out with at least R
    replies answers with what those nodes hold (it may miss keys).
    """

    __slots__ = ("prefix", "nodes", "needed", "started", "timeout", "answered", "outcome",
                 "finished", "rows", "sloppy", "quorum")

    def __init__(self, prefix: str, nodes: Sequence[str], settings: Settings,
                 now: float) -> None:
        self.prefix = prefix
        self.nodes = tuple(nodes)
        self.needed = max(1, min(len(self.nodes),
                                 len(self.nodes) - settings.n + settings.quorum))
        self.started = now
        self.timeout = settings.timeout
        self.sloppy = settings.sloppy
        self.quorum = settings.quorum
        self.answered: dict[str, ScanReply] = {}
        self.outcome: Outcome | None = None
        self.finished = False
        self.rows: tuple[tuple[str, str], ...] = ()

    def start(self, now: float) -> list[Send]:
        """Ask every node."""
        return [Send(node, ReplicaScan(self.prefix)) for node in self.nodes]

    def next_deadline(self) -> float:
        """The timeout (inf once answered)."""
        return math.inf if self.finished else self.started + self.timeout

    def on_deadline(self, now: float) -> list[Send]:
        """Time out when too few nodes answered."""
        if not self.finished and now >= self.started + self.timeout:
            if self.sloppy and len(self.answered) >= self.quorum:
                self._answer()
            else:
                self.outcome = Outcome(False, error=TIMEOUT)
            self.finished = True
        return []

    def on_reply(self, node: str, reply: Message, now: float) -> list[Send]:
        """Take a node's rows; answer once enough nodes replied."""
        if self.finished or not isinstance(reply, ScanReply) or node in self.answered:
            return []
        self.answered[node] = reply
        if len(self.answered) >= self.needed:
            self._answer()
        return []

    def _answer(self) -> None:
        best: dict[str, ReadReply] = {}
        for scan in self.answered.values():
            for row in scan.rows:
                held = best.get(row.key)
                if held is None or rank(row.ts, row.live, row.value) > rank(
                    held.ts, held.live, held.value
                ):
                    best[row.key] = row
        self.rows = tuple((key, best[key].value) for key in sorted(best)
                          if best[key].live and best[key].value is not None)
        self.outcome = Outcome(True)
        self.finished = True
