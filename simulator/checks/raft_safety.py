"""Raft's safety properties checked from the trace: one leader per term, state machine safety.

Also gathers the Raft facts a summary reports: the leaders of each term, how many elections
were held (terms in which some node became a candidate) and the highest term reached.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

from simulator.checks.incidents import STATE_MACHINE_SAFETY, TWO_RAFT_LEADERS, Incident
from simulator.trace.events import Event, RaftApply, RaftRole


@dataclass(frozen=True, slots=True)
class AppliedEntry:
    """The first entry seen applied at an index: by whom, its term and command text."""

    node: str
    term: int
    cmd: str


@dataclass(frozen=True, slots=True)
class RaftReport:
    """What the trace says about the Raft cluster as a whole."""

    leaders_per_term: tuple[tuple[int, tuple[str, ...]], ...]
    elections: int
    max_term: int
    applied_index: int
    incidents: tuple[Incident, ...]

    @property
    def leader_changes(self) -> int:
        """How many times some node became leader (one per term and leader)."""
        return sum(len(nodes) for _, nodes in self.leaders_per_term)


class RaftSafetyMonitor:
    """Folds Raft events one at a time and reports each safety incident once, as it happens."""

    KINDS: ClassVar[frozenset[str]] = frozenset({RaftRole.kind, RaftApply.kind})

    def __init__(self) -> None:
        self._leaders: dict[int, list[str]] = {}
        self._candidate_terms: set[int] = set()
        self._max_term = 0
        self._applied: dict[int, AppliedEntry] = {}
        self._bad_indexes: set[int] = set()
        self._incidents: list[Incident] = []

    def observe(self, event: Event) -> list[Incident]:
        """Take the next event; return the incidents it reveals (empty when all is well)."""
        if isinstance(event, RaftRole):
            return self._on_role(event)
        if isinstance(event, RaftApply):
            return self._on_apply(event)
        return []

    def _on_role(self, event: RaftRole) -> list[Incident]:
        self._max_term = max(self._max_term, event.term)
        if event.role == "candidate":
            self._candidate_terms.add(event.term)
            return []
        if event.role != "leader":
            return []
        leaders = self._leaders.setdefault(event.term, [])
        if event.node in leaders:
            return []
        leaders.append(event.node)
        if len(leaders) != 2:
            return []
        incident = Incident(
            event.t, TWO_RAFT_LEADERS,
            f"term {event.term} has two leaders: {leaders[0]} and {leaders[1]}",
        )
        self._incidents.append(incident)
        return [incident]

    def _on_apply(self, event: RaftApply) -> list[Incident]:
        first = self._applied.get(event.index)
        if first is None:
            self._applied[event.index] = AppliedEntry(event.node, event.term, event.cmd)
            return []
        if (first.term, first.cmd) == (event.term, event.cmd) or event.index in self._bad_indexes:
            return []
        self._bad_indexes.add(event.index)
        incident = Incident(
            event.t, STATE_MACHINE_SAFETY,
            f"index {event.index} applied differently: {first.node} applied {first.cmd!r} "
            f"(term {first.term}) but {event.node} applied {event.cmd!r} (term {event.term})",
        )
        self._incidents.append(incident)
        return [incident]

    def report(self) -> RaftReport:
        """The facts gathered so far."""
        return RaftReport(
            leaders_per_term=tuple(
                (term, tuple(nodes)) for term, nodes in sorted(self._leaders.items())
            ),
            elections=len(self._candidate_terms),
            max_term=self._max_term,
            applied_index=max(self._applied, default=0),
            incidents=tuple(self._incidents),
        )


def check_raft(events: Iterable[Event]) -> RaftReport:
    """Check Raft safety over a whole sequence of events and report the cluster's history."""
    monitor = RaftSafetyMonitor()
    for event in events:
        monitor.observe(event)
    return monitor.report()
