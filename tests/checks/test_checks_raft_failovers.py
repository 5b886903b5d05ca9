"""Time without a Raft leader: each loss of the leader, its cause, and the way back."""

import pytest

from simulator.checks import check_raft_leadership, summarize
from simulator.trace.events import (
    NetCut,
    NetHeal,
    NodeCrash,
    NodePause,
    NodeResume,
    RaftRole,
    RunEnd,
)


def test_losses_by_crash_stepdown_higher_term_and_pause() -> None:
    events = [
        RaftRole(0.2, "n1", "candidate", 1),
        RaftRole(0.3, "n1", "leader", 1),
        NodeCrash(10.0, "n1"),
        RaftRole(11.36, "n2", "leader", 2),
        RaftRole(20.0, "n2", "follower", 2),  # CheckQuorum: same term
        RaftRole(20.5, "n3", "leader", 3),
        RaftRole(30.0, "n3", "follower", 4),  # heard a higher term
        RaftRole(30.4, "n4", "leader", 4),
        NodePause(40.0, "n4", 1.0),
        NodeResume(41.0, "n4"),  # still the leader when it wakes
    ]
    report = check_raft_leadership(events, end=50.0)
    assert report.first_leader_at == 0.3
    got = [(f.start, f.lost, f.cause, f.successor) for f in report.failovers]
    assert got == [
        (10.0, "n1", "crash", "n2"), (20.0, "n2", "stepdown", "n3"),
        (30.0, "n3", "higher term", "n4"), (40.0, "n4", "pause", "n4"),
    ]
    assert report.leaderless == pytest.approx(1.36 + 0.5 + 0.4 + 1.0)


def test_a_new_leader_in_a_higher_term_beside_a_stale_one_is_no_loss() -> None:
    events = [
        RaftRole(0.3, "n1", "leader", 1),  # soon cut off in a minority
        RaftRole(9.0, "n2", "leader", 2),
        RaftRole(9.5, "n1", "follower", 2),
    ]
    assert check_raft_leadership(events, end=20.0).failovers == ()


def test_the_summary_reports_raft_failovers_in_text_and_json() -> None:
    events = [
        RaftRole(0.3, "n1", "leader", 1), NodeCrash(10.0, "n1"),
        RaftRole(11.36, "n2", "leader", 2), NodeCrash(15.0, "n2"), RunEnd(20.0),
    ]
    s = summarize(events)
    data = s.to_dict()["raft"]
    assert data["first_leader_at"] == 0.3
    assert data["leaderless"] == pytest.approx(1.36 + 5.0)
    assert [(f["lost"], f["cause"], f["successor"], f["finished"]) for f in data["failovers"]] \
        == [("n1", "crash", "n2", True), ("n2", "crash", None, False)]
    text = s.to_text()
    assert "leader lost 2 times: 6.360 s without a Raft leader" in text
    assert "n1 crashed, -> n2 after 1.360 s" in text


FIVE = ("n1", "n2", "n3", "n4", "n5")


def _cut_between(t: float, side: tuple[str, ...], rest: tuple[str, ...]) -> list[NetCut]:
    return [NetCut(t, a, b) for a in side for b in rest] + [NetCut(t, b, a) for a in side
                                                            for b in rest]


def test_a_leader_cut_off_from_a_majority_is_lost_at_the_cut_even_if_it_still_believes() -> None:
    split = _cut_between(8.0, ("n1", "n2"), ("n3", "n4", "n5"))
    events = [
        RaftRole(0.3, "n1", "leader", 1),
        *split,
        RaftRole(9.2, "n3", "leader", 2),  # the majority elects; n1 (no CheckQuorum) still leads
        *[NetHeal(20.0, cut.src, cut.dst) for cut in split],
        RaftRole(20.01, "n1", "follower", 2),
    ]
    report = check_raft_leadership(events, end=30.0, members=FIVE)
    assert [(f.start, f.end, f.lost, f.cause, f.successor) for f in report.failovers] == [
        (8.0, 9.2, "n1", "minority", "n3")]
    assert check_raft_leadership(events, end=30.0).failovers == ()  # no members: no rule


def test_a_leader_keeps_working_with_a_majority_and_stops_when_followers_go_down() -> None:
    events = [
        RaftRole(0.3, "n1", "leader", 1),
        *_cut_between(5.0, ("n5",), ("n1", "n2", "n3", "n4")),  # a minority cut away: no loss
        NodeCrash(6.0, "n2"),
        NodePause(7.0, "n3", 2.0),  # n1 now reaches itself and n4: 2 of 5
        NodeResume(9.0, "n3"),
    ]
    report = check_raft_leadership(events, end=30.0, members=FIVE)
    assert [(f.start, f.end, f.lost, f.cause, f.successor) for f in report.failovers] == [
        (7.0, 9.0, "n1", "minority", "n1")]
