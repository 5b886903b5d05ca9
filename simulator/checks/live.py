"""The live checker: watches a Trace and traces a ``violation`` as soon as a check fails."""

from __future__ import annotations

from simulator.checks.charges import DEFAULT_LATE_AFTER
from simulator.checks.incidents import Incident
from simulator.checks.monitors import SafetyMonitors
from simulator.trace.events import Event, Violation
from simulator.trace.recorder import Trace


class LiveChecker:
    """Subscribes to ``trace`` and emits one Violation event per incident into the same trace.

    Events already in the trace when the checker attaches are checked at once; an incident
    among them is emitted (at the trace's current end time, keeping time order) unless the
    trace already holds the same violation. The violation is
    emitted from inside the listener call, so it lands in the trace right after the event that
    revealed it, with the same time. An overlap of app leaders is an incident only once it
    lasts: while one waits to be confirmed the checker also hears events of every other kind,
    and the first at a later time confirms it.
    """

    def __init__(self, trace: Trace, late_after: float = DEFAULT_LATE_AFTER) -> None:
        self._trace = trace
        self.monitors = SafetyMonitors(late_after)
        recorded = {
            (e.what, e.detail) for e in trace.events if isinstance(e, Violation)
        }
        backlog: list[Incident] = []
        for event in list(trace.events):
            if not isinstance(event, Violation):
                backlog.extend(self.monitors.observe(event))
        self._attached = True
        self._hearing_all = False
        trace.subscribe(self._on_event, kinds=SafetyMonitors.KINDS)
        for incident in backlog:
            if (incident.what, incident.detail) not in recorded:
                late = max(incident.t, trace.end_time)
                trace.emit(Violation(late, incident.what, incident.detail))
        self._follow_time()

    def _on_event(self, event: Event) -> None:
        if isinstance(event, Violation):
            return
        for incident in self.monitors.observe(event):
            self._trace.emit(incident.to_event())
        self._follow_time()

    def _on_any(self, event: Event) -> None:
        """While a check waits for time to move on, every other event moves it."""
        if event.kind in SafetyMonitors.KINDS or isinstance(event, Violation):
            return
        for incident in self.monitors.advance(event.t):
            self._trace.emit(incident.to_event())
        self._follow_time()

    def _follow_time(self) -> None:
        """Listen to every kind only while a check waits (most of the time it does not)."""
        waiting = self.monitors.waiting and self._attached
        if waiting and not self._hearing_all:
            self._trace.subscribe(self._on_any)
            self._hearing_all = True
        elif not waiting and self._hearing_all:
            self._trace.unsubscribe(self._on_any)
            self._hearing_all = False

    @property
    def incidents(self) -> tuple[Incident, ...]:
        """Every incident found so far, oldest first."""
        return self.monitors.incidents

    def detach(self) -> None:
        """Stop watching the trace (idempotent)."""
        if self._attached:
            self._trace.unsubscribe(self._on_event)
            self._attached = False
            self._follow_time()
