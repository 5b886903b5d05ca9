"""Time without a Raft leader: each loss of the leader until the next one, from the trace.

A Raft node *leads* from its ``raft.role`` leader to its next ``raft.role`` of another role or
its crash, and works as leader while it leads and is not paused. The leader is *lost* when the
last working leader stops: it crashed ("crash"), was paused ("pause"), stepped down in its own
term ("stepdown", e.g. CheckQuorum) or saw a higher term ("higher term"). The loss lasts until
some node works as leader again. The election at start-up is not a loss: ``first_leader_at``
says when it ended.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from simulator.checks.gaps import LEADS, Change, LeaderGap, find_gaps
from simulator.trace.events import Event, NodeCrash, NodePause, NodeResume, RaftRole

PAUSED = "paused"
HIGHER_TERM = "higher term"


@dataclass(frozen=True, slots=True)
class RaftFailover(LeaderGap):
    """No Raft node worked as leader from ``start`` to ``end`` after ``lost`` stopped by ``cause``.

    ``successor`` led next (None, with ``finished`` false, when no node did by the end).
    """


@dataclass(frozen=True, slots=True)
class RaftLeadershipReport:
    """When the first Raft leader came (None: never) and every loss of the leader after it."""

    first_leader_at: float | None
    failovers: tuple[RaftFailover, ...]

    @property
    def leaderless(self) -> float:
        """Total seconds without a Raft leader after the first one."""
        return sum(f.duration for f in self.failovers)


class RaftLeadership:
    """Folds Raft roles, crashes and pauses; ``report(end)`` finds the leaderless stretches."""

    def __init__(self) -> None:
        self._changes: list[Change] = []
        self._leading: dict[str, int] = {}

    def observe(self, event: Event) -> None:
        """Take the next event (kinds this fold does not read are ignored)."""
        if isinstance(event, RaftRole):
            if event.role == "leader":
                self._leading[event.node] = event.term
                self._changes.append(Change(event.t, event.node, LEADS, True, "elected"))
            elif event.node in self._leading:
                term = self._leading.pop(event.node)
                cause = HIGHER_TERM if event.term > term else "stepdown"
                self._changes.append(Change(event.t, event.node, LEADS, False, cause))
        elif isinstance(event, NodeCrash):
            if self._leading.pop(event.node, None) is not None:
                self._changes.append(Change(event.t, event.node, LEADS, False, "crash"))
            self._changes.append(Change(event.t, event.node, PAUSED, False, "crash"))
        elif isinstance(event, NodePause):
            self._changes.append(Change(event.t, event.node, PAUSED, True, "pause"))
        elif isinstance(event, NodeResume):
            self._changes.append(Change(event.t, event.node, PAUSED, False, "pause"))

    def report(self, end: float) -> RaftLeadershipReport:
        """The losses of the leader up to ``end`` (one still open is closed at ``end``)."""
        sweep = find_gaps(self._changes, end)
        return RaftLeadershipReport(
            sweep.first_at,
            tuple(RaftFailover(g.start, g.end, g.lost, g.cause, g.successor, g.finished)
                  for g in sweep.gaps),
        )


def check_raft_leadership(events: Iterable[Event], end: float) -> RaftLeadershipReport:
    """Fold a whole sequence of events into the Raft leader's losses up to ``end``."""
    fold = RaftLeadership()
    for event in events:
        fold.observe(event)
    return fold.report(end)
