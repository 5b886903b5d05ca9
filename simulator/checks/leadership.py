"""App-level leadership from the trace: who believes it leads, who acts, overlaps, failovers.

A server *believes* it leads from its ``app.role`` leader=true to its ``app.role`` leader=false
or its crash. It *acts* as leader while it believes and is not paused (``node.pause`` to
``node.resume``): a paused process is frozen and does nothing, whatever it believes.

- An *overlap* is a stretch of time in which two or more servers act as leader. A paused
  believer that resumes and still believes overlaps from its resume until it steps down.
  Every change of one instant is taken before judging, so an overlap of zero seconds (a server
  that resumes and steps down at once) is no overlap and no incident: the incident is reported
  with the first event at a later time that finds two servers still acting.
- A *failover* is a stretch without a *working* leader (see ``working``: a working leader also
  reaches the store), measured from the first working leader on.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from simulator.checks.incidents import APP_LEADER_OVERLAP, Incident
from simulator.checks.working import DEFAULT_ANSWER_WITHIN, Failover, WorkingLeaders
from simulator.frozen import frozen
from simulator.trace.events import AppRole, Event, MsgSend, NodeCrash, NodePause, NodeResume

__all__ = [
    "Belief", "Failover", "LeadershipMonitor", "LeadershipReport", "Overlap",
    "check_leadership",
]


@frozen
class Belief:
    """One stretch in which ``server`` believed it leads (``end`` None: still at the end)."""

    server: str
    start: float
    end: float | None
    token: int | None


@frozen
class Overlap:
    """Two or more servers acted as leader (believed, not paused) from ``start`` to ``end``."""

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


@frozen
class LeadershipReport:
    """App-level leadership over a run that ended at ``end``."""

    end: float
    first_leader_at: float | None
    beliefs: tuple[Belief, ...]
    overlaps: tuple[Overlap, ...]
    failovers: tuple[Failover, ...]
    incidents: tuple[Incident, ...]
    servers_seen: tuple[str, ...]
    working_time: tuple[tuple[str, float], ...] = ()
    """Seconds each server worked as leader (believed, unpaused, reaching the store)."""

    def leader_time(self) -> dict[str, float]:
        """Seconds each server believed it leads, by server id."""
        totals: dict[str, float] = {}
        for belief in self.beliefs:
            stop = self.end if belief.end is None else belief.end
            totals[belief.server] = totals.get(belief.server, 0.0) + max(0.0, stop - belief.start)
        return dict(sorted(totals.items()))


class LeadershipMonitor:
    """Folds app-level events one at a time; reports an overlap incident once it lasts.

    ``KINDS`` are the kinds the overlap check reads. While ``waiting`` is true an overlap began
    at the current instant: the next event at a later time (of any kind, see ``advance``)
    confirms it. Failovers also read ``kv.invoke``, ``kv.complete`` and ``watch.event``
    (reachability of the store, requests per hand-over): feed every event for those.
    """

    KINDS: ClassVar[frozenset[str]] = frozenset(
        {AppRole.kind, NodeCrash.kind, NodePause.kind, NodeResume.kind}
    )

    def __init__(self, answer_within: float = DEFAULT_ANSWER_WITHIN) -> None:
        self._believers: dict[str, tuple[float, int | None]] = {}
        self._paused: set[str] = set()
        self._seen: set[str] = set()
        self._beliefs: list[Belief] = []
        self._overlaps: list[Overlap] = []
        self._overlap_start: float | None = None
        self._overlap_servers: set[str] = set()
        self._reported = False
        self._incidents: list[Incident] = []
        self._working = WorkingLeaders(answer_within)
        self._last_t = 0.0

    # --- folding -------------------------------------------------------------------------

    @property
    def waiting(self) -> bool:
        """True while an overlap that began at the latest instant is not yet confirmed."""
        return self._overlap_start is not None and not self._reported

    def advance(self, t: float) -> list[Incident]:
        """Time moved on to ``t``: report an overlap still running since an earlier instant."""
        self._last_t = max(self._last_t, t)
        if not self.waiting or self._overlap_start is None or t <= self._overlap_start:
            return []
        self._reported = True
        names = sorted(self._acting())
        tokens = ", ".join(f"{name} token {self._believers[name][1]}" for name in names)
        verb = "all act" if len(names) > 2 else "both act"
        incident = Incident(
            t, APP_LEADER_OVERLAP,
            f"{_join(names)} {verb} as leader since {self._overlap_start:.3f} s ({tokens})",
        )
        self._incidents.append(incident)
        return [incident]

    @property
    def asking(self) -> dict[str, tuple[str, int]]:
        """The servers whose latest store request has not sent its first message yet (their
        next ``msg.send`` goes to ``observe_send``)."""
        return self._working.asking

    def observe_send(self, event: MsgSend) -> None:
        """A message a server sent for its request (which store member it asked)."""
        self._working.observe_send(event)

    def observe(self, event: Event) -> list[Incident]:
        """Take the next event; return the incidents it reveals (an overlap that lasted)."""
        found = self.advance(event.t)
        self._working.observe(event)
        if isinstance(event, AppRole):
            self._seen.add(event.server)
            if event.leader:
                self._start_belief(event.t, event.server, event.token)
            else:
                self._end_belief(event.t, event.server)
        elif isinstance(event, NodeCrash):
            self._end_belief(event.t, event.node)
            self._paused.discard(event.node)
            self._settle(event.t)
        elif isinstance(event, NodePause):
            self._paused.add(event.node)
            self._settle(event.t)
        elif isinstance(event, NodeResume):
            self._paused.discard(event.node)
            self._settle(event.t)
        return found

    def _acting(self) -> set[str]:
        return {server for server in self._believers if server not in self._paused}

    def _start_belief(self, t: float, server: str, token: int | None) -> None:
        if server in self._believers:
            since, _ = self._believers[server]
            self._believers[server] = (since, token)
            return
        self._believers[server] = (t, token)
        self._settle(t)

    def _end_belief(self, t: float, server: str) -> None:
        if server not in self._believers:
            return
        since, token = self._believers.pop(server)
        self._beliefs.append(Belief(server, since, t, token))
        self._settle(t)

    def _settle(self, t: float) -> None:
        """Open or close the overlap after a change at ``t``."""
        acting = self._acting()
        if len(acting) >= 2:
            if self._overlap_start is None:
                self._overlap_start = t
                self._overlap_servers = set(acting)
                self._reported = False
            else:
                self._overlap_servers |= acting
            return
        if self._overlap_start is None:
            return
        if t > self._overlap_start:
            self._overlaps.append(
                Overlap(self._overlap_start, t, tuple(sorted(self._overlap_servers)))
            )
        self._overlap_start = None
        self._overlap_servers = set()
        self._reported = False

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
        if self._overlap_start is not None and stop > self._overlap_start:
            overlaps.append(
                Overlap(self._overlap_start, stop, tuple(sorted(self._overlap_servers)), True)
            )
        working = self._working.report(stop)
        return LeadershipReport(
            end=stop,
            first_leader_at=working.first_leader_at,
            beliefs=tuple(beliefs),
            overlaps=tuple(overlaps),
            failovers=working.failovers,
            incidents=tuple(self._incidents),
            servers_seen=tuple(sorted(self._seen)),
            working_time=working.working_time,
        )


def _join(names: list[str]) -> str:
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def check_leadership(events: Iterable[Event], end: float | None = None,
                     answer_within: float = DEFAULT_ANSWER_WITHIN) -> LeadershipReport:
    """Fold a whole sequence of events into its app-level leadership history.

    An overlap still running at ``end`` is reported as an incident at ``end``;
    ``answer_within`` is the store client's request timeout (see ``working``).
    """
    monitor = LeadershipMonitor(answer_within)
    for event in events:
        monitor.observe(event)
    if end is not None:
        monitor.advance(end)
    return monitor.report(end)
