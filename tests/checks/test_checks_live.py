"""The live checker emits exactly one violation per incident into the trace it watches."""

from simulator.checks import (
    APP_LEADER_OVERLAP,
    DOUBLE_CHARGE,
    STATE_MACHINE_SAFETY,
    TWO_RAFT_LEADERS,
    LiveChecker,
)
from simulator.trace import Trace
from simulator.trace.events import (
    AppRole,
    MsgSend,
    NodePause,
    NodeResume,
    RaftApply,
    RaftRole,
    Violation,
    Work,
)


def _violations(trace: Trace) -> list[Violation]:
    return [e for e in trace.events if isinstance(e, Violation)]


def test_one_violation_per_incident_right_after_its_cause() -> None:
    trace = Trace()
    LiveChecker(trace)
    trace.emit(RaftRole(1.0, "n1", "leader", 3))
    trace.emit(RaftRole(1.5, "n2", "leader", 3))
    trace.emit(RaftRole(1.6, "n3", "leader", 3))  # still the same incident: term 3
    trace.emit(RaftApply(2.0, "n1", 1, 3, "put a"))
    trace.emit(RaftApply(2.1, "n2", 1, 3, "put b"))
    trace.emit(RaftApply(2.2, "n3", 1, 3, "put c"))  # same index, same incident
    trace.emit(AppRole(3.0, "app1", True, 1))
    trace.emit(AppRole(4.0, "app2", True, 2))
    trace.emit(AppRole(4.5, "app3", True, 3))  # joins the running overlap
    trace.emit(Work(5.0, "app1", "c01/m0", 1, True, False))
    trace.emit(Work(5.5, "app2", "c01/m0", 2, True, True))
    trace.emit(AppRole(6.0, "app1", False, None))
    trace.emit(AppRole(6.0, "app2", False, None))
    trace.emit(AppRole(7.0, "app1", True, 4))  # a second, separate overlap
    trace.emit(AppRole(8.0, "app3", False, None))  # it lasted: reported as time moves on
    found = _violations(trace)
    assert [v.what for v in found] == [
        TWO_RAFT_LEADERS, STATE_MACHINE_SAFETY, APP_LEADER_OVERLAP, DOUBLE_CHARGE,
        APP_LEADER_OVERLAP,
    ]
    events = list(trace.events)
    for violation in found:
        cause = events[events.index(violation) - 1]
        assert cause.t == violation.t and not isinstance(cause, Violation)
    assert "term 3" in found[0].detail
    assert "index 1" in found[1].detail
    assert "c01/m0" in found[3].detail


def test_a_safe_run_gets_no_violation() -> None:
    trace = Trace()
    checker = LiveChecker(trace)
    trace.emit(RaftRole(1.0, "n1", "leader", 1))
    trace.emit(RaftRole(5.0, "n2", "leader", 2))
    trace.emit(RaftApply(5.1, "n2", 1, 2, "noop"))
    trace.emit(RaftApply(5.2, "n1", 1, 2, "noop"))
    trace.emit(AppRole(6.0, "app1", True, 7))
    trace.emit(Work(7.0, "app1", "c01/m0", 7, True, False))
    assert _violations(trace) == [] and checker.incidents == ()


def test_attaching_late_reports_past_incidents_once_and_detach_stops() -> None:
    trace = Trace()
    trace.emit(RaftRole(1.0, "n1", "leader", 1))
    trace.emit(RaftRole(2.0, "n2", "leader", 1))
    checker = LiveChecker(trace)
    assert [v.what for v in _violations(trace)] == [TWO_RAFT_LEADERS]
    LiveChecker(trace).detach()  # a second checker sees it is already recorded
    assert len(_violations(trace)) == 1
    checker.detach()
    trace.emit(RaftRole(3.0, "n3", "leader", 2))
    trace.emit(RaftRole(3.1, "n4", "leader", 2))
    assert len(_violations(trace)) == 1


def test_an_overlap_is_reported_by_the_next_later_event_of_any_kind() -> None:
    trace = Trace()
    LiveChecker(trace)
    trace.emit(AppRole(1.0, "app1", True, 1))
    trace.emit(AppRole(2.0, "app2", True, 2))
    trace.emit(MsgSend(2.0, 1, "app2", "n1", "Get", "get"))  # same instant: not yet
    assert _violations(trace) == []
    trace.emit(MsgSend(2.5, 2, "app2", "n1", "Get", "get"))
    [found] = _violations(trace)
    assert (found.t, found.what) == (2.5, APP_LEADER_OVERLAP)
    assert "since 2.000 s" in found.detail
    trace.emit(MsgSend(3.0, 3, "app2", "n1", "Get", "get"))
    assert len(_violations(trace)) == 1


def test_a_paused_believer_that_steps_down_on_resume_is_not_an_overlap() -> None:
    trace = Trace()
    LiveChecker(trace)
    trace.emit(AppRole(1.0, "app1", True, 1))
    trace.emit(NodePause(5.0, "app1", 10.0))
    trace.emit(AppRole(9.0, "app2", True, 2))  # app1 is frozen, not acting
    trace.emit(MsgSend(9.5, 1, "app2", "n1", "Get", "get"))
    trace.emit(NodeResume(15.0, "app1"))
    trace.emit(AppRole(15.0, "app1", False, None))
    trace.emit(MsgSend(15.5, 2, "app2", "n1", "Get", "get"))
    assert _violations(trace) == []
