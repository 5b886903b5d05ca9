"""A host's local clock: ``local = offset + rate * sim_time`` (skew and drift as faults).

Pure cores only ever see local time, so an offset jump moves their timers as it would for a
program that reads the wall clock: a jump forward makes due timers fire at once, a jump back
delays them. The host never hands its core a time earlier than one it already handed (after a
jump back the core's time stands still until the clock catches up; see ``Host.local_now``). A
rate other than 1 (drift) makes every local duration last 1/rate simulated seconds.
"""

from __future__ import annotations

import math


class LocalClock:
    """Converts between simulated time and one host's local time."""

    __slots__ = ("offset", "rate")

    def __init__(self, offset: float = 0.0, rate: float = 1.0) -> None:
        self.offset = 0.0
        self.rate = 1.0
        self.set(offset, rate)

    def set(self, offset: float, rate: float) -> None:
        """Make the clock read ``offset + rate * sim_time`` from now on (rate must be > 0)."""
        if not math.isfinite(offset):
            raise ValueError(f"clock offset must be a finite number of seconds, got {offset!r}")
        if not (math.isfinite(rate) and rate > 0):
            raise ValueError(f"clock rate must be a positive number, got {rate!r}")
        self.offset = float(offset)
        self.rate = float(rate)

    def to_local(self, sim_time: float) -> float:
        """Return the local reading at simulated time ``sim_time``."""
        return self.offset + self.rate * sim_time

    def to_sim(self, local_time: float) -> float:
        """Return the simulated time at which this clock reads ``local_time`` (inf stays inf)."""
        if local_time == math.inf:
            return math.inf
        return (local_time - self.offset) / self.rate

    def local_duration(self, sim_duration: float) -> float:
        """Return how long ``sim_duration`` simulated seconds last on this clock."""
        return sim_duration * self.rate
