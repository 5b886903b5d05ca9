"""Time without a Raft leader: each loss of the leader until the next one, from the trace.

A Multi-Paxos cluster is folded the same way: its ``paxos.role`` events count as roles, with
the ballot as the term (a "higher term" is then a higher ballot).

A Raft node *leads* from its ``raft.role`` leader to its next ``raft.role`` of another role or
its crash, and works as leader while it leads, is not paused and reaches a majority: itself and
enough members that are up, not paused, and joined to it by links not cut in either direction
(``net.cut`` / ``net.heal``), so it could still commit. The leader is *lost* when the last
working leader stops: it crashed ("crash"), was paused ("pause"), was cut off from a majority
("minority": a partition; without CheckQuorum it may go on believing it leads for as long as
the partition lasts), stepped down in its own term ("stepdown", e.g. CheckQuorum) or saw a
higher term ("higher term"). The loss lasts until some node works as leader again. The election
at start-up is not a loss: ``first_leader_at`` says when it ended. The majority rule needs the
cluster's members (``members``); without them a leader works while it leads and is not paused.
"""

from __future__ import annotations

from collections.abc import Iterable

from simulator.checks.gaps import LEADS, Change, LeaderGap, find_gaps, paused_change
from simulator.frozen import frozen
from simulator.trace.events import (
    Event,
    NetCut,
    NetHeal,
    NodeCrash,
    NodePause,
    NodeRestart,
    NodeResume,
    PaxosRole,
    RaftRole,
)

MINORITY = "minority"
HIGHER_TERM = "higher term"


@frozen
class RaftFailover(LeaderGap):
    """No Raft node worked as leader from ``start`` to ``end`` after ``lost`` stopped by ``cause``.

    ``successor`` led next (None, with ``finished`` false, when no node did by the end).
    """


@frozen
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

    def __init__(self, members: Iterable[str] | None = None) -> None:
        self._changes: list[Change] = []
        self._leading: dict[str, object] = {}
        self._members: frozenset[str] | None = None if members is None else frozenset(members)
        self._down: set[str] = set()  # crashed or paused
        self._cut: set[tuple[str, str]] = set()
        self._minority: set[str] = set()  # leaders now cut off from a majority

    def observe(self, event: Event) -> None:
        """Take the next event (kinds this fold does not read are ignored)."""
        self._observe_roles(event)
        if isinstance(event, NetCut):
            self._cut.add((event.src, event.dst))
        elif isinstance(event, NetHeal):
            self._cut.discard((event.src, event.dst))
        elif isinstance(event, NodeCrash | NodePause):
            self._down.add(event.node)
        elif isinstance(event, NodeRestart | NodeResume):
            self._down.discard(event.node)
        elif not isinstance(event, RaftRole | PaxosRole):
            return
        if self._members is not None:
            self._check_majorities(event.t, self._members)

    def _check_majorities(self, t: float, members: frozenset[str]) -> None:
        """Flag each leader that reaches no majority now (and unflag the others)."""
        quorum = len(members) // 2 + 1
        for node in sorted(self._leading.keys() | self._minority):
            reached = 1 + sum(
                1 for other in members
                if other != node and other not in self._down
                and (node, other) not in self._cut and (other, node) not in self._cut)
            cut_off = node in self._leading and reached < quorum
            if cut_off != (node in self._minority):
                if cut_off:
                    self._minority.add(node)
                else:
                    self._minority.discard(node)
                self._changes.append(Change(t, node, MINORITY, cut_off, MINORITY))

    def _observe_roles(self, event: Event) -> None:
        if isinstance(event, RaftRole | PaxosRole):
            epoch = event.term if isinstance(event, RaftRole) else tuple(event.ballot)
            if event.role == "leader":
                self._leading[event.node] = epoch  # type: ignore[assignment]
                self._changes.append(Change(event.t, event.node, LEADS, True, "elected"))
            elif event.node in self._leading:
                term = self._leading.pop(event.node)
                cause = HIGHER_TERM if epoch > term else "stepdown"  # type: ignore[operator]
                self._changes.append(Change(event.t, event.node, LEADS, False, cause))
        elif isinstance(event, NodeCrash) and self._leading.pop(event.node, None) is not None:
            self._changes.append(Change(event.t, event.node, LEADS, False, "crash"))
        paused = paused_change(event)
        if paused is not None:
            self._changes.append(paused)

    def report(self, end: float) -> RaftLeadershipReport:
        """The losses of the leader up to ``end`` (one still open is closed at ``end``)."""
        sweep = find_gaps(self._changes, end)
        return RaftLeadershipReport(
            sweep.first_at,
            tuple(RaftFailover(g.start, g.end, g.lost, g.cause, g.successor, g.finished)
                  for g in sweep.gaps),
        )


def check_raft_leadership(events: Iterable[Event], end: float,
                          members: Iterable[str] | None = None) -> RaftLeadershipReport:
    """Fold a whole sequence of events into the Raft leader's losses up to ``end``."""
    fold = RaftLeadership(members)
    for event in events:
        fold.observe(event)
    return fold.report(end)
