"""The ``random-faults`` schedule step: one random fault at a time, each repaired, for a while.

From the step's time until ``duration`` seconds later (default: the end of the scenario), after
a gap drawn from an exponential distribution with mean ``every`` seconds, one host (a Raft node
or an app server, chosen uniformly) gets one fault, which is repaired later:

- crash, restarted after 0.2-0.6 x ``every``;
- pause, for 0.1-0.3 x ``every``;
- isolate, its links healed after 0.2-0.6 x ``every``.

The next gap starts after the repair, so faults never overlap. A fault that cannot happen (the
host was crashed by another step) is traced as skipped and gets no repair. Every draw comes from
the stream ``faults/random``: the same seed gives the same faults. Each fault and repair is
traced as a user.action of the schedule (not recorded as a user action: a fork replays the
scenario).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from simulator.runtime.scheduling import Callback, call_later

if TYPE_CHECKING:
    from simulator.runtime.simulation import Simulation

FAULTS = ("crash", "pause", "isolate")
WEIGHTS = (0.4, 0.3, 0.3)


class RandomFaults:
    """A running random-fault phase of one simulation."""

    def __init__(self, sim: Simulation, every: float, until: float) -> None:
        if not (math.isfinite(every) and every > 0):
            raise ValueError(f"random-faults: 'every' must be a positive number, got {every!r}")
        self.sim = sim
        self.every = every
        self.until = until
        self.rng = sim.streams.get("faults/random")
        self.hosts = tuple(sorted(sim.raft_hosts)) + tuple(sorted(sim.app_hosts))

    def start(self) -> None:
        """Schedule the first fault."""
        self._schedule_next()

    def _schedule_next(self) -> None:
        gap = self.rng.expovariate(1.0 / self.every)
        if self.sim.now + gap < self.until:
            call_later(self.sim.env, gap, self._fault, None)

    def _fault(self, _event: Callback) -> None:
        kind = self.rng.choices(FAULTS, WEIGHTS)[0]
        node = self.hosts[self.rng.randrange(len(self.hosts))]
        repair_after = self.every * (self.rng.uniform(0.1, 0.3) if kind == "pause"
                                     else self.rng.uniform(0.2, 0.6))
        done: list[str] = []
        cut_before = set(self.sim.network.cut_links)
        self.sim.as_schedule(lambda: self._start_fault(kind, node, repair_after, done), kind,
                             node)
        # A fault that could not happen (the node was already down) is not repaired either, and
        # an isolation heals only the links it cut: a repair never undoes what another step did.
        cut = frozenset(self.sim.network.cut_links) - cut_before
        call_later(self.sim.env, repair_after, self._repair, (kind if done else "", node, cut))

    def _start_fault(self, kind: str, node: str, length: float, done: list[str]) -> None:
        if kind == "crash":
            self.sim.crash(node)
        elif kind == "pause":
            self.sim.pause(node, length)
        else:
            self.sim.isolate(node)
        done.append(kind)

    def _repair(self, event: Callback) -> None:
        kind, node, cut = event.payload
        if kind == "crash":
            self.sim.as_schedule(lambda: self.sim.restart(node), "restart", node)
        elif kind == "isolate":
            self._heal(node, cut)
        self._schedule_next()

    def _heal(self, node: str, cut: frozenset[tuple[str, str]]) -> None:
        """Heal the links of ``node`` that its isolation cut and that are still cut."""
        is_cut = self.sim.network.is_cut
        for other in self.sim.network.node_ids:
            out = (node, other) in cut and is_cut(node, other)
            back = (other, node) in cut and is_cut(other, node)
            if out or back:
                src, dst = (node, other) if out else (other, node)
                self.sim.as_schedule(lambda a=src, b=dst, both=out and back:
                                     self.sim.heal_link(a, b, both), "heal_link", node)
