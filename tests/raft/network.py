"""A synchronous test network for Raft stories (etcd-io/raft's style), with safety checks built in.

Messages are delivered instantly, in the order they were sent, until the network is quiet. Time
is a fake clock advanced to the earliest node deadline. Faults: ``cut``, ``isolate``,
``partition``, ``drop`` (random loss), ``block`` (drop messages matching a predicate), ``crash``
and ``restart`` (from what the node persisted), ``heal``. Every Ready is checked as it is
collected: at most one leader per term, a new leader holds every committed entry, and no two
nodes apply different entries at the same index.
"""

from __future__ import annotations

import random
from collections import Counter, deque
from collections.abc import Callable, Iterable

from network_driving import DrivenNetwork

from simulator.raft import (
    AppendEntriesResponse,
    Entry,
    Message,
    Note,
    PersistentState,
    RaftNode,
    RaftOptions,
    Role,
    RoleChanged,
)
from simulator.rng import Streams

FAST = RaftOptions(
    heartbeat_interval=0.1,
    election_timeout_min=1.0,
    election_timeout_max=2.0,
    pre_vote=True,
    check_quorum=True,
)
MAX_DELIVERIES = 200_000


class SafetyViolation(AssertionError):
    """A Raft safety property failed on the test network."""


class Network(DrivenNetwork):
    """A cluster of RaftNodes wired through an instant, fault-injectable message queue."""

    def __init__(
        self,
        size: int = 3,
        options: RaftOptions = FAST,
        seed: int = 1,
        storages: dict[str, PersistentState] | None = None,
    ) -> None:
        self.ids = tuple(f"n{i}" for i in range(1, size + 1))
        self.options = options
        self.streams = Streams(seed)
        self.now = 0.0
        self.disks: dict[str, PersistentState] = dict(storages or {})
        self.nodes: dict[str, RaftNode] = {}
        self.cuts: set[tuple[str, str]] = set()
        self.loss = 0.0
        self.loss_rng = random.Random(0)
        self.reorder_rng: random.Random | None = None
        self.blocks: list[Callable[[Message], bool]] = []
        self.queue: deque[Message] = deque()
        self.paused: set[str] = set()
        self.held: list[Message] = []
        self.sent: Counter[str] = Counter()
        self.sent_messages: list[Message] = []
        self.dropped = 0
        self.rejections: Counter[str] = Counter()
        self.notes: list[tuple[float, str, Note]] = []
        self.applied: dict[str, list[Entry]] = {node: [] for node in self.ids}
        self.applied_at: dict[int, Entry] = {}
        self.leaders_by_term: dict[int, str] = {}
        self.read_states: dict[str, list[tuple[int, int]]] = {node: [] for node in self.ids}
        for node in self.ids:
            self._start(node)
        self.deliver()

    # --- nodes --------------------------------------------------------------------------------

    def _start(self, node: str) -> None:
        rng = self.streams.get(f"{node}/election")
        self.nodes[node] = RaftNode(
            node, self.ids, self.options, rng, storage=self.disks.get(node), now=self.now
        )
        self.applied[node] = []
        self.collect(node)

    def __getitem__(self, node: str) -> RaftNode:
        return self.nodes[node]

    def alive(self, node: str) -> bool:
        """True when ``node`` is running (not crashed)."""
        return node in self.nodes

    def crash(self, node: str) -> None:
        """Stop ``node``: its volatile state is lost, its disk (term, vote, log) is kept."""
        del self.nodes[node]
        self.paused.discard(node)
        self.held = [m for m in self.held if m.dst != node]

    def pause(self, node: str) -> None:
        """Freeze ``node`` (a GC pause): no timers fire, messages to it wait until ``resume``."""
        if node in self.nodes:
            self.paused.add(node)

    def resume(self, node: str) -> None:
        """Unfreeze ``node``: it handles the messages that waited, with its stale beliefs."""
        if node not in self.paused:
            return
        self.paused.discard(node)
        waiting = [m for m in self.held if m.dst == node]
        self.held = [m for m in self.held if m.dst != node]
        self.queue.extend(waiting)
        self.deliver()

    def restart(self, node: str) -> None:
        """Start ``node`` again from what it persisted."""
        if node not in self.nodes:
            self._start(node)
            self.deliver()

    def leader(self) -> str | None:
        """The live leader of the highest term, if any."""
        leaders = [n for n in sorted(self.nodes) if self.nodes[n].role is Role.LEADER]
        if not leaders:
            return None
        return max(leaders, key=lambda n: self.nodes[n].term)

    def roles(self) -> dict[str, Role]:
        """Each live node's role."""
        return {node: self.nodes[node].role for node in sorted(self.nodes)}

    def notes_of(self, node: str, kind: type) -> list:
        """The notes of one type that ``node`` reported, in order."""
        return [note for _, n, note in self.notes if n == node and isinstance(note, kind)]

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
        """Split the cluster: messages only flow inside a group (nodes not listed are alone)."""
        group_of = {node: i for i, group in enumerate(groups) for node in group}
        for a in self.ids:
            for b in self.ids:
                if a != b and (group_of.get(a, a) != group_of.get(b, b)):
                    self.cuts.add((a, b))

    def drop(self, fraction: float, rng: random.Random) -> None:
        """Lose each message with probability ``fraction``, drawn from ``rng``."""
        self.loss = fraction
        self.loss_rng = rng

    def reorder(self, rng: random.Random) -> None:
        """Deliver queued messages in a random order drawn from ``rng`` (until ``heal``)."""
        self.reorder_rng = rng

    def block(self, predicate: Callable[[Message], bool]) -> None:
        """Drop every message for which ``predicate`` is true (until ``heal``)."""
        self.blocks.append(predicate)

    def heal(self) -> None:
        """Remove every cut, block, loss and reordering."""
        self.cuts.clear()
        self.blocks.clear()
        self.loss = 0.0
        self.reorder_rng = None

    # --- driving ------------------------------------------------------------------------------

    def collect(self, node: str) -> None:
        """Take ``node``'s Ready: persist, check, apply, and queue its messages."""
        raft = self.nodes[node]
        ready = raft.ready()
        if ready.must_persist:
            self.disks[node] = raft.persistent_state()
        for note in ready.notes:
            self.notes.append((self.now, node, note))
            if isinstance(note, RoleChanged) and note.role is Role.LEADER:
                self._check_new_leader(node, note.term)
        for entry in ready.committed:
            self._check_apply(node, entry)
        self.read_states[node].extend(ready.read_states)
        for msg in ready.messages:
            self.sent[msg.kind] += 1
            self.sent_messages.append(msg)
            if isinstance(msg, AppendEntriesResponse) and not msg.success:
                self.rejections[node] += 1
            self.queue.append(msg)

    def deliver(self) -> None:
        """Deliver queued messages (and whatever they cause) until none is left."""
        count = 0
        while self.queue:
            count += 1
            if count > MAX_DELIVERIES:
                raise RuntimeError("the network never went quiet")
            if self.reorder_rng is not None and len(self.queue) > 1:
                self.queue.rotate(-self.reorder_rng.randrange(len(self.queue)))
            msg = self.queue.popleft()
            if (
                msg.dst not in self.nodes
                or (msg.src, msg.dst) in self.cuts
                or any(block(msg) for block in self.blocks)
                or (self.loss and self.loss_rng.random() < self.loss)
            ):
                self.dropped += 1
                continue
            if msg.dst in self.paused:
                self.held.append(msg)
                continue
            self.nodes[msg.dst].step(msg, self.now)
            self.collect(msg.dst)

    def next_deadline(self) -> float:
        """The earliest deadline of any live node."""
        return min(
            (raft.next_deadline() for node, raft in self.nodes.items() if node not in self.paused),
            default=float("inf"),
        )

    def advance(self) -> None:
        """Move time to the earliest deadline, tick every node due then, and deliver."""
        self.now = max(self.now, self.next_deadline())
        for node in sorted(self.nodes):
            if node not in self.paused and self.nodes[node].next_deadline() <= self.now:
                self.nodes[node].tick(self.now)
                self.collect(node)
        self.deliver()

    def step(self, msg: Message) -> None:
        """Hand one message to its destination directly (bypassing faults) and deliver."""
        self.nodes[msg.dst].step(msg, self.now)
        self.collect(msg.dst)
        self.deliver()

    # --- safety -------------------------------------------------------------------------------

    def _check_new_leader(self, node: str, term: int) -> None:
        previous = self.leaders_by_term.setdefault(term, node)
        if previous != node:
            raise SafetyViolation(f"two leaders in term {term}: {previous} and {node}")
        raft = self.nodes[node]
        for index, entry in self.applied_at.items():
            if index > raft.last_index or raft.entry(index) != entry:
                raise SafetyViolation(
                    f"leader {node} of term {term} lacks committed entry {entry}"
                )

    def _check_apply(self, node: str, entry: Entry) -> None:
        applied = self.applied[node]
        if entry.index != len(applied) + 1:
            raise SafetyViolation(f"{node} applied index {entry.index} after {len(applied)}")
        applied.append(entry)
        known = self.applied_at.setdefault(entry.index, entry)
        if known != entry:
            raise SafetyViolation(f"{node} applied {entry} where another applied {known}")

    def logs(self) -> dict[str, tuple[Entry, ...]]:
        """Every node's log: live nodes' current logs, crashed nodes' persisted logs."""
        result = {}
        for node in self.ids:
            if node in self.nodes:
                result[node] = self.nodes[node].log
            else:
                result[node] = self.disks.get(node, PersistentState()).log
        return result

    def check_log_matching(self) -> None:
        """Logs that hold an entry with the same index and term are identical up to it."""
        logs = self.logs()
        names = sorted(logs)
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                la, lb = logs[a], logs[b]
                common = min(len(la), len(lb))
                last_same = 0
                for index in range(common, 0, -1):
                    if la[index - 1].term == lb[index - 1].term:
                        last_same = index
                        break
                if la[:last_same] != lb[:last_same]:
                    raise SafetyViolation(f"logs of {a} and {b} differ before index {last_same}")
