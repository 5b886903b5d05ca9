"""App-level leadership: belief intervals, overlaps of believers, failovers after a loss."""

import pytest

from simulator.checks import APP_LEADER_OVERLAP, check_leadership
from simulator.trace.events import AppRole, NodeCrash, NodePause, NodeRestart, NodeResume


def test_a_paused_believer_overlaps_only_from_its_resume_until_it_steps_down() -> None:
    events = [
        AppRole(2.0, "app1", True, 5),
        NodePause(10.0, "app1", 20.0),
        AppRole(21.5, "app2", True, 9),  # app1 is frozen: it does not act
        NodeResume(30.0, "app1"),
        AppRole(31.25, "app1", False, None),
    ]
    report = check_leadership(events, end=60.0)
    assert len(report.overlaps) == 1
    overlap = report.overlaps[0]
    assert (overlap.start, overlap.end) == (30.0, 31.25)
    assert overlap.duration == pytest.approx(1.25)
    assert overlap.servers == ("app1", "app2")
    assert [i.what for i in report.incidents] == [APP_LEADER_OVERLAP]
    assert report.incidents[0].t == 31.25  # confirmed when time moved on
    assert "app1 and app2 both act as leader since 30.000 s" in report.incidents[0].detail


def test_a_paused_believer_that_steps_down_as_it_resumes_is_no_overlap() -> None:
    events = [
        AppRole(2.0, "app1", True, 5),
        NodePause(10.0, "app1", 20.0),
        AppRole(21.5, "app2", True, 9),
        NodeResume(30.0, "app1"),
        AppRole(30.0, "app1", False, None),  # it sees at once that its lease ran out
        AppRole(40.0, "app2", False, None),
    ]
    report = check_leadership(events, end=60.0)
    assert report.overlaps == () and report.incidents == ()


def test_three_believers_make_one_overlap_naming_all() -> None:
    events = [
        AppRole(1.0, "app1", True, 1),
        AppRole(2.0, "app2", True, 2),
        AppRole(3.0, "app3", True, 3),
        AppRole(4.0, "app1", False, None),
        AppRole(5.0, "app2", False, None),
    ]
    report = check_leadership(events, end=10.0)
    assert len(report.overlaps) == 1
    assert report.overlaps[0].servers == ("app1", "app2", "app3")
    assert report.overlaps[0].duration == pytest.approx(3.0)
    assert len(report.incidents) == 1


def test_an_overlap_still_open_at_the_end_runs_to_the_end() -> None:
    events = [AppRole(1.0, "app1", True, 1), AppRole(4.0, "app2", True, 2)]
    overlap = check_leadership(events, end=10.0).overlaps[0]
    assert overlap.ongoing and overlap.duration == pytest.approx(6.0)


def test_a_clean_handover_has_no_overlap() -> None:
    events = [
        AppRole(1.0, "app1", True, 1),
        AppRole(5.0, "app1", False, None),
        AppRole(5.2, "app2", True, 2),
    ]
    report = check_leadership(events, end=10.0)
    assert report.overlaps == () and report.incidents == ()


def test_failover_durations_after_crash_pause_and_stepdown() -> None:
    events = [
        AppRole(1.0, "app1", True, 1),
        NodeCrash(10.0, "app1"),  # crash: hand-over after the TTL
        AppRole(20.5, "app2", True, 2),
        AppRole(30.0, "app2", False, None),  # graceful step-down: fast hand-over
        AppRole(30.25, "app3", True, 3),
        NodePause(40.0, "app3", 2.0),  # a short pause: the same leader comes back
        NodeResume(42.0, "app3"),
        NodeRestart(45.0, "app1"),
    ]
    report = check_leadership(events, end=60.0)
    got = [(f.start, f.lost, f.cause, f.successor) for f in report.failovers]
    assert got == [
        (10.0, "app1", "crash", "app2"),
        (30.0, "app2", "stepdown", "app3"),
        (40.0, "app3", "pause", "app3"),
    ]
    assert [f.duration for f in report.failovers] == pytest.approx([10.5, 0.25, 2.0])
    assert report.first_leader_at == 1.0


def test_losing_one_of_two_believers_is_no_failover() -> None:
    events = [
        AppRole(1.0, "app1", True, 1),
        AppRole(2.0, "app2", True, 2),
        NodeCrash(3.0, "app1"),
    ]
    assert check_leadership(events, end=5.0).failovers == ()


def test_a_failover_without_successor_runs_to_the_end() -> None:
    events = [AppRole(1.0, "app1", True, 1), NodeCrash(4.0, "app1")]
    (failover,) = check_leadership(events, end=10.0).failovers
    assert not failover.finished and failover.successor is None
    assert failover.duration == pytest.approx(6.0)


def test_a_resumed_leader_that_steps_down_at_once_is_one_failover() -> None:
    events = [
        AppRole(1.0, "app1", True, 1),
        NodePause(5.0, "app1", 15.0),
        NodeResume(20.0, "app1"),
        AppRole(20.0, "app1", False, None),  # it notices its lease expired while paused
        AppRole(23.0, "app2", True, 2),
    ]
    (failover,) = check_leadership(events, end=30.0).failovers
    assert (failover.start, failover.end, failover.cause) == (5.0, 23.0, "pause")
    assert failover.successor == "app2"


def test_a_crash_ends_belief_and_a_paused_crash_keeps_the_pause_as_cause() -> None:
    events = [
        AppRole(1.0, "app1", True, 1),
        NodePause(5.0, "app1", 15.0),
        NodeCrash(7.0, "app1"),
        AppRole(12.0, "app2", True, 2),
    ]
    report = check_leadership(events, end=20.0)
    (failover,) = report.failovers
    assert (failover.start, failover.cause, failover.duration) == (5.0, "pause", 7.0)
    assert report.overlaps == ()
    assert report.leader_time() == {"app1": 6.0, "app2": 8.0}
