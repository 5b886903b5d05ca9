"""The Simulation facade: build a consensus cluster from a Scenario, run it, inject faults, fork.

``Simulation(scenario, seed)`` builds the network and one consensus host (RaftHost, running the
scenario's protocol through ``consensus.protocol_for``) per node, schedules the
scenario's captions, pause points and fault steps, and records every user action so that
``fork(at)`` can rebuild the same run up to ``at``. The same scenario, seed and actions give a
byte-identical trace. Replayed actions run after every event at their time (an action made
between two events of one instant via ``step()`` replays after both). So when every action up
to ``at`` was made with its instant settled, a fork's events up to ``at`` are this run's: the
replay keeps no trace (its checks still listen) and takes a copy of this run's events instead.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from simulator.checks.live import LiveChecker
from simulator.config import Latency, Scenario
from simulator.rng import Streams
from simulator.runtime import faults
from simulator.runtime.actions import ACTION_NAMES, Action
from simulator.runtime.app_cluster import app_follower, app_leader, build_apps
from simulator.runtime.clock import LocalClock
from simulator.runtime.consensus import protocol_for
from simulator.runtime.fault_moments import FaultMoments
from simulator.runtime.gc_pacing import fewer_collections
from simulator.runtime.host import Host
from simulator.runtime.network import Network, check_latency
from simulator.runtime.raft_host import RaftHost
from simulator.runtime.run_start import run_start
from simulator.runtime.scheduling import Callback, SimEnvironment, call_later
from simulator.runtime.standby import Standby
from simulator.runtime.state_machine import AppliedLog, StateMachineFactory
from simulator.trace.events import Caption, PausePoint, UserAction
from simulator.trace.recorder import Trace

if TYPE_CHECKING:
    from simulator.runtime.app_server import AppServerHost


class Simulation:
    """A running simulation of one scenario: its trace, its clock, its faults."""

    def __init__(self, scenario: Scenario, seed: int | None = None,
                 state_machine_factory: StateMachineFactory = AppliedLog, *,
                 keep_trace: bool = True) -> None:
        self.scenario = scenario
        self.seed = scenario.seed if seed is None else seed
        self.env = SimEnvironment()
        # keep_trace=False: a replay whose events are known already (see fork).
        self.trace = Trace(keep=keep_trace)
        # Live safety checks: a failed check is traced as a `violation` right where it happens.
        self.checker = LiveChecker(self.trace, scenario.apps.job.late_after)
        self.streams = Streams(self.seed)
        self.actions: list[Action] = []
        self.steps = 0
        eventual = scenario.store.eventual
        if scenario.apps.servers and state_machine_factory is AppliedLog and not eventual:
            # App servers elect through the store: every Raft member runs a store server.
            from simulator.runtime.store_server import StoreServerFactory  # only then loaded

            state_machine_factory = StoreServerFactory.for_scenario(scenario)
        self._factory = state_machine_factory
        self._recording = True
        # Whether events of the current instant may still be pending (then an action now
        # would replay after them, not before), and the first time an action was made so.
        self._unsettled = True
        self._mixed_from = math.inf
        self._crash_order: list[str] = []
        _check_scenario(scenario)
        self.trace.emit(run_start(scenario, self.seed))
        self.network = Network(self.env, self.trace, self.streams, scenario.network)
        protocol = protocol_for(scenario)
        node_ids = scenario.raft.node_ids
        # The consensus members' hosts (Raft or Multi-Paxos, by the scenario's protocol).
        # The consensus members' hosts (or, for the eventual store, its store nodes).
        if eventual:
            from simulator.runtime.eventual_host import EventualHost  # only eventual runs
        self.raft_hosts: dict[str, RaftHost] = {
            node_id: RaftHost(node_id, node_ids, protocol, self.env, self.trace, self.network,
                              self.streams, scenario.raft.disk_latency, state_machine_factory,
                              LocalClock())
            for node_id in node_ids
        } if not eventual else {
            node_id: EventualHost(node_id, node_ids, scenario.store, self.env,  # type: ignore[misc]
                                  self.trace, self.network, LocalClock(),
                                  self.streams.get(f"{node_id}/lwt"))
            for node_id in node_ids
        }
        self.app_hosts, self.provider_host = build_apps(self)
        self.network.apply_configured_links()
        schedule = faults.plan(scenario.faults, node_ids, scenario.app_ids)
        self._moments = FaultMoments(self, schedule)
        for caption in scenario.captions:
            if caption.at is not None:
                call_later(self.env, caption.at, self._emit_caption, caption.text)
        for pause in scenario.pauses:
            if pause.at is not None:
                call_later(self.env, pause.at, self._emit_pause_point, pause.question)
        for timed in schedule:
            if timed.anchor is None:
                call_later(self.env, timed.at, self._run_fault_step, timed)
        self._moments.start()
        for node_id in node_ids:
            self.raft_hosts[node_id].start()
        if self.provider_host is not None:
            self.provider_host.start()
        for server_id in scenario.app_ids:
            self.app_hosts[server_id].start()

    # --- running ---------------------------------------------------------------------------

    @property
    def now(self) -> float:
        """The current simulated time in seconds."""
        return self.env.now

    def peek(self) -> float:
        """The time of the next scheduled event (inf when nothing is scheduled)."""
        return self.env.peek()

    def step(self) -> bool:
        """Process the next event; False when nothing is scheduled."""
        if self.env.peek() == math.inf:
            return False
        self.env.step()
        self.steps += 1
        self._unsettled = self.env.peek() <= self.env.now
        return True

    def run_until(self, t: float) -> None:
        """Process every event at or before ``t``, then set the clock to ``t``."""
        if not t >= self.env.now:
            raise ValueError(f"cannot run back to {t} s: the simulation is at {self.env.now} s")
        env = self.env
        with fewer_collections():
            self.steps += env.step_through(t)
        env.advance_to(t)
        self._unsettled = False

    def fork(self, at: float) -> Simulation:
        """A fresh run of the same scenario and seed with the recorded actions up to ``at``.

        Its trace is what a fresh run with those actions records. When this run's events up
        to ``at`` are that already (every event up to ``at`` processed, every action up to
        ``at`` made with its instant settled), the replay keeps no trace and the fork's trace
        starts as a copy of them.
        """
        if not at >= 0:
            raise ValueError(f"cannot fork at {at} s")
        known = self.replays_to_same_events(at)
        sim = Simulation(self.scenario, self.seed, self._factory, keep_trace=not known)
        for action in self.actions:
            if action.t > at:
                break
            sim.apply_action(action)
        sim.run_until(at)
        if known:
            sim.trace.keep_from(self.trace.events.prefix(self.trace.index_at(at)))
        return sim

    def standby(self) -> Standby:
        """A replay of this run that keeps no trace, to bring along behind it (see Standby)."""
        return Standby(self, Simulation(self.scenario, self.seed, self._factory,
                                        keep_trace=False))

    def replays_to_same_events(self, at: float) -> bool:
        """Whether a replay up to ``at`` traces exactly this run's events up to ``at``."""
        return self.trace.kept and at < self._mixed_from and self.env.peek() > at

    def apply_action(self, action: Action) -> Any:
        """Run until ``action.t`` and perform the recorded action (dispatch by name)."""
        if action.name not in ACTION_NAMES:
            raise ValueError(f"unknown action {action.name!r}; known: {', '.join(ACTION_NAMES)}")
        if action.t < self.env.now:
            raise ValueError(f"action {action.name} at {action.t} s is in the past "
                             f"(the simulation is at {self.env.now} s)")
        self.run_until(action.t)
        return getattr(self, action.name)(**action.kwargs())

    # --- queries ---------------------------------------------------------------------------

    def raft_leader(self) -> str | None:
        """The live node leading the highest term, or None."""
        best: RaftHost | None = None
        for node_id in sorted(self.raft_hosts):
            host = self.raft_hosts[node_id]
            if host.alive and host.role == "leader" and (best is None or host.term > best.term):
                best = host
        return best.id if best is not None else None

    def host(self, node: str) -> RaftHost:
        """The host of Raft node ``node`` (ValueError for an unknown id)."""
        host = self.raft_hosts.get(node)
        if host is None:
            known = ", ".join(sorted(self.raft_hosts))
            raise ValueError(f"unknown node {node!r} (known: {known})")
        return host

    def any_host(self, node: str) -> Host:
        """The host ``node``: a Raft node, an app server or the provider (ValueError if unknown)."""
        if node in self.raft_hosts:
            return self.raft_hosts[node]
        if node in self.app_hosts:
            return self.app_hosts[node]
        if self.provider_host is not None and node == self.provider_host.id:
            return self.provider_host
        known = ", ".join(self.network.node_ids)
        raise ValueError(f"unknown node {node!r} (known: {known})")

    def applied(self, node: str) -> list[str]:
        """The canonical commands node ``node`` applied since it last started."""
        machine = self.host(node).state_machine
        if not isinstance(machine, AppliedLog):
            raise ValueError(f"{node} runs a custom state machine; read it from the trace")
        return machine.commands

    def clock_of(self, node: str) -> LocalClock:
        """Node ``node``'s local clock."""
        return self.any_host(node).clock

    def crashed_nodes(self) -> list[str]:
        """The ids of the crashed Raft nodes, sorted."""
        return [n for n in sorted(self.raft_hosts) if not self.raft_hosts[n].alive]

    def last_crashed(self) -> str | None:
        """The crashed node that crashed most recently, or None."""
        for node in reversed(self._crash_order):
            if not self.any_host(node).alive:
                return node
        return None

    def resolve(self, target: str) -> list[str]:
        """Node ids for a node id or a symbolic target (raft-leader, follower, all)."""
        if target == "raft-leader":
            leader = self.raft_leader()
            if leader is None:
                raise ValueError("there is no Raft leader now")
            return [leader]
        if target == "follower":
            return [self._follower()]
        if target == "all":
            return [n for n in sorted(self.raft_hosts) if self.raft_hosts[n].alive]
        if target == "app-leader":
            return [app_leader(self.app_hosts)]
        if target == "app-follower":
            return [app_follower(self.app_hosts)]
        return [self.any_host(target).id]

    def _follower(self) -> str:
        leader = self.raft_leader()
        live = [n for n in sorted(self.raft_hosts) if self.raft_hosts[n].alive and n != leader]
        followers = [n for n in live if self.raft_hosts[n].role == "follower"]
        if followers:
            return followers[0]
        if live:
            return live[0]
        raise ValueError("there is no live follower now")

    def _one(self, target: str) -> Host:
        return self.any_host(self.resolve(target)[0])

    # --- faults and actions ------------------------------------------------------------------

    def crash(self, node: str) -> None:
        """Crash ``node`` now (a node id, or raft-leader / follower)."""
        host = self._one(node)
        if not host.alive:
            raise ValueError(f"{host.id} is already crashed")
        self._record("crash", node=host.id)
        host.crash()
        self._crash_order.append(host.id)

    def restart(self, node: str) -> None:
        """Restart the crashed ``node`` from its persistent state (or a shut-down app server)."""
        host = self.any_host(node)
        if host.id in self.app_hosts:
            host.check_restart()  # type: ignore[attr-defined]  # a crashed or a shut-down app server restarts
        elif host.alive:
            raise ValueError(f"{host.id} is not crashed, so it cannot restart")
        self._record("restart", node=host.id)
        host.restart()

    def pause(self, node: str, duration: float) -> None:
        """Pause ``node``'s process for ``duration`` seconds (a long GC)."""
        host = self._one(node)
        if not host.alive:
            raise ValueError(f"{host.id} is crashed, so it cannot pause")
        if not (isinstance(duration, int | float) and math.isfinite(duration) and duration > 0):
            raise ValueError(f"pause duration must be a positive number of seconds, "
                             f"got {duration!r}")
        self._record("pause", node=host.id, duration=float(duration))
        host.pause(float(duration))

    def partition(self, groups: Sequence[Iterable[str]]) -> None:
        """Split the nodes into ``groups``; links between groups are cut, others healed."""
        frozen = tuple(tuple(self._one(n).id for n in group) for group in groups)
        if len(frozen) < 2:
            raise ValueError("a partition needs at least two groups")
        members = [n for group in frozen for n in group]
        for node in sorted(set(members)):
            if members.count(node) > 1:
                raise ValueError(f"{node} is in two partition groups")
        self._record("partition", groups=frozen)
        self.network.partition(frozen)

    def isolate(self, node: str) -> None:
        """Cut every link to and from ``node``."""
        host = self._one(node)
        self._record("isolate", node=host.id)
        self.network.isolate(host.id)

    def heal_all(self) -> None:
        """Heal every cut link."""
        self._record("heal_all")
        self.network.heal_all()

    def cut(self, src: str, dst: str, both_ways: bool = True) -> None:
        """Cut the link src->dst (and back when ``both_ways``)."""
        a, b = self._link(src, dst)
        self._record("cut", src=a, dst=b, both_ways=bool(both_ways))
        self.network.cut(a, b, both_ways)

    def heal_link(self, src: str, dst: str, both_ways: bool = True) -> None:
        """Heal the link src->dst (and back when ``both_ways``)."""
        a, b = self._link(src, dst)
        self._record("heal_link", src=a, dst=b, both_ways=bool(both_ways))
        self.network.heal(a, b, both_ways)

    def set_link(self, src: str, dst: str, latency: Latency | None = None,
                 loss: float | None = None, both_ways: bool = True) -> None:
        """Give the link src->dst its own latency and/or loss probability."""
        a, b = self._link(src, dst)
        _check_link_values(latency, loss)
        self._record("set_link", src=a, dst=b, latency=latency, loss=loss,
                     both_ways=bool(both_ways))
        self.network.set_link(a, b, latency=latency, loss=loss, both_ways=both_ways)

    def set_loss(self, loss: float, src: str | None = None, dst: str | None = None,
                 both_ways: bool = True) -> None:
        """Set the loss probability of every link, or of the link src->dst."""
        if src is not None or dst is not None:
            self.set_link(src or "", dst or "", loss=loss, both_ways=both_ways)
            return
        _check_link_values(None, loss)
        self._record("set_loss", loss=float(loss))
        self.network.set_default(loss=float(loss))

    def set_latency(self, latency: Latency | float, src: str | None = None,
                    dst: str | None = None, both_ways: bool = True) -> None:
        """Set the latency of every link, or of the link src->dst (a number is constant)."""
        dist = latency if isinstance(latency, Latency) else Latency.constant(float(latency))
        if src is not None or dst is not None:
            self.set_link(src or "", dst or "", latency=dist, both_ways=both_ways)
            return
        _check_link_values(dist, None)
        self._record("set_latency", latency=dist)
        self.network.set_default(latency=dist)

    def set_clock(self, node: str, offset: float = 0.0, rate: float = 1.0) -> None:
        """Make ``node``'s local clock read ``offset + rate * sim_time``."""
        host = self._one(node)
        LocalClock(offset, rate)  # validates, with a clear message
        self._record("set_clock", node=host.id, offset=float(offset), rate=float(rate))
        host.set_clock(float(offset), float(rate))

    def force_timeout(self, node: str) -> None:
        """Make ``node``'s election timer fire now (it starts an election)."""
        host = self._one(node)
        if not isinstance(host, RaftHost):
            raise ValueError(f"{host.id} is not a Raft node, so it has no election timer")
        if not host.alive:
            raise ValueError(f"{host.id} is crashed, so its timer cannot fire")
        self._record("force_timeout", node=host.id)
        host.campaign()

    def propose(self, command: object, node: str | None = None) -> int | None:
        """Propose ``command`` to ``node`` (default: the current leader); its index or None.

        None means nobody took it right now: no leader, a follower, or a busy/paused leader
        (then it is queued and the leader handles it when it can).
        """
        target = node if node is not None else self.raft_leader()
        if target is None:
            return None
        host = self.host(target)
        if not host.alive:
            raise ValueError(f"{host.id} is crashed, so it cannot take a proposal")
        self._record("propose", command=command, node=host.id)
        return host.propose(command)

    def app_exception(self, server: str) -> None:
        """Make app server ``server`` (or app-leader) raise in its work loop: it steps down."""
        host = self._app_server(server)
        host.inject("exception")  # ValueError first when it cannot happen now
        self._record("app_exception", server=host.id)

    def app_shutdown(self, server: str) -> None:
        """Shut app server ``server`` (or app-leader / app-follower) down gracefully."""
        host = self._app_server(server)
        host.inject("shutdown")
        self._record("app_shutdown", server=host.id)

    def _app_server(self, server: str) -> AppServerHost:
        if not self.app_hosts:
            raise ValueError(f"unknown app server {server!r}: this simulation runs no app "
                             "servers")
        resolved = self.resolve(server)[0] if server in ("app-leader", "app-follower") else server
        host = self.app_hosts.get(resolved)
        if host is None:
            known = ", ".join(sorted(self.app_hosts))
            raise ValueError(f"unknown app server {server!r} (known: {known})")
        return host

    def note_skipped(self, action: str, target: str, detail: str) -> None:
        """Trace a schedule step that could not run (as a user.action with the reason)."""
        self.trace.emit(UserAction(self.env.now, action, target, detail))

    # --- internals ---------------------------------------------------------------------------

    def _link(self, src: str, dst: str) -> tuple[str, str]:
        a = self._one(src).id
        b = self._one(dst).id
        if a == b:
            raise ValueError(f"a link needs two different nodes, got {a!r} twice")
        return a, b

    def _record(self, name: str, **args: Any) -> None:
        action = Action(self.env.now, name, tuple(args.items()))
        detail = action.detail()
        if self._recording:
            self.actions.append(action)
            if self._unsettled:  # a replay would run this instant's pending events first
                self._mixed_from = min(self._mixed_from, action.t)
            self._unsettled = True  # what it set off at its instant is pending now
        else:
            detail = f"schedule {detail}".strip()
        self.trace.emit(UserAction(action.t, name, action.target(), detail))

    def as_schedule(self, action: Callable[[], None], name: str, target: str) -> None:
        """Run ``action`` as a step of the scenario's schedule: traced, not recorded.

        A fault that cannot happen now (ValueError) is traced as skipped with the reason.
        """
        self._recording = False
        try:
            action()
        except ValueError as problem:
            self.note_skipped(name, target, f"skipped: {problem}")
        finally:
            self._recording = True

    def _run_fault_step(self, event: Callback) -> None:
        timed = event.payload
        if timed.waits:
            self._moments.arm(timed)
            return
        self.run_schedule_step(timed)

    def run_schedule_step(self, timed: faults.TimedStep) -> None:
        """Run a step of the fault schedule now, with what is anchored to it (see FaultMoments)."""
        self._moments.happening(timed)
        self.as_schedule(lambda: faults.run_step(self, timed), timed.step.action,
                         timed.step.target or "")
        self._moments.happened(timed)

    def app_charging(self, server: str) -> None:
        """App server ``server`` is building a charge now (after deciding, before sending)."""
        if self._moments.armed:
            self._moments.charging(server)

    def _emit_caption(self, event: Callback) -> None:
        self.trace.emit(Caption(self.env.now, event.payload))

    def _emit_pause_point(self, event: Callback) -> None:
        self.trace.emit(PausePoint(self.env.now, event.payload))


def _check_link_values(latency: Latency | None, loss: float | None) -> None:
    if latency is not None:
        check_latency(latency)
    if loss is not None and not (isinstance(loss, int | float) and 0.0 <= loss <= 1.0):
        raise ValueError(f"loss must be a probability between 0 and 1, got {loss!r}")


def _check_scenario(scenario: Scenario) -> None:
    raft = scenario.raft
    if not (isinstance(raft.nodes, int) and raft.nodes >= 1):
        raise ValueError(f"raft.nodes must be at least 1, got {raft.nodes!r}")
    for name, latency in (("raft.disk_latency", raft.disk_latency),
                          ("network.latency", scenario.network.latency)):
        try:
            check_latency(latency)
        except ValueError as problem:
            raise ValueError(f"{name}: {problem}") from None
    _check_link_values(None, scenario.network.loss)
    names = {step.name for step in scenario.faults if step.name is not None}
    for what, notes in (("captions", scenario.captions), ("pauses", scenario.pauses)):
        for note in notes:
            if (note.at is None) == (note.fault is None):
                raise ValueError(f"{what}: give either a time 'at' or the name of a fault "
                                 f"step 'fault', not both or neither")
            when = note.at if note.at is not None else note.after
            if not (math.isfinite(when) and when >= 0):
                raise ValueError(f"{what}: time {when!r} must be a non-negative number")
            if note.fault is not None and note.fault not in names:
                raise ValueError(f"{what}: no fault step is named {note.fault!r}")
