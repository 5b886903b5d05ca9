"""The payment job's outcome from ``work`` events: double, rejected and late charges.

A *double charge* is an accepted charge of a job the provider had already accepted (or one it
flags as ``duplicate``): a customer paid twice. A *rejected* charge is one the provider refused
(a stale fencing token or a used idempotency key): the protection doing its job, not a fault.
A *late* charge was accepted more than ``late_after`` seconds after it fell due (needs the
``due`` field of the work event).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from simulator.checks.incidents import DOUBLE_CHARGE, Incident
from simulator.config import JobConfig
from simulator.frozen import frozen
from simulator.trace.events import Event, Work

DEFAULT_LATE_AFTER = JobConfig().late_after


@frozen
class DoubleCharge:
    """Job ``job`` was charged again at ``t`` by ``server``; ``first_server`` charged it first."""

    t: float
    job: str
    server: str
    token: int | None
    first_server: str | None

    def to_dict(self) -> dict[str, object]:
        """A JSON-serialisable form with a fixed key order."""
        return {
            "t": self.t, "job": self.job, "server": self.server, "token": self.token,
            "first_server": self.first_server,
        }


@frozen
class ChargeReport:
    """Counts of what the payment provider did during a run."""

    attempts: int
    accepted: int
    rejected: int
    late: int
    jobs_charged: int
    double_charges: tuple[DoubleCharge, ...]
    incidents: tuple[Incident, ...]


class ChargeMonitor:
    """Folds ``work`` events one at a time and reports each double charge as it happens."""

    KINDS: ClassVar[frozenset[str]] = frozenset({Work.kind})

    def __init__(self, late_after: float = DEFAULT_LATE_AFTER) -> None:
        self._late_after = late_after
        self._first_charger: dict[str, str] = {}
        self._attempts = 0
        self._accepted = 0
        self._rejected = 0
        self._late = 0
        self._doubles: list[DoubleCharge] = []
        self._incidents: list[Incident] = []

    def observe(self, event: Event) -> list[Incident]:
        """Take the next event; return a double-charge incident if it is one."""
        if not isinstance(event, Work):
            return []
        self._attempts += 1
        if not event.accepted:
            self._rejected += 1
            return []
        self._accepted += 1
        if event.due is not None and event.t - event.due > self._late_after:
            self._late += 1
        first = self._first_charger.get(event.job)
        if first is None:
            self._first_charger[event.job] = event.server
            if not event.duplicate:
                return []
        double = DoubleCharge(event.t, event.job, event.server, event.token, first)
        self._doubles.append(double)
        before = f", first charged by {first}" if first is not None else ""
        incident = Incident(
            event.t, DOUBLE_CHARGE,
            f"job {event.job} charged again by {event.server} (token {event.token}){before}",
        )
        self._incidents.append(incident)
        return [incident]

    def report(self) -> ChargeReport:
        """The counts so far."""
        return ChargeReport(
            attempts=self._attempts,
            accepted=self._accepted,
            rejected=self._rejected,
            late=self._late,
            jobs_charged=len(self._first_charger),
            double_charges=tuple(self._doubles),
            incidents=tuple(self._incidents),
        )


def check_charges(
    events: Iterable[Event], late_after: float = DEFAULT_LATE_AFTER
) -> ChargeReport:
    """Fold a whole sequence of events into the payment job's outcome."""
    monitor = ChargeMonitor(late_after)
    for event in events:
        monitor.observe(event)
    return monitor.report()
