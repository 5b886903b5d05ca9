"""A replay of a run brought along behind it without a trace, so that a fork is mostly ready.

A fork replays the run from time 0 to the fork time (``Simulation.fork``): for an hour-long
session that is seconds of work at the moment a user acts. A ``Standby`` does that replay
ahead of time, in small pieces (``advance``), while the window has nothing else to do: a second
``Simulation`` of the same scenario and seed that keeps no trace (its checks still listen) and
applies the run's recorded actions as it reaches their times. ``take(at)`` finishes the replay
to ``at`` and gives the fork the run's events up to ``at``, as ``Simulation.fork`` does; a
standby that is already past ``at`` cannot serve (``ready_for``), and the fork replays in full.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from simulator.runtime.simulation import Simulation

# Simulated seconds replayed between two looks at the clock in ``advance``.
PIECE = 0.25


class Standby:
    """A trace-less replay of ``run`` (``replay``), kept at or behind the run's time."""

    def __init__(self, run: Simulation, replay: Simulation) -> None:
        if replay.trace.kept or replay.now != 0.0:
            raise ValueError("a standby starts from a fresh replay that keeps no trace")
        self.run = run
        self.replay = replay
        self._next = 0  # how many of the run's actions the replay has made
        self._taken = False

    @property
    def now(self) -> float:
        """How far the replay has come."""
        return self.replay.now

    def advance(self, upto: float, seconds: float) -> bool:
        """Replay towards ``upto`` (at most the run's time) for about ``seconds`` of wall
        time; True once it is there."""
        if self._taken:
            return True
        target = min(upto, self.run.now)
        replay, actions = self.replay, self.run.actions
        deadline = time.perf_counter() + seconds
        while replay.now < target:
            if self._next < len(actions) and actions[self._next].t <= target \
                    and actions[self._next].t <= replay.now + PIECE:
                replay.apply_action(actions[self._next])
                self._next += 1
            else:
                replay.run_until(min(target, replay.now + PIECE))
            if time.perf_counter() >= deadline:
                break
        return replay.now >= target

    def ready_for(self, at: float) -> bool:
        """Whether ``take(at)`` gives the fork at ``at``: the replay is not past ``at`` and
        the run's events up to ``at`` are what a replay traces."""
        return not self._taken and self.replay.now <= at \
            and self.run.replays_to_same_events(at) \
            and self.replay.actions == self.run.actions[:self._next]

    def take(self, at: float) -> Simulation:
        """The fork at ``at`` (see ``Simulation.fork``): the replay finished up to ``at``,
        keeping a copy of the run's events up to there and what it does from now on."""
        if not self.ready_for(at):
            raise ValueError(f"this standby cannot give the fork at {at} s")
        replay = self.replay
        for action in self.run.actions[self._next:]:
            if action.t > at:
                break
            replay.apply_action(action)
        replay.run_until(at)
        replay.trace.keep_from(self.run.trace.events.prefix(self.run.trace.index_at(at)))
        self._taken = True
        return replay
