"""App-level leadership from the trace: who believes it leads, overlaps, and leaderless gaps.

A server *believes* it leads from its ``app.role`` leader=true to its ``app.role`` leader=false
or its crash. A believer is *working* unless its process is paused (``node.pause`` to
``node.resume``): a paused leader still believes, which is the hazard fencing exists for.

- An *overlap* is a stretch of time in which two or more servers believe they lead.
- A *gap* (a failover) begins when the last working leader stops (crash, pause or step-down)
  and ends when some server works as leader again: a new ``app.role`` leader=true, or a paused
  believer resuming. Gaps of zero length are not failovers; a gap that ends and restarts at the
  same instant is one failover.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

from simulator.checks.incidents import APP_LEADER_OVERLAP, Incident
from simulator.trace.events import AppRole, Event, NodeCrash, NodePause, NodeResume


@dataclass(frozen=True, slots=True)
class Belief:
    """One stretch in which ``server`` believed it leads (``end`` None: still at the end)."""

    server: str
    start: float
    end: float | None
    token: int | None


@dataclass(frozen=True, slots=True)
class Overlap:
    """Two or more servers believed they lead from ``start`` to ``end``."""

    start: float
    end: float
    servers: tuple[str, ...]
    ongoing: bool = False

    @property
    def duration(self) -> float:
        """Length of the overlap in seconds."""
        return self.end - self.start

    def to_dict(self) -> dict[str, object]:
        """A JSON-serialisable form with a fixed key order."""
        return {
            "start": self.start, "end": self.end, "duration": self.duration,
            "servers": list(self.servers), "ongoing": self.ongoing,
        }


@dataclass(frozen=True, slots=True)
class Failover:
    """No server worked as leader from ``start`` to ``end``, after ``lost`` stopped by ``cause``.

    ``cause`` is "crash", "pause" or "stepdown"; ``successor`` is the server that worked as
    leader next (None, with ``finished`` false, if none did before the run ended).
    """

    start: float
    end: float
    lost: str
    cause: str
    successor: str | None
    finished: bool = True

    @property
    def duration(self) -> float:
        """Seconds without a working leader."""
        return self.end - self.start

    def to_dict(self) -> dict[str, object]:
        """A JSON-serialisable form with a fixed key order."""
        return {
            "start": self.start, "end": self.end, "duration": self.duration,
            "lost": self.lost, "cause": self.cause, "successor": self.successor,
            "finished": self.finished,
        }


@dataclass(frozen=True, slots=True)
class LeadershipReport:
    """App-level leadership over a run that ended at ``end``."""

    end: float
    first_leader_at: float | None
    beliefs: tuple[Belief, ...]
    overlaps: tuple[Overlap, ...]
    failovers: tuple[Failover, ...]
    incidents: tuple[Incident, ...]
    servers_seen: tuple[str, ...]

    def leader_time(self) -> dict[str, float]:
        """Seconds each server believed it leads, by server id."""
        totals: dict[str, float] = {}
        for belief in self.beliefs:
            stop = self.end if belief.end is None else belief.end
            totals[belief.server] = totals.get(belief.server, 0.0) + max(0.0, stop - belief.start)
        return dict(sorted(totals.items()))


@dataclass(frozen=True, slots=True)
class _OpenGap:
    start: float
    lost: str
    cause: str


class LeadershipMonitor:
    """Folds app-level events one at a time; reports an overlap incident when one begins."""

    KINDS: ClassVar[frozenset[str]] = frozenset(
        {AppRole.kind, NodeCrash.kind, NodePause.kind, NodeResume.kind}
    )

    def __init__(self) -> None:
        self._believers: dict[str, tuple[float, int | None]] = {}
        self._paused: set[str] = set()
        self._seen: set[str] = set()
        self._beliefs: list[Belief] = []
        self._overlaps: list[Overlap] = []
        self._overlap_start: float | None = None
        self._overlap_servers: set[str] = set()
        self._failovers: list[Failover] = []
        self._gap: _OpenGap | None = None
        self._first_leader_at: float | None = None
        self._incidents: list[Incident] = []
        self._last_t = 0.0

    # --- folding -------------------------------------------------------------------------

    def observe(self, event: Event) -> list[Incident]:
        """Take the next event; return the incidents it reveals (an overlap that just began)."""
        self._last_t = max(self._last_t, event.t)
        if isinstance(event, AppRole):
            self._seen.add(event.server)
            if event.leader:
                return self._start_belief(event.t, event.server, event.token)
            self._end_belief(event.t, event.server, "stepdown")
        elif isinstance(event, NodeCrash):
            self._end_belief(event.t, event.node, "crash")
            self._paused.discard(event.node)
        elif isinstance(event, NodePause):
            if event.node in self._believers and event.node not in self._paused:
                had_worker = self._has_worker()
                self._paused.add(event.node)
                self._after_stop(event.t, event.node, "pause", had_worker)
            else:
                self._paused.add(event.node)
        elif isinstance(event, NodeResume) and event.node in self._paused:
            self._paused.discard(event.node)
            if event.node in self._believers:
                self._after_start(event.t, event.node)
        return []

    def _has_worker(self) -> bool:
        return any(server not in self._paused for server in self._believers)

    def _start_belief(self, t: float, server: str, token: int | None) -> list[Incident]:
        if server in self._believers:
            since, _ = self._believers[server]
            self._believers[server] = (since, token)
            return []
        self._believers[server] = (t, token)
        if server not in self._paused:
            self._after_start(t, server)
        if len(self._believers) < 2:
            return []
        if self._overlap_start is not None:
            self._overlap_servers.add(server)
            return []
        self._overlap_start = t
        self._overlap_servers = set(self._believers)
        names = sorted(self._believers)
        shown = [f"{name} (paused)" if name in self._paused else name for name in names]
        tokens = ", ".join(f"{name} token {self._believers[name][1]}" for name in names)
        incident = Incident(
            t, APP_LEADER_OVERLAP,
            f"{_join(shown)} all believe they lead ({tokens})"
            if len(names) > 2 else f"{_join(shown)} both believe they lead ({tokens})",
        )
        self._incidents.append(incident)
        return [incident]

    def _end_belief(self, t: float, server: str, cause: str) -> None:
        if server not in self._believers:
            return
        had_worker = self._has_worker()
        since, token = self._believers.pop(server)
        self._beliefs.append(Belief(server, since, t, token))
        if self._overlap_start is not None and len(self._believers) < 2:
            self._overlaps.append(
                Overlap(self._overlap_start, t, tuple(sorted(self._overlap_servers)))
            )
            self._overlap_start = None
            self._overlap_servers = set()
        paused = server in self._paused
        if not paused:
            self._after_stop(t, server, cause, had_worker)

    def _after_stop(self, t: float, server: str, cause: str, had_worker: bool) -> None:
        if not had_worker or self._has_worker() or self._gap is not None:
            return
        last = self._failovers[-1] if self._failovers else None
        if last is not None and last.end == t:
            self._failovers.pop()
            self._gap = _OpenGap(last.start, last.lost, last.cause)
        else:
            self._gap = _OpenGap(t, server, cause)

    def _after_start(self, t: float, server: str) -> None:
        if self._first_leader_at is None:
            self._first_leader_at = t
        gap = self._gap
        if gap is None:
            return
        self._gap = None
        if t > gap.start:
            self._failovers.append(Failover(gap.start, t, gap.lost, gap.cause, server))

    # --- reporting -----------------------------------------------------------------------

    def report(self, end: float | None = None) -> LeadershipReport:
        """The leadership history so far, with open stretches closed at ``end``.

        ``end`` defaults to the time of the last event observed.
        """
        stop = self._last_t if end is None else max(end, self._last_t)
        beliefs = list(self._beliefs)
        beliefs.extend(
            Belief(server, since, None, token)
            for server, (since, token) in sorted(self._believers.items())
        )
        beliefs.sort(key=lambda b: (b.start, b.server))
        overlaps = list(self._overlaps)
        if self._overlap_start is not None:
            overlaps.append(
                Overlap(self._overlap_start, stop, tuple(sorted(self._overlap_servers)), True)
            )
        failovers = list(self._failovers)
        if self._gap is not None and stop > self._gap.start:
            failovers.append(
                Failover(self._gap.start, stop, self._gap.lost, self._gap.cause, None, False)
            )
        return LeadershipReport(
            end=stop,
            first_leader_at=self._first_leader_at,
            beliefs=tuple(beliefs),
            overlaps=tuple(overlaps),
            failovers=tuple(failovers),
            incidents=tuple(self._incidents),
            servers_seen=tuple(sorted(self._seen)),
        )


def _join(names: list[str]) -> str:
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def check_leadership(events: Iterable[Event], end: float | None = None) -> LeadershipReport:
    """Fold a whole sequence of events into its app-level leadership history."""
    monitor = LeadershipMonitor()
    for event in events:
        monitor.observe(event)
    return monitor.report(end)
