"""A synchronous test network for Multi-Paxos stories, with safety checks built in.

As tests/raft/network.py: messages are delivered instantly in the order they were sent until the
network is quiet; time is a fake clock advanced to the earliest deadline. Faults: ``cut``,
``isolate``, ``partition``, ``drop`` (random loss), ``block``, ``crash`` and ``restart`` (from
what the node persisted), ``heal``. Every Ready is checked as it is collected: at most one
leader per ballot, and no two nodes apply different values for one slot, each in slot order.
"""

from __future__ import annotations

import random
from collections import Counter, deque
from collections.abc import Callable, Iterable

from network_driving import DrivenNetwork

from simulator.paxos import (
    Ballot,
    Note,
    PaxosMessage,
    PaxosNode,
    PaxosOptions,
    PaxosState,
    Role,
    RoleChanged,
    SlotValue,
)
from simulator.rng import Streams

FAST = PaxosOptions(heartbeat_interval=0.1, election_timeout_min=1.0, election_timeout_max=2.0)
MAX_DELIVERIES = 100_000


class SafetyViolation(AssertionError):
    """A Paxos safety property failed on the test network."""


class Network(DrivenNetwork):
    """A cluster of PaxosNodes wired through an instant, fault-injectable message queue."""

    def __init__(self, size: int = 3, options: PaxosOptions = FAST, seed: int = 1,
                 max_deliveries: int = MAX_DELIVERIES) -> None:
        self.ids = tuple(f"n{i}" for i in range(1, size + 1))
        self.options = options
        self.streams = Streams(seed)
        self.now = 0.0
        self.max_deliveries = max_deliveries
        self.disks: dict[str, PaxosState] = {}
        self.nodes: dict[str, PaxosNode] = {}
        self.cuts: set[tuple[str, str]] = set()
        self.loss = 0.0
        self.loss_rng = random.Random(0)
        self.blocks: list[Callable[[PaxosMessage], bool]] = []
        self.queue: deque[PaxosMessage] = deque()
        self.sent: Counter[str] = Counter()
        self.dropped = 0
        self.notes: list[tuple[float, str, Note]] = []
        self.applied: dict[str, list[SlotValue]] = {node: [] for node in self.ids}
        self.applied_at: dict[int, str] = {}
        self.leaders_by_ballot: dict[Ballot, str] = {}
        self.read_states: dict[str, list[tuple[int, int]]] = {node: [] for node in self.ids}
        for node in self.ids:
            self._start(node)
        self.deliver()

    # --- nodes --------------------------------------------------------------------------------

    def _start(self, node: str) -> None:
        rng = self.streams.get(f"{node}/election")
        self.nodes[node] = PaxosNode(node, self.ids, self.options, rng,
                                     storage=self.disks.get(node), now=self.now)
        self.applied[node] = []
        self.collect(node)

    def __getitem__(self, node: str) -> PaxosNode:
        return self.nodes[node]

    def crash(self, node: str) -> None:
        """Stop ``node``: volatile state is lost, its disk (promise, accepted values) is kept."""
        del self.nodes[node]

    def restart(self, node: str) -> None:
        """Start ``node`` again from what it persisted."""
        if node not in self.nodes:
            self._start(node)
            self.deliver()

    def leader(self) -> str | None:
        """The live leader with the highest ballot, if any."""
        leaders = [n for n in sorted(self.nodes) if self.nodes[n].role is Role.LEADER]
        return max(leaders, key=lambda n: self.nodes[n].ballot) if leaders else None

    def leaders(self) -> list[str]:
        """Every live node that believes it leads."""
        return [n for n in sorted(self.nodes) if self.nodes[n].role is Role.LEADER]

    def notes_of(self, node: str, kind: type) -> list:
        """The notes of one type that ``node`` reported, in order."""
        return [note for _, n, note in self.notes if n == node and isinstance(note, kind)]

    def commands(self, node: str) -> list[str]:
        """The canonical commands ``node`` applied since it last started."""
        return [value.canonical() for value in self.applied[node]]

    # --- faults -------------------------------------------------------------------------------

    def cut(self, a: str, b: str) -> None:
        """Stop messages between ``a`` and ``b`` in both directions."""
        self.cuts.add((a, b))
        self.cuts.add((b, a))

    def isolate(self, node: str) -> None:
        """Cut ``node`` from every other node."""
        for other in self.ids:
            if other != node:
                self.cut(node, other)

    def partition(self, *groups: Iterable[str]) -> None:
        """Split the cluster: messages only flow inside a group."""
        group_of = {node: i for i, group in enumerate(groups) for node in group}
        for a in self.ids:
            for b in self.ids:
                if a != b and group_of.get(a, a) != group_of.get(b, b):
                    self.cuts.add((a, b))

    def drop(self, fraction: float, rng: random.Random) -> None:
        """Lose each message with probability ``fraction``, drawn from ``rng``."""
        self.loss = fraction
        self.loss_rng = rng

    def block(self, predicate: Callable[[PaxosMessage], bool]) -> None:
        """Drop every message for which ``predicate`` is true (until ``heal``)."""
        self.blocks.append(predicate)

    def heal(self) -> None:
        """Remove every cut, block and loss."""
        self.cuts.clear()
        self.blocks.clear()
        self.loss = 0.0

    # --- driving ------------------------------------------------------------------------------

    def collect(self, node: str) -> None:
        """Take ``node``'s Ready: persist, check, apply, and queue its messages."""
        paxos = self.nodes[node]
        ready = paxos.ready()
        if ready.must_persist:
            self.disks[node] = paxos.persistent_state()
        for note in ready.notes:
            self.notes.append((self.now, node, note))
            if isinstance(note, RoleChanged) and note.role is Role.LEADER:
                previous = self.leaders_by_ballot.setdefault(note.ballot, node)
                if previous != node:
                    raise SafetyViolation(f"two leaders of ballot {note.ballot}")
        for value in ready.committed:
            self._check_apply(node, value)
        self.read_states[node].extend(ready.read_states)
        for msg in ready.messages:
            self.sent[msg.kind] += 1
            self.queue.append(msg)

    def deliver(self) -> None:
        """Deliver queued messages (and whatever they cause) until none is left."""
        count = 0
        while self.queue:
            count += 1
            if count > self.max_deliveries:
                raise RuntimeError("the network never went quiet")
            msg = self.queue.popleft()
            if (msg.dst not in self.nodes or (msg.src, msg.dst) in self.cuts
                    or any(block(msg) for block in self.blocks)
                    or (self.loss and self.loss_rng.random() < self.loss)):
                self.dropped += 1
                continue
            self.nodes[msg.dst].step(msg, self.now)
            self.collect(msg.dst)

    def next_deadline(self) -> float:
        """The earliest deadline of any live node."""
        return min((p.next_deadline() for p in self.nodes.values()), default=float("inf"))

    def advance(self) -> None:
        """Move time to the earliest deadline, tick every node due then, and deliver."""
        self.now = max(self.now, self.next_deadline())
        for node in sorted(self.nodes):
            if self.nodes[node].next_deadline() <= self.now:
                self.nodes[node].tick(self.now)
                self.collect(node)
        self.deliver()

    # --- safety -------------------------------------------------------------------------------

    def _check_apply(self, node: str, value: SlotValue) -> None:
        applied = self.applied[node]
        if value.slot != len(applied) + 1:
            raise SafetyViolation(f"{node} applied slot {value.slot} after {len(applied)}")
        applied.append(value)
        known = self.applied_at.setdefault(value.slot, value.canonical())
        if known != value.canonical():
            raise SafetyViolation(f"{node} applied {value.canonical()!r} at slot {value.slot} "
                                  f"where another applied {known!r}")
