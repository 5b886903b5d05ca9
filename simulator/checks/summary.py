"""The run summary: every check and metric of a run, folded once from its events.

``summarize(events, scenario)`` is what ``leadersim run`` prints (``to_text()``) or writes as
JSON (``to_dict()``, with ``--json``).

Definitions (see ``leadership``, ``working``, ``raft_leadership``):

- A *working* app leader believes it leads (``app.role``), is neither paused nor crashed, and
  can reach the store: it cannot from the ``kv.invoke`` of an operation that completes with
  ok=false until its next ok=true completion (client ``app1.1`` is server ``app1``).
- *Availability* is the time with a working app leader divided by the window, which runs from
  the first working leader to the end of the run; *downtime* is the rest, the sum of the
  *failovers* (each from the loss of the last working leader, by crash, pause, step-down or
  cut-off from the store, to the next one, with the store requests and watch events in it).
- An *overlap* is time in which two or more app servers act as leader (believe and are not
  paused); one that lasts is an ``app-leader-overlap`` violation.
- *Raft failovers* are the losses of the Raft leader (crash, pause, step-down, higher term)
  until the next leader; ``raft_leaderless`` is their total length.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable

from simulator.checks.availability import Availability, measure_availability
from simulator.checks.charges import DEFAULT_LATE_AFTER, ChargeReport
from simulator.checks.eventual import EventualFold, EventualReport
from simulator.checks.incidents import Incident
from simulator.checks.leadership import Failover, Overlap
from simulator.checks.monitors import SafetyMonitors
from simulator.checks.raft_leadership import RaftFailover, RaftLeadership
from simulator.checks.summary_text import format_summary
from simulator.checks.working import DEFAULT_ANSWER_WITHIN
from simulator.config import Scenario
from simulator.frozen import frozen
from simulator.trace.compact import EventLog
from simulator.trace.events import (
    AppRole,
    Event,
    MsgDeliver,
    MsgDrop,
    MsgSend,
    PaxosAccept,
    PaxosChosen,
    PaxosPromise,
    PaxosRecover,
    RaftTimer,
    RunEnd,
    RunStart,
    UserAction,
    Violation,
    Work,
)


@frozen
class MessageCounts:
    """How many messages were sent, delivered and dropped."""

    sent: int = 0
    delivered: int = 0
    dropped: int = 0


@frozen
class SkippedStep:
    """A fault or action that could not happen (its user.action detail says why)."""

    t: float
    action: str
    target: str
    reason: str

    def to_dict(self) -> dict[str, object]:
        """A JSON-serialisable form."""
        return {"t": self.t, "action": self.action, "target": self.target,
                "reason": self.reason}


SKIPPED_PREFIX = "skipped: "


@frozen
class Summary:
    """Everything a run's summary reports. Times are simulated seconds."""

    preset: str
    seed: int | None
    start: float
    end: float
    leaders_per_term: tuple[tuple[int, tuple[str, ...]], ...]
    elections: int
    max_term: int
    first_raft_leader_at: float | None
    raft_failovers: tuple[RaftFailover, ...]
    app_servers: tuple[str, ...]
    leader_time: tuple[tuple[str, float], ...]
    working_time: tuple[tuple[str, float], ...]
    availability: Availability | None
    failovers: tuple[Failover, ...]
    overlaps: tuple[Overlap, ...]
    charges: ChargeReport
    messages: MessageCounts
    violations: tuple[Incident, ...]
    skipped: tuple[SkippedStep, ...] = ()
    protocol: str = "raft"
    """The store cluster's consensus protocol (run.start): "raft" or "multi-paxos"."""
    store: str = "strong"
    """The store the app servers elect through (run.start): "strong" or "eventual"."""
    eventual: EventualReport | None = None
    """Stale reads, lost writes and replica work of the eventual store (None on the strong)."""

    @property
    def protocol_name(self) -> str:
        """The consensus protocol as people write it: "Raft" or "Multi-Paxos"."""
        return "Multi-Paxos" if self.protocol == "multi-paxos" else "Raft"

    @property
    def highest_epoch(self) -> str:
        """``highest term 3`` (Raft) or ``highest ballot round 3`` (Multi-Paxos)."""
        words = "highest ballot round" if self.protocol == "multi-paxos" else "highest term"
        return f"{words} {self.max_term}"

    @property
    def duration(self) -> float:
        """Simulated seconds the run covered."""
        return self.end - self.start

    @property
    def raft_leaderless(self) -> float:
        """Seconds without a Raft leader after the first one (the sum of the Raft failovers)."""
        return sum(f.duration for f in self.raft_failovers)

    @property
    def double_charges(self) -> int:
        """How many times a customer was charged again for a job already paid."""
        return len(self.charges.double_charges)

    @property
    def safe(self) -> bool:
        """True when no check failed."""
        return not self.violations

    def to_dict(self) -> dict[str, object]:
        """A JSON-serialisable form with a stable key order (``leadersim run --json``)."""
        return _to_dict(self)

    def to_text(self) -> str:
        """A readable, aligned plain-text report for a terminal."""
        return format_summary(self)


_MESSAGE_COUNTERS = {MsgSend.kind: 0, MsgDeliver.kind: 1, MsgDrop.kind: 2}
_UNREAD_KINDS = frozenset(_MESSAGE_COUNTERS) | {
    RaftTimer.kind, PaxosAccept.kind, PaxosPromise.kind, PaxosChosen.kind,
    PaxosRecover.kind}


class SummaryFold:
    """A run's summary built up as its events arrive (a window following a cursor).

    ``feed`` events in trace order, in any number of batches; ``summary(end)`` is at every
    moment the same as ``summarize`` of every event fed so far, and changes nothing.
    """

    def __init__(self, scenario: Scenario | None = None) -> None:
        self._scenario = scenario
        late_after = scenario.apps.job.late_after if scenario is not None else DEFAULT_LATE_AFTER
        answer_within = (scenario.store.request_timeout if scenario is not None
                         else DEFAULT_ANSWER_WITHIN)
        self._monitors = SafetyMonitors(late_after, answer_within)
        self._raft_leadership = RaftLeadership(
            scenario.raft.node_ids if scenario is not None else None)
        self._preset = scenario.name if scenario is not None else ""
        self._protocol = scenario.raft.protocol if scenario is not None else "raft"
        self._store = scenario.store.kind if scenario is not None else "strong"
        self._eventual = EventualFold()
        self._seed: int | None = None
        self._start: float | None = None
        self._last = 0.0
        self._run_end: float | None = None
        self._messages = [0, 0, 0]  # sent, delivered, dropped
        self._recorded: list[Incident] = []
        self._skipped: list[SkippedStep] = []
        self._apps_seen = False
        self.events = 0
        """How many events were fed."""

    def feed(self, events: Iterable[Event]) -> None:
        """Take the next events of the run, in trace order."""
        if isinstance(events, EventLog):
            self.feed_log(events, 0, len(events))
        else:
            self._feed(events)

    def feed_log(self, log: EventLog, start: int, stop: int) -> None:
        """Take the events [start, stop) of a trace's log, in order.

        The same as feeding them one by one; the message and timer events between two others
        are only counted (no event is built) unless a check waits for time to move on or a
        server's request is being followed.
        """
        messages = self._messages
        monitors = self._monitors
        leadership = monitors.leadership
        times = log.times
        for low, high, event in log.runs(start, stop):
            if event is not None:
                self._feed((event,))
                continue
            if monitors.waiting:
                self._feed(log[low:high])
                continue
            sends, delivers = log.count_sends_delivers(low, high)
            asking = leadership.asking
            if asking and sends:
                for send in log.sends_from(low, high, asking):
                    leadership.observe_send(send)  # type: ignore[arg-type]
            messages[0] += sends
            messages[1] += delivers
            self.events += high - low
            if self._start is None:
                self._start = times[low]
            if times[high - 1] > self._last:
                self._last = times[high - 1]
        monitors.leadership.advance(self._last)

    def _feed(self, events: Iterable[Event]) -> None:
        monitors = self._monitors
        messages = self._messages
        last = self._last
        leadership = monitors.leadership
        asking = leadership.asking
        for event in events:
            self.events += 1
            t = event.t
            if self._start is None:
                self._start = t
            if t > last:
                last = t
            kind = event.kind
            if kind in _UNREAD_KINDS:
                # Most of a log: messages (only counted here) and election timers. No check
                # reads them, except that time moved on, which matters only to a check that
                # waits for it.
                counter = _MESSAGE_COUNTERS.get(kind)
                if counter is not None:
                    messages[counter] += 1
                    if counter == 0 and event.src in asking:  # type: ignore[attr-defined]
                        leadership.observe_send(event)  # type: ignore[arg-type]
                if monitors.waiting:
                    monitors.observe(event)
                continue
            if isinstance(event, RunStart):
                self._seed = event.seed
                self._preset = self._preset or event.preset
                self._protocol = event.protocol
                self._store = event.store
            elif isinstance(event, RunEnd):
                self._run_end = event.t
            elif isinstance(event, Violation):
                self._recorded.append(Incident(event.t, event.what, event.detail))
                continue
            elif isinstance(event, (AppRole, Work)):
                self._apps_seen = True
            elif isinstance(event, UserAction) and event.detail.startswith(SKIPPED_PREFIX):
                self._skipped.append(SkippedStep(event.t, event.action, event.target,
                                                 event.detail.removeprefix(SKIPPED_PREFIX)))
            elif kind.startswith("ec."):
                self._eventual.observe(event)
                continue
            monitors.observe(event)
            self._raft_leadership.observe(event)
        self._last = last
        monitors.leadership.advance(last)  # the time of the last event, messages included

    def summary(self, end: float | None = None) -> Summary:
        """The summary of the events fed so far (``end``: see ``summarize``)."""
        scenario = self._scenario
        last = self._last
        stop = end if end is not None else (self._run_end if self._run_end is not None
                                            else last)
        monitors = self._monitors
        if monitors.waiting:
            # An overlap began at the last instant; confirming it at ``stop`` is this answer's
            # business, not the fold's (the next event may confirm it at another time).
            monitors = copy.deepcopy(monitors)
            monitors.advance(stop)
        raft_leaders = self._raft_leadership.report(max(stop, last))
        begin = 0.0 if self._start is None else min(self._start, stop)
        raft = monitors.raft.report()
        leadership = monitors.leadership.report(stop)
        app_servers = tuple(scenario.app_ids) if scenario is not None else ()
        if not app_servers:
            app_servers = leadership.servers_seen
        has_apps = bool(app_servers) or self._apps_seen
        return Summary(
            preset=self._preset or "custom",
            seed=self._seed if self._seed is not None else (
                scenario.seed if scenario is not None else None),
            start=begin,
            end=leadership.end,
            leaders_per_term=raft.leaders_per_term,
            elections=raft.elections,
            max_term=raft.max_term,
            first_raft_leader_at=raft_leaders.first_leader_at,
            raft_failovers=raft_leaders.failovers,
            app_servers=app_servers,
            leader_time=tuple(leadership.leader_time().items()),
            working_time=leadership.working_time,
            availability=measure_availability(leadership, begin) if has_apps else None,
            failovers=leadership.failovers,
            overlaps=leadership.overlaps,
            charges=monitors.charges.report(),
            messages=MessageCounts(*self._messages),
            violations=_merge_violations(monitors.incidents, self._recorded),
            skipped=tuple(self._skipped),
            protocol=self._protocol,
            store=self._store,
            eventual=self._eventual.report() if self._store == "eventual" else None,
        )


def summarize(
    events: Iterable[Event], scenario: Scenario | None = None, end: float | None = None
) -> Summary:
    """Fold ``events`` into a Summary.

    ``scenario`` supplies the preset name, the app servers and the late-charge threshold; ``end``
    is when the run stopped (default: the run.end event, else the last event's time).
    """
    fold = SummaryFold(scenario)
    fold.feed(events)
    return fold.summary(end)


def _merge_violations(
    computed: tuple[Incident, ...], recorded: list[Incident]
) -> tuple[Incident, ...]:
    """Computed incidents plus recorded violations the checks here do not know about."""
    known = {(i.what, i.detail) for i in computed}
    extra = [i for i in recorded if (i.what, i.detail) not in known]
    merged = list(computed) + extra
    merged.sort(key=lambda i: i.t)
    return tuple(merged)


def _to_dict(s: Summary) -> dict[str, object]:
    charges = s.charges
    return {
        "preset": s.preset,
        "seed": s.seed,
        "start": s.start,
        "end": s.end,
        "duration": s.duration,
        "safe": s.safe,
        "protocol": s.protocol,
        "store": s.store,
        "eventual": None if s.eventual is None else s.eventual.to_dict(),
        "raft": {
            "elections": s.elections,
            "max_term": s.max_term,
            "first_leader_at": s.first_raft_leader_at,
            "leaderless": s.raft_leaderless,
            "failovers": [f.to_dict() for f in s.raft_failovers],
            "leaders_per_term": [
                {"term": term, "leaders": list(nodes)} for term, nodes in s.leaders_per_term
            ],
        },
        "app": {
            "servers": list(s.app_servers),
            "leader_time": {server: seconds for server, seconds in s.leader_time},
            "working_time": {server: seconds for server, seconds in s.working_time},
            "availability": None if s.availability is None else s.availability.to_dict(),
        },
        "failovers": [f.to_dict() for f in s.failovers],
        "overlaps": [o.to_dict() for o in s.overlaps],
        "charges": {
            "attempts": charges.attempts,
            "accepted": charges.accepted,
            "rejected": charges.rejected,
            "late": charges.late,
            "jobs_charged": charges.jobs_charged,
            "double_charges": len(charges.double_charges),
            "doubles": [d.to_dict() for d in charges.double_charges],
        },
        "messages": {
            "sent": s.messages.sent,
            "delivered": s.messages.delivered,
            "dropped": s.messages.dropped,
        },
        "violations": [v.to_dict() for v in s.violations],
        "skipped_steps": [step.to_dict() for step in s.skipped],
    }
