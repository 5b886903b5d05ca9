"""Properties of the leadership fold on random histories: failovers add up to the time without a
working leader, stretches are ordered and disjoint, and the live checker agrees with the batch."""

from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.checks import LiveChecker, check_leadership, summarize
from simulator.trace import Trace
from simulator.trace.events import AppRole, Event, NodeCrash, NodePause, NodeResume, Violation

SERVERS = ("app1", "app2", "app3")
END = 100.0


@st.composite
def histories(draw: st.DrawFn) -> list[Event]:
    steps = draw(st.lists(
        st.tuples(st.floats(0.0, 5.0), st.sampled_from(("lead", "stop", "crash", "pause",
                                                         "resume")),
                  st.sampled_from(SERVERS)),
        max_size=40,
    ))
    t = 0.0
    events: list[Event] = []
    for gap, what, server in steps:
        t = min(END, t + round(gap, 2))
        if what == "lead":
            events.append(AppRole(t, server, True, len(events)))
        elif what == "stop":
            events.append(AppRole(t, server, False, None))
        elif what == "crash":
            events.append(NodeCrash(t, server))
        elif what == "pause":
            events.append(NodePause(t, server, 1.0))
        else:
            events.append(NodeResume(t, server))
    return events


def _time_without_worker(events: list[Event]) -> float:
    """The definition, computed plainly: time after the first leader with no unpaused believer.

    Every event of one instant is taken before judging (nothing lasts zero seconds).
    """
    believers: set[str] = set()
    paused: set[str] = set()
    started = False
    down = 0.0
    last = 0.0
    for i, event in enumerate([*events, None]):
        now = END if event is None else event.t
        if started and not (believers - paused):
            down += now - last
        last = now
        if isinstance(event, AppRole):
            (believers.add if event.leader else believers.discard)(event.server)
        elif isinstance(event, NodeCrash):
            believers.discard(event.node)
            paused.discard(event.node)
        elif isinstance(event, NodePause):
            paused.add(event.node)
        elif isinstance(event, NodeResume):
            paused.discard(event.node)
        instant_over = event is None or i + 1 == len(events) or events[i + 1].t > event.t
        if instant_over and believers - paused:
            started = True
    return down


@settings(max_examples=150, deadline=None)
@given(histories())
def test_failovers_add_up_to_the_time_without_a_working_leader(events: list[Event]) -> None:
    report = check_leadership(events, end=END)
    total = sum(f.duration for f in report.failovers)
    assert abs(total - _time_without_worker(events)) < 1e-6
    for before, after in zip(report.failovers, report.failovers[1:], strict=False):
        assert before.end < after.start or (before.end == after.start and before.duration > 0)
    for before, after in zip(report.overlaps, report.overlaps[1:], strict=False):
        assert before.end <= after.start
    assert all(f.duration > 0 and f.start >= (report.first_leader_at or 0) for f in
               report.failovers)
    availability = summarize(events, end=END).availability
    if any(isinstance(e, AppRole) for e in events):
        assert availability is not None and 0.0 <= availability.availability <= 1.0
        if report.first_leader_at is not None:
            assert abs(availability.downtime - total) < 1e-9
        else:
            assert availability.availability == 0.0


@settings(max_examples=100, deadline=None)
@given(histories())
def test_the_live_checker_reports_what_the_batch_check_finds(events: list[Event]) -> None:
    trace = Trace()
    LiveChecker(trace)
    for event in events:
        trace.emit(event)
    live = [(e.t, e.what, e.detail) for e in trace.events if isinstance(e, Violation)]
    report = check_leadership(events)  # no later end: only what the events themselves show
    assert live == [(i.t, i.what, i.detail) for i in report.incidents]
    assert len(live) == len(report.overlaps)
    assert all(o.duration > 0 for o in report.overlaps)
