"""Raft's safety properties checked from the trace: one leader per term, state machine safety.

Also gathers the Raft facts a summary reports: the leaders of each term, how many elections
were held (terms in which some node became a candidate) and the highest term reached.

A Multi-Paxos cluster's paxos.role and paxos.apply are checked alike: its "terms" are ballots
(written "(round, node)"; the highest term is the highest round), an election is a ballot some
candidate ran phase 1 with, at most one value may be applied per slot, and every node applies
its slots in order (from slot 1 again after a restart).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from simulator.checks.incidents import (
    APPLY_ORDER,
    STATE_MACHINE_SAFETY,
    TWO_RAFT_LEADERS,
    Incident,
)
from simulator.frozen import frozen
from simulator.trace.events import Event, PaxosApply, PaxosRole, RaftApply, RaftRole



@frozen
class AppliedEntry:
    """The first entry seen applied at an index: by whom, its term and command text."""

    node: str
    term: int
    cmd: str


@frozen
class RaftReport:
    """What the trace says about the Raft cluster as a whole."""

    leaders_per_term: tuple[tuple[int | str, tuple[str, ...]], ...]
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

    KINDS: ClassVar[frozenset[str]] = frozenset(
        {RaftRole.kind, RaftApply.kind, PaxosRole.kind, PaxosApply.kind})

    def __init__(self) -> None:
        self._leaders: dict[int | tuple[int, str], list[str]] = {}
        self._candidate_terms: set[int | tuple[int, str]] = set()
        self._last_slot: dict[str, int] = {}
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
        if isinstance(event, PaxosRole):
            return self._on_paxos_role(event)
        if isinstance(event, PaxosApply):
            return self._on_paxos_apply(event)
        return []

    def _on_paxos_role(self, event: PaxosRole) -> list[Incident]:
        ballot = (int(event.ballot[0]), str(event.ballot[1]))
        self._max_term = max(self._max_term, ballot[0])
        if event.role == "candidate":
            self._candidate_terms.add(ballot)
            return []
        if event.role != "leader":
            return []
        leaders = self._leaders.setdefault(ballot, [])
        if event.node in leaders:
            return []
        leaders.append(event.node)
        if len(leaders) != 2:
            return []
        incident = Incident(event.t, TWO_RAFT_LEADERS,
                            f"ballot {_ballot(ballot)} has two leaders: {leaders[0]} and "
                            f"{leaders[1]}")
        self._incidents.append(incident)
        return [incident]

    def _on_paxos_apply(self, event: PaxosApply) -> list[Incident]:
        found: list[Incident] = []
        last = self._last_slot.get(event.node, 0)
        self._last_slot[event.node] = event.slot
        if event.slot != last + 1 and event.slot != 1:
            incident = Incident(event.t, APPLY_ORDER,
                                f"{event.node} applied slot {event.slot} after slot {last}")
            self._incidents.append(incident)
            found.append(incident)
        first = self._applied.get(event.slot)
        if first is None:
            self._applied[event.slot] = AppliedEntry(event.node, 0, event.cmd)
            return found
        if first.cmd == event.cmd or event.slot in self._bad_indexes:
            return found
        self._bad_indexes.add(event.slot)
        incident = Incident(
            event.t, STATE_MACHINE_SAFETY,
            f"slot {event.slot} has two values: {first.node} applied {first.cmd!r} but "
            f"{event.node} applied {event.cmd!r}",
        )
        self._incidents.append(incident)
        return found + [incident]

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
                (term if isinstance(term, int) else _ballot(term), tuple(nodes))
                for term, nodes in sorted(self._leaders.items())
            ),
            elections=len(self._candidate_terms),
            max_term=self._max_term,
            applied_index=max(self._applied, default=0),
            incidents=tuple(self._incidents),
        )


def _ballot(ballot: tuple[int, str]) -> str:
    return f"({ballot[0]}, {ballot[1]})"


def check_raft(events: Iterable[Event]) -> RaftReport:
    """Check Raft safety over a whole sequence of events and report the cluster's history."""
    monitor = RaftSafetyMonitor()
    for event in events:
        monitor.observe(event)
    return monitor.report()
