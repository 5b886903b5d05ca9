"""A host running one pure Raft node: feeds it messages and deadlines, drains its Ready.

After each batch of messages and due timers the host drains ``node.ready()``: it turns the
notes into trace events, waits the disk latency (stream ``"<id>/disk"``) when the term, vote or
log changed, then sends the messages and applies the committed entries to its state machine.
A crash keeps only the PersistentState whose disk write completed; restart rebuilds the node
from it with a fresh state machine.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence
from typing import Any, Protocol

import simpy

from simulator.config import Latency
from simulator.raft.messages import Entry, Message
from simulator.raft.node import RaftNode
from simulator.raft.options import PersistentState, RaftOptions
from simulator.raft.ready import (
    Committed,
    ElectionTimerReset,
    LogAppended,
    LogTruncated,
    Ready,
    RoleChanged,
    VoteGranted,
)
from simulator.rng import Streams
from simulator.runtime.clock import LocalClock
from simulator.runtime.host import Host
from simulator.runtime.network import Network
from simulator.runtime.state_machine import AppliedLog, StateMachine, StateMachineFactory
from simulator.trace.events import (
    RaftAppend,
    RaftApply,
    RaftCommit,
    RaftRole,
    RaftTimer,
    RaftTruncate,
    RaftVote,
)
from simulator.trace.recorder import Trace


class Campaign:
    """A local command: start an election now (a forced election timeout)."""

    __slots__ = ()


class Propose:
    """A local command: propose ``command`` (queued while the process is busy or paused)."""

    __slots__ = ("command",)

    def __init__(self, command: object) -> None:
        self.command = command


class HostedService(StateMachine, Protocol):
    """A state machine that also serves requests from inside its host (the store server).

    The host calls ``bind`` once after building it, routes every message or local command that
    is not Raft's to ``handle``, reports role changes to ``on_role``, and wakes it at
    ``next_deadline`` (local time, inf for never, -inf for at once) through ``on_deadline``
    (called on every wake-up of the process: it checks itself what is due). All of these run
    inside the host's process; whatever the service does to ``host.node`` is drained before the
    process sleeps again.
    """

    def bind(self, host: RaftHost) -> None:
        """Remember the host this service runs in."""
        ...

    def handle(self, item: object, local_now: float) -> None:
        """Handle one non-Raft message or local command."""
        ...

    def on_role(self, role: str, term: int) -> None:
        """The Raft node's role or term changed."""
        ...

    def next_deadline(self) -> float:
        """The local time the service next needs ``on_deadline`` (inf for never)."""
        ...

    def on_deadline(self, local_now: float) -> None:
        """Handle every service timer due at ``local_now``."""
        ...


class RaftHost(Host):
    """A Raft node in a simulated server."""

    def __init__(self, node_id: str, peers: Sequence[str], options: RaftOptions,
                 env: simpy.Environment, trace: Trace, network: Network, streams: Streams,
                 disk_latency: Latency, state_machine_factory: StateMachineFactory = AppliedLog,
                 clock: LocalClock | None = None) -> None:
        super().__init__(node_id, env, trace, network, clock)
        self.peers = tuple(peers)
        self.options = options
        self._election_rng = streams.get(f"{node_id}/election")
        self._disk_rng = streams.get(f"{node_id}/disk")
        self._disk_latency = disk_latency
        self._factory = state_machine_factory
        self.role = "follower"
        self.term = 0
        self._durable: PersistentState | None = None
        self._writing: PersistentState | None = None
        self._ready: Ready | None = None
        self._dirty = False
        self.node: RaftNode | None = None
        self.state_machine: StateMachine  # built with the node by _build
        self._service: HostedService | None = None
        self._build(None)

    def _build(self, storage: PersistentState | None) -> None:
        self.node = RaftNode(self.id, self.peers, self.options, self._election_rng,
                             storage=storage, now=self.local_now())
        self.state_machine = machine = self._factory(self.id)
        self._service = machine if callable(getattr(machine, "bind", None)) else None  # type: ignore[assignment]
        if self._service is not None:
            self._service.bind(self)

    # --- commands from the simulation ------------------------------------------------------

    def propose(self, command: object) -> int | None:
        """Propose ``command`` now; return its log index, or None if not accepted right now.

        While the process is busy (a disk write) or paused, the proposal is queued and handled
        in order; then None is returned.
        """
        if not self.alive:
            raise ValueError(f"{self.id} is crashed, so it cannot take a proposal")
        if self.paused or self._wake is None:
            self.enqueue(Propose(command))
            return None
        assert self.node is not None
        index = self.node.propose(command, self.local_now())
        self._poke()
        return index

    def campaign(self) -> None:
        """Make the node time out and start an election (handled in order with messages)."""
        if not self.alive:
            raise ValueError(f"{self.id} is crashed, so it cannot time out")
        self.enqueue(Campaign())

    def set_clock(self, offset: float, rate: float) -> None:
        """Change the local clock; the election timer's deadline moves in simulated time."""
        super().set_clock(offset, rate)
        node = self.node
        if node is not None and self.role != "leader":
            deadline = self.clock.to_sim(node.next_deadline())
            if deadline != math.inf:
                self.trace.emit(RaftTimer(self.env.now, self.id, deadline))

    @property
    def durable_state(self) -> PersistentState | None:
        """The persistent state whose disk write completed (what a crash keeps)."""
        return self._durable

    # --- hooks -----------------------------------------------------------------------------

    def _work(self, inbox: deque[Any], local_now: float) -> float:
        node = self.node
        assert node is not None
        step = node.step
        service = self._service
        while inbox:
            item = inbox.popleft()
            if isinstance(item, Message):
                step(item, local_now)
            elif isinstance(item, Propose):
                node.propose(item.command, local_now)
            elif isinstance(item, Campaign):
                node.campaign(local_now)
            elif service is not None:
                service.handle(item, local_now)
            else:
                raise TypeError(f"{self.id}: cannot handle {item!r}")
        node.tick(local_now)  # does nothing before a deadline
        if service is not None:
            service.on_deadline(local_now)  # the service checks what is due
        self._dirty = False
        ready = node.ready()
        self._ready = ready
        if ready.notes:
            self._emit_notes(ready.notes)
        if ready.must_persist:
            self._writing = node.persistent_state()
            return self._disk_latency.sample(self._disk_rng)
        return 0.0

    def _next_deadline(self) -> float:
        node = self.node
        if node is None:
            return math.inf
        if self._dirty:
            return -math.inf  # the service made the node produce output: drain it now
        deadline = node.next_deadline()
        if self._service is not None:
            service = self._service.next_deadline()
            if service < deadline:
                return service
        return deadline

    def _release(self) -> None:
        ready = self._ready
        self._ready = None
        if ready is None:
            return
        if ready.must_persist:
            self._durable = self._writing
            self._writing = None
        send = self.network.send
        for message in ready.messages:
            send(message)
        if ready.committed:
            self._apply(ready.committed)
            self._dirty = True
        if ready.read_states:
            for ctx, index in ready.read_states:
                self.state_machine.read_ready(ctx, index)
            self._dirty = True

    def _apply(self, entries: Sequence[Entry]) -> None:
        now = self.env.now
        emit = self.trace.emit
        apply = self.state_machine.apply
        for entry in entries:
            apply(entry)
            emit(RaftApply(now, self.id, entry.index, entry.term, entry.canonical()))

    def _emit_notes(self, notes: Sequence[object]) -> None:
        now = self.env._now  # noqa: SLF001
        emit = self.trace.emit
        node_id = self.id
        clock = self.clock
        for note in notes:
            cls = type(note)
            if cls is ElectionTimerReset:
                deadline = (note.deadline - clock.offset) / clock.rate  # type: ignore[attr-defined]
                emit(RaftTimer(now, node_id, deadline))
            elif cls is RoleChanged:
                self.role = str(note.role)  # type: ignore[attr-defined]
                self.term = note.term  # type: ignore[attr-defined]
                emit(RaftRole(now, node_id, self.role, self.term))
                if self._service is not None:
                    self._service.on_role(self.role, self.term)
                    self._dirty = True
            elif cls is LogAppended:
                emit(RaftAppend(now, node_id, note.first_index, note.last_index,  # type: ignore[attr-defined]
                                note.term))  # type: ignore[attr-defined]
            elif cls is Committed:
                emit(RaftCommit(now, node_id, note.index))  # type: ignore[attr-defined]
            elif cls is LogTruncated:
                emit(RaftTruncate(now, node_id, note.from_index))  # type: ignore[attr-defined]
            elif cls is VoteGranted:
                emit(RaftVote(now, node_id, note.candidate, note.term,  # type: ignore[attr-defined]
                              note.pre_vote))  # type: ignore[attr-defined]

    def _on_crash(self) -> None:
        self.node = None
        self._ready = None
        self._writing = None

    def _on_restart(self) -> None:
        # The new node reports its starting role and term (RoleChanged) in its first Ready.
        self._build(self._durable)
