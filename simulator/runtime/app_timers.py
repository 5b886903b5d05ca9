"""Sleeps measured on one host's local clock, kept right when the clock's offset or rate changes.

``sleep(d)`` lasts ``d`` seconds of the local clock: ``d / rate`` simulated seconds, and when the
rate changes midway the rest is stretched or shrunk to the new rate (an offset jump does not
change a duration, as a monotonic clock would not). ``sleep_until(T)`` fires when the local clock
reads ``T``: re-aimed after every change of offset or rate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import simpy

from simulator.runtime.clock import LocalClock
from simulator.runtime.scheduling import Callback, call_later


@dataclass(slots=True)
class _Sleeper:
    event: simpy.Event
    until_local: float | None  # an absolute local time, or None for a duration
    due_sim: float
    generation: int = 0


class LocalTimers:
    """The pending sleeps of one host."""

    def __init__(self, env: simpy.Environment, clock: LocalClock) -> None:
        self.env = env
        self.clock = clock
        self._sleepers: list[_Sleeper] = []

    def sleep(self, local_seconds: float) -> simpy.Event:
        """An event that fires after ``local_seconds`` of the local clock."""
        delay = max(0.0, local_seconds) / self.clock.rate
        return self._add(_Sleeper(simpy.Event(self.env), None, self.env.now + delay))

    def sleep_until(self, local_time: float) -> simpy.Event:
        """An event that fires when the local clock reads ``local_time`` (inf: never)."""
        event = simpy.Event(self.env)
        if local_time == math.inf:
            return event
        due = max(self.env.now, self.clock.to_sim(local_time))
        return self._add(_Sleeper(event, local_time, due))

    def _add(self, sleeper: _Sleeper) -> simpy.Event:
        self._sleepers.append(sleeper)
        self._arm(sleeper)
        return sleeper.event

    def _arm(self, sleeper: _Sleeper) -> None:
        sleeper.generation += 1
        call_later(self.env, max(0.0, sleeper.due_sim - self.env.now), self._due,
                   (sleeper, sleeper.generation))

    def _due(self, callback: Callback) -> None:
        sleeper, generation = callback.payload
        if generation != sleeper.generation or sleeper.event.triggered:
            return
        self._sleepers.remove(sleeper)
        sleeper.event.succeed()

    def clock_changed(self, old_rate: float) -> None:
        """Re-aim every pending sleep after the clock's offset or rate changed."""
        now = self.env.now
        for sleeper in list(self._sleepers):
            if sleeper.until_local is not None:
                sleeper.due_sim = max(now, self.clock.to_sim(sleeper.until_local))
            else:
                remaining_local = max(0.0, sleeper.due_sim - now) * old_rate
                sleeper.due_sim = now + remaining_local / self.clock.rate
            self._arm(sleeper)

    def clear(self) -> None:
        """Forget every pending sleep (a crash)."""
        for sleeper in self._sleepers:
            sleeper.generation += 1
        self._sleepers.clear()
