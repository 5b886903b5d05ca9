"""All the safety checks together: one fold over events that returns each new incident once."""

from __future__ import annotations

from typing import ClassVar

from simulator.checks.charges import DEFAULT_LATE_AFTER, ChargeMonitor
from simulator.checks.incidents import Incident
from simulator.checks.leadership import LeadershipMonitor
from simulator.checks.raft_safety import RaftSafetyMonitor
from simulator.checks.working import DEFAULT_ANSWER_WITHIN
from simulator.trace.events import Event


class SafetyMonitors:
    """Raft safety, app leadership and charges, folded together in event order."""

    #: the event kinds any of the checks reads (a live checker need not see the others)
    KINDS: ClassVar[frozenset[str]] = (
        RaftSafetyMonitor.KINDS | LeadershipMonitor.KINDS | ChargeMonitor.KINDS
    )

    def __init__(self, late_after: float = DEFAULT_LATE_AFTER,
                 answer_within: float = DEFAULT_ANSWER_WITHIN) -> None:
        self.raft = RaftSafetyMonitor()
        self.leadership = LeadershipMonitor(answer_within)
        self.charges = ChargeMonitor(late_after)
        self._incidents: list[Incident] = []

    def observe(self, event: Event) -> list[Incident]:
        """Take the next event; return every incident it reveals, in check order."""
        found = self.raft.observe(event)
        found += self.leadership.observe(event)
        found += self.charges.observe(event)
        self._incidents.extend(found)
        return found

    @property
    def waiting(self) -> bool:
        """True while a check needs the next event at a later time, of any kind, to decide."""
        return self.leadership.waiting

    def advance(self, t: float) -> list[Incident]:
        """Time moved on to ``t`` (an event of a kind the checks do not read): new incidents."""
        found = self.leadership.advance(t)
        self._incidents.extend(found)
        return found

    @property
    def incidents(self) -> tuple[Incident, ...]:
        """Every incident found so far, oldest first."""
        return tuple(self._incidents)
