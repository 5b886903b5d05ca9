"""Raft safety from the trace: one leader per term, state machine safety, elections, terms."""

from simulator.checks import STATE_MACHINE_SAFETY, TWO_RAFT_LEADERS, check_raft
from simulator.trace.events import RaftApply, RaftRole


def test_two_leaders_in_one_term_are_detected() -> None:
    events = [
        RaftRole(1.0, "n1", "candidate", 2),
        RaftRole(1.1, "n1", "leader", 2),
        RaftRole(1.2, "n3", "candidate", 2),
        RaftRole(1.3, "n3", "leader", 2),
    ]
    report = check_raft(events)
    assert [i.what for i in report.incidents] == [TWO_RAFT_LEADERS]
    incident = report.incidents[0]
    assert incident.t == 1.3
    assert "term 2" in incident.detail and "n1" in incident.detail and "n3" in incident.detail
    assert report.leaders_per_term == ((2, ("n1", "n3")),)


def test_leaders_in_different_terms_are_safe() -> None:
    events = [
        RaftRole(1.0, "n1", "candidate", 1),
        RaftRole(1.1, "n1", "leader", 1),
        RaftRole(5.0, "n2", "precandidate", 1),
        RaftRole(5.2, "n2", "candidate", 2),
        RaftRole(5.3, "n2", "leader", 2),
        RaftRole(5.3, "n1", "follower", 2),
        RaftRole(6.0, "n2", "leader", 2),  # a repeated note for the same leader is not a second
    ]
    report = check_raft(events)
    assert report.incidents == ()
    assert report.leaders_per_term == ((1, ("n1",)), (2, ("n2",)))
    assert report.leader_changes == 2


def test_elections_count_terms_with_a_candidate_and_max_term_is_reached() -> None:
    events = [
        RaftRole(1.0, "n1", "candidate", 1),
        RaftRole(1.0, "n2", "candidate", 1),  # split vote: still one election in term 1
        RaftRole(2.0, "n3", "precandidate", 1),  # a pre-vote that fails is no election
        RaftRole(3.0, "n2", "candidate", 2),
        RaftRole(3.1, "n2", "leader", 2),
        RaftRole(4.0, "n5", "follower", 4),
    ]
    report = check_raft(events)
    assert report.elections == 2
    assert report.max_term == 4


def test_different_commands_applied_at_one_index_are_detected_once() -> None:
    events = [
        RaftApply(1.0, "n1", 3, 2, "put k=a"),
        RaftApply(1.1, "n2", 3, 2, "put k=a"),
        RaftApply(1.2, "n3", 3, 2, "put k=b"),
        RaftApply(1.3, "n4", 3, 2, "put k=c"),  # same index, same incident
        RaftApply(1.4, "n1", 4, 2, "noop"),
    ]
    report = check_raft(events)
    assert [i.what for i in report.incidents] == [STATE_MACHINE_SAFETY]
    detail = report.incidents[0].detail
    assert "index 3" in detail and "n1" in detail and "n3" in detail
    assert report.applied_index == 4


def test_same_command_from_another_term_at_one_index_is_a_violation() -> None:
    events = [RaftApply(1.0, "n1", 5, 2, "noop"), RaftApply(1.1, "n2", 5, 3, "noop")]
    assert [i.what for i in check_raft(events).incidents] == [STATE_MACHINE_SAFETY]


def test_reapplying_the_same_entry_after_a_restart_is_safe() -> None:
    events = [RaftApply(1.0, "n1", 1, 1, "noop"), RaftApply(9.0, "n1", 1, 1, "noop")]
    assert check_raft(events).incidents == ()
