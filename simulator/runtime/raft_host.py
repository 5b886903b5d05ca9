"""A host running one pure consensus member: feeds it messages and deadlines, drains its Ready.

The member is a Raft node or a Multi-Paxos node, built and traced by the host's
``ConsensusProtocol`` (consensus.py); the host itself only uses the protocol-neutral
``ConsensusMember`` interface. After each batch of messages and due timers the host drains
``node.ready()``: the protocol turns the notes into trace events, the host waits the disk
latency (stream ``"<id>/disk"``) when persistent state changed, then sends the messages and
applies the committed entries to its state machine. A crash keeps only the persistent state
whose disk write completed; restart rebuilds the member from it with a fresh state machine.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Protocol

import simpy
from simpy.events import NORMAL, PENDING

from simulator.config import Latency
from simulator.consensus import ConsensusMember, ConsensusReady
from simulator.rng import Streams
from simulator.runtime.clock import LocalClock
from simulator.runtime.consensus import ConsensusProtocol
from simulator.runtime.host import Host
from simulator.runtime.network import Network
from simulator.runtime.scheduling import Wake
from simulator.runtime.state_machine import AppliedLog, StateMachine, StateMachineFactory
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
    is not Raft's to ``handle``, reports role changes to ``on_role``, and calls ``on_deadline``
    on a pass of its process that reaches ``due`` (local time, inf for never, -inf for at once;
    the service keeps it up to date). All of these run inside the host's process; whatever the
    service does to ``host.node`` is drained before the process sleeps again. During a pass,
    ``host.last_pass`` is the local time of the pass before it (-inf before the first).
    """

    due: float

    def bind(self, host: RaftHost) -> None:
        """Remember the host this service runs in."""
        ...

    def handle(self, item: object, local_now: float) -> None:
        """Handle one message or local command that is not the consensus protocol's."""
        ...

    def on_role(self, role: str, term: Any) -> None:
        """The member's role or epoch (Raft term, Paxos ballot) changed."""
        ...

    def on_deadline(self, local_now: float) -> None:
        """Handle every service timer due at ``local_now``."""
        ...


class RaftHost(Host):
    """A consensus member (Raft or Multi-Paxos, by ``protocol``) in a simulated server.

    ``role`` and ``term`` follow the member's reported role and epoch (the Raft term, or the
    Paxos ballot).
    """

    def __init__(self, node_id: str, peers: Sequence[str], protocol: ConsensusProtocol,
                 env: simpy.Environment, trace: Trace, network: Network, streams: Streams,
                 disk_latency: Latency, state_machine_factory: StateMachineFactory = AppliedLog,
                 clock: LocalClock | None = None) -> None:
        super().__init__(node_id, env, trace, network, clock)
        self.peers = tuple(peers)
        self.protocol = protocol
        self._election_rng = streams.get(f"{node_id}/election")
        self._disk_rng = streams.get(f"{node_id}/disk")
        self._disk_latency = disk_latency
        self._factory = state_machine_factory
        self.role = "follower"
        self.term: Any = 0
        self._durable: Any = None
        self._writing: Any = None
        self._ready: ConsensusReady | None = None
        self._dirty = False
        self.node: ConsensusMember | None = None
        self.state_machine: StateMachine  # built with the node by _build
        self._service: HostedService | None = None
        # what _loop reads on every pass and never changes: read as one tuple
        self._loop_fixed = (self.env, self._inbox, self.clock, protocol.message_type, protocol,
                            protocol.timer_note, trace)
        self._build(None)

    def _build(self, storage: Any) -> None:
        self.node = self.protocol.build(self.id, self.peers, self._election_rng, storage,
                                        self.local_now())
        previous: StateMachine | None = getattr(self, "state_machine", None)
        self.state_machine = machine = self._factory(self.id)
        if previous is not None:
            machine.recover(previous)  # the applied state is durable (etcd's backend)
        self._service = machine if callable(getattr(machine, "bind", None)) else None  # type: ignore[assignment]
        self.last_pass = -math.inf  # the local time of the previous pass (see HostedService)
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
        self.protocol.clock_changed(self)

    def role_changed(self, role: str, term: Any) -> None:
        """The member reported a new role or epoch (called by the protocol's ``trace_notes``)."""
        self.role = role
        self.term = term
        if self._service is not None:
            self._service.on_role(role, term)
            self._dirty = True

    @property
    def durable_state(self) -> Any:
        """The persistent state whose disk write completed (what a crash keeps)."""
        return self._durable

    # --- hooks -----------------------------------------------------------------------------

    def _next_deadline(self) -> float:
        node = self.node
        if node is None:
            return math.inf
        if self._dirty:
            return -math.inf  # the service made the node produce output: drain it now
        deadline = node.next_deadline()
        if self._service is not None:
            service = self._service.due
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
        committed = ready.committed
        if committed:
            done = self.state_machine.applied_index
            if committed[0].index <= done:
                # a restarted member hands out its committed log again: what its durable state
                # machine applied before the crash is skipped, untraced (etcd's consistent index)
                committed = [entry for entry in committed if entry.index > done]
            if committed:
                self.protocol.apply_committed(self, committed)
            self._dirty = True
        if ready.read_states:
            for ctx, index in ready.read_states:
                self.state_machine.read_ready(ctx, index)
            self._dirty = True

    def _loop(self, incarnation: int, released: bool = False, spare: Wake | None = None) -> None:
        """Host._loop with ``_work``, ``_release`` and ``_next_deadline`` inlined.

        The same steps in the same order as the base loop with this class's hooks.
        """
        env, inbox, clock, message_type, protocol, timer_note, trace = self._loop_fixed
        service = self._service
        node = self.node
        assert node is not None
        while self.incarnation == incarnation:
            if self.paused:
                break
            if not released:
                local_now = clock.offset + clock.rate * env._now  # noqa: SLF001
                if local_now < self._last_local:
                    local_now = self._last_local
                due = self._due_local
                if due is not None:
                    self._due_local = None
                    if local_now < due:
                        local_now = due
                self._last_local = local_now
                # --- _work ---
                while inbox:
                    item = inbox.popleft()
                    if isinstance(item, message_type):
                        node.step(item, local_now)
                    elif isinstance(item, Propose):
                        node.propose(item.command, local_now)
                    elif isinstance(item, Campaign):
                        node.campaign(local_now)
                    elif service is not None:
                        service.handle(item, local_now)
                    else:
                        raise TypeError(f"{self.id}: cannot handle {item!r}")
                node.tick(local_now)
                if service is not None:
                    if local_now >= service.due:
                        service.on_deadline(local_now)
                    self.last_pass = local_now
                self._dirty = False
                ready = node.ready()
                notes = ready.notes
                if notes:
                    if len(notes) == 1 and type(notes[0]) is timer_note:
                        # protocol.trace_notes for the one note of a follower that heard its
                        # leader, inlined: the election timer's new deadline as raft.timer
                        if trace.wants_timers:
                            trace.raft_timer(env._now, self.id,  # noqa: SLF001
                                             (notes[0].deadline - clock.offset) / clock.rate)
                    else:
                        protocol.trace_notes(self, notes)
                if ready.must_persist:
                    self._ready = ready
                    self._writing = node.persistent_state()
                    delay = self._disk_latency.sample(self._disk_rng)
                    if delay > 0.0:
                        disk = Wake(self._on_disk_done, incarnation)
                        disk._value = None  # noqa: SLF001
                        env.schedule(disk, NORMAL, delay)  # type: ignore[arg-type]
                        return  # busy: _wake stays None until the write completes
                    self._release()
                elif ready.committed or ready.read_states:
                    self._ready = ready
                    self._release()
                elif ready.messages:  # _release with only messages to send
                    send = self.network.send
                    for message in ready.messages:
                        send(message)
            released = False
            if inbox:
                continue  # arrived during the disk write
            # --- _next_deadline ---
            current = self.node  # None if applying an entry crashed the host
            if current is None:
                deadline_local = math.inf
            elif self._dirty:
                deadline_local = -math.inf
            else:
                deadline_local = current.next_deadline()
                if service is not None:
                    service_deadline = service.due
                    if service_deadline < deadline_local:
                        deadline_local = service_deadline
            deadline = (deadline_local - clock.offset) / clock.rate  # clock.to_sim, inlined
            if deadline <= env._now:  # noqa: SLF001
                self._due_local = deadline_local
                continue
            if deadline < self._timer_at:  # else the armed timer fires first and re-checks
                self._arm_timer(deadline)
            break
        else:
            return  # crashed meanwhile: the new incarnation runs its own loop
        if spare is None:
            self._wake = Wake(self._on_wake, incarnation)
        else:
            spare.callbacks = self._wake_callbacks
            spare._value = PENDING  # noqa: SLF001
            self._wake = spare

    def _on_crash(self) -> None:
        self.node = None
        self._ready = None
        self._writing = None

    def _on_restart(self) -> None:
        # The new member reports its starting role and epoch in its first Ready.
        self._build(self._durable)
