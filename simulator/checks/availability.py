"""Availability of the app leader over a run: the fraction of time with a working leader.

A working leader believes it leads, is neither paused nor crashed, and can reach the store
(see ``working``). The clock starts at the first moment some server works as leader (the
start-up election is reported separately, not counted as an outage) and stops at the end of
the run. Downtime is the total length of the failovers: the time without a working leader.
"Nines" is ``-log10(1 - availability)``: 0.999 is 3 nines.
With no downtime at all the nines are capped at MAX_NINES and reported as "no downtime".
"""

from __future__ import annotations

import math

from simulator.checks.leadership import LeadershipReport
from simulator.frozen import frozen

MAX_NINES = 9.0


def nines(availability: float) -> float:
    """Return ``-log10(1 - availability)``, capped at MAX_NINES (0.999 -> 3.0)."""
    if not 0.0 <= availability <= 1.0:
        raise ValueError(f"availability must be within [0, 1], got {availability!r}")
    unavailable = 1.0 - availability
    if unavailable <= 10.0 ** -MAX_NINES:
        return MAX_NINES
    return min(MAX_NINES, max(0.0, -math.log10(unavailable)))


@frozen
class Availability:
    """How much of the measured window (``window`` seconds) had a working app leader."""

    window: float
    downtime: float
    availability: float
    nines: float
    first_leader_at: float | None

    @property
    def no_downtime(self) -> bool:
        """True when a leader was working for the whole window."""
        return self.downtime <= 0.0 and self.first_leader_at is not None

    def to_dict(self) -> dict[str, object]:
        """A JSON-serialisable form with a fixed key order."""
        return {
            "window": self.window, "downtime": self.downtime,
            "availability": self.availability, "nines": self.nines,
            "no_downtime": self.no_downtime, "first_leader_at": self.first_leader_at,
        }


def measure_availability(report: LeadershipReport, start: float = 0.0) -> Availability:
    """Measure availability from the leadership ``report`` of a run that began at ``start``.

    When no server ever led, the whole run is downtime (availability 0).
    """
    if report.first_leader_at is None:
        window = max(0.0, report.end - start)
        return Availability(window, window, 0.0, 0.0, None)
    window = max(0.0, report.end - report.first_leader_at)
    downtime = sum(f.duration for f in report.failovers)
    value = 1.0 if window <= 0.0 else max(0.0, 1.0 - downtime / window)
    return Availability(window, downtime, value, nines(value), report.first_leader_at)
