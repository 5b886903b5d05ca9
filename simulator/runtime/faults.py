"""The scenario's fault schedule: step times, symbolic targets, and running each step.

Step times: ``at`` is absolute; ``after`` counts from the previous step's time; a step with
neither happens at the previous step's time (0 for the first). Symbolic targets are resolved
when the step runs, from the state the trace describes at that moment:

- ``raft-leader``: the live node that leads the highest term (a crashed node is not a leader).
- ``follower``: the lowest-id live node in the follower role (else the lowest-id live node that
  is not the leader).
- ``all``: every Raft node (for ``restart``: every crashed host, app servers included).
- ``restart`` with no target, or with ``raft-leader``, restarts the node that crashed last.
- ``app-leader``: the live app server believing it leads (highest token if several);
  ``app-follower``: the lowest-id live app server not leading (see runtime.app_cluster). They
  work with every per-node action (crash, pause, clock, isolate...) and the app actions.
- ``provider``: the payment provider (with app servers), a target like any node id.

``random-faults`` starts a phase of random faults (runtime.random_faults).

Waiting steps: a step with ``when = "charging"`` (only ``pause`` and ``crash`` of an app server,
``app-leader`` or ``app-follower``) does not run at its time: from then on it waits and runs at
the first instant its target app server is building a charge (after deciding to charge, before
sending it; see runtime.app_job). ``app-leader`` matches the server that is the app leader at
that instant, ``app-follower`` any other server still charging (a deposed leader); the step acts
on that server. A later step with ``after`` (or with neither ``at`` nor ``after``) counts from
the moment the waiting step fired; such steps are anchored to it (``TimedStep.anchor``). A
waiting step that has not fired when the run ends (``run.duration``) is traced as skipped:
"it never happened", and so are the steps anchored to it. runtime.fault_moments watches for
these moments and runs what is anchored to them.

A step that cannot run when its time comes (no leader to crash, the node is already down) does
not stop the run: it is traced as a user.action whose detail says why it was skipped.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from simulator.config import (
    FAULT_ACTIONS,
    FAULT_MOMENTS,
    PROVIDER_ID,
    SYMBOLIC_TARGETS,
    WAITING_ACTIONS,
    FaultStep,
    Latency,
)
from simulator.frozen import frozen
from simulator.runtime.random_faults import RandomFaults

if TYPE_CHECKING:
    from simulator.runtime.simulation import Simulation

APP_ACTIONS = ("exception", "shutdown")
APP_TARGETS = ("app-leader", "app-follower")
NEEDS_TARGET = ("crash", "pause", "isolate", "cut", "heal-link", "clock", "timeout") + APP_ACTIONS


@frozen
class TimedStep:
    """A fault step with its time and its position in the schedule (1-based).

    ``at`` is the absolute time, or, when ``anchor`` is the number of a waiting step, the
    seconds after that step fired. For a waiting step it is when it starts waiting.
    """

    at: float
    number: int
    step: FaultStep
    anchor: int | None = None

    @property
    def waits(self) -> bool:
        """True for a step that waits for a moment in the app's work (``when``)."""
        return self.step.when is not None


def plan(steps: tuple[FaultStep, ...], node_ids: tuple[str, ...],
         app_ids: tuple[str, ...]) -> list[TimedStep]:
    """Validate the schedule and give each step its absolute time (ValueError names the step)."""
    timed: list[TimedStep] = []
    previous = 0.0
    anchor: int | None = None  # the waiting step the previous step's time counts from
    names: dict[str, int] = {}
    hosts = set(node_ids) | set(app_ids) | ({PROVIDER_ID} if app_ids else set())
    for number, step in enumerate(steps, start=1):
        where = f"faults[{number}] ({step.action})"
        if step.action not in FAULT_ACTIONS:
            raise ValueError(f"{where}: unknown action; use one of {', '.join(FAULT_ACTIONS)}")
        if step.at is not None and step.after is not None:
            raise ValueError(f"{where}: give either 'at' or 'after', not both")
        if step.at is not None:
            at, anchor = step.at, None
        elif step.after is not None:
            at = previous + step.after
        else:
            at = previous
        if not (math.isfinite(at) and at >= 0):
            raise ValueError(f"{where}: the step time must be a non-negative number, got {at!r}")
        _check_targets(where, step, hosts, app_ids)
        _check_values(where, step)
        _check_name_and_moment(where, step, names, number, app_ids)
        timed.append(TimedStep(at, number, step, anchor))
        if step.when is not None:
            previous, anchor = 0.0, number  # what follows counts from when it fired
        else:
            previous = at
    return timed


def _check_name_and_moment(where: str, step: FaultStep, names: dict[str, int], number: int,
                           app_ids: tuple[str, ...]) -> None:
    if step.name is not None:
        if not (isinstance(step.name, str) and step.name.strip()):
            raise ValueError(f"{where}: 'name' must be a non-empty string")
        if step.name in names:
            raise ValueError(f"{where}: the name {step.name!r} already names "
                             f"faults[{names[step.name]}]")
        names[step.name] = number
    if step.when is None:
        return
    if step.when not in FAULT_MOMENTS:
        raise ValueError(f"{where}: unknown 'when' {step.when!r}; use one of "
                         f"{', '.join(FAULT_MOMENTS)}")
    if step.action not in WAITING_ACTIONS:
        raise ValueError(f"{where}: 'when' works with {' or '.join(WAITING_ACTIONS)} only")
    if step.target not in app_ids + APP_TARGETS:
        raise ValueError(f"{where}: 'when' needs an app server target (an app server id, "
                         f"app-leader or app-follower), got {step.target!r}")


def _check_targets(where: str, step: FaultStep, hosts: set[str], app_ids: tuple[str, ...]) -> None:
    names = [step.target, step.peer] + [member for group in step.groups for member in group]
    for name in names:
        if name is not None and name not in hosts and name not in SYMBOLIC_TARGETS:
            known = ", ".join(sorted(hosts) + list(SYMBOLIC_TARGETS))
            raise ValueError(f"{where}: unknown target {name!r} (known: {known})")
    if step.action in NEEDS_TARGET and step.target is None:
        raise ValueError(f"{where}: 'target' is required")
    if step.action in ("cut", "heal-link") and step.peer is None:
        raise ValueError(f"{where}: 'peer' is required (the other end of the link)")
    if step.action == "partition" and len(step.groups) < 2:
        raise ValueError(f"{where}: 'groups' needs at least two groups")
    if step.action in APP_ACTIONS and step.target not in app_ids + APP_TARGETS:
        raise ValueError(f"{where}: target {step.target!r} is not an app server")
    if step.target in APP_TARGETS and not app_ids:
        raise ValueError(f"{where}: target {step.target!r} needs app servers in the scenario")


def _check_values(where: str, step: FaultStep) -> None:
    if step.action == "pause" and not (step.duration is not None and step.duration > 0):
        raise ValueError(f"{where}: 'duration' must be a positive number of seconds")
    if step.action == "loss" and not (step.value is not None and 0.0 <= step.value <= 1.0):
        raise ValueError(f"{where}: 'value' must be a loss probability between 0 and 1")
    if step.action == "latency" and not (step.value is not None and step.value >= 0.0):
        raise ValueError(f"{where}: 'value' must be a latency of at least 0 seconds")
    if step.action == "random-faults":
        if not (step.value is not None and math.isfinite(step.value) and step.value > 0):
            raise ValueError(f"{where}: 'value' (every) must be the mean number of seconds "
                             "between faults")
        if step.duration is not None and not step.duration > 0:
            raise ValueError(f"{where}: 'duration' must be a positive number of seconds")
    if step.action == "clock":
        if step.value is None and step.rate is None:
            raise ValueError(f"{where}: give 'value' (offset seconds) and/or 'rate'")
        if step.rate is not None and not step.rate > 0:
            raise ValueError(f"{where}: 'rate' must be positive")


def run_step(sim: Simulation, timed: TimedStep) -> None:
    """Run one schedule step now on ``sim``; a step that cannot run is traced as skipped."""
    step = timed.step
    try:
        _dispatch(sim, step)
    except ValueError as problem:
        sim.note_skipped(step.action, step.target or "", f"skipped: {problem}")


def _dispatch(sim: Simulation, step: FaultStep) -> None:
    action = step.action
    if action == "crash":
        for node in sim.resolve(step.target or ""):
            sim.crash(node)
    elif action == "restart":
        for node in _restart_targets(sim, step.target):
            sim.restart(node)
    elif action == "pause":
        assert step.duration is not None
        for node in sim.resolve(step.target or ""):
            sim.pause(node, step.duration)
    elif action == "partition":
        groups = tuple(tuple(n for name in group for n in sim.resolve(name))
                       for group in step.groups)
        sim.partition(groups)
    elif action == "isolate":
        for node in sim.resolve(step.target or ""):
            sim.isolate(node)
    elif action == "heal":
        sim.heal_all()
    elif action in ("cut", "heal-link"):
        method = sim.cut if action == "cut" else sim.heal_link
        for src in sim.resolve(step.target or ""):
            for dst in sim.resolve(step.peer or ""):
                if src != dst:
                    method(src, dst, step.both_ways)
    elif action == "loss":
        _link_setting(sim, step, loss=step.value)
    elif action == "latency":
        assert step.value is not None
        _link_setting(sim, step, latency=Latency.constant(step.value))
    elif action == "clock":
        for node in sim.resolve(step.target or ""):
            offset = step.value if step.value is not None else sim.clock_of(node).offset
            rate = step.rate if step.rate is not None else sim.clock_of(node).rate
            sim.set_clock(node, offset, rate)
    elif action == "timeout":
        for node in sim.resolve(step.target or ""):
            sim.force_timeout(node)
    elif action == "exception":
        sim.app_exception(step.target or "")
    elif action == "shutdown":
        sim.app_shutdown(step.target or "")
    elif action == "random-faults":
        assert step.value is not None
        end = sim.now + step.duration if step.duration is not None else sim.scenario.duration
        RandomFaults(sim, step.value, end).start()
    else:
        raise ValueError(f"the runtime cannot run fault action {action!r}")


def _restart_targets(sim: Simulation, target: str | None) -> list[str]:
    if target is None or target == "raft-leader":
        last = sim.last_crashed()
        if last is None:
            raise ValueError("no crashed node to restart")
        return [last]
    if target == "all":  # every crashed host: Raft nodes, app servers, the provider
        crashed = [n for n in sim.network.node_ids if not sim.any_host(n).alive]
        if not crashed:
            raise ValueError("no crashed node to restart")
        return crashed
    return sim.resolve(target)


def _link_setting(sim: Simulation, step: FaultStep, latency: Latency | None = None,
                  loss: float | None = None) -> None:
    if step.target is None:
        if loss is not None:
            sim.set_loss(loss)
        if latency is not None:
            sim.set_latency(latency)
        return
    sources = sim.resolve(step.target)
    peers = sim.resolve(step.peer) if step.peer is not None else [
        n for n in sim.network.node_ids if n not in sources]
    for src in sources:
        for dst in peers:
            if src != dst:
                sim.set_link(src, dst, latency=latency, loss=loss, both_ways=step.both_ways)
