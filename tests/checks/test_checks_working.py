"""A working app leader must reach the store: failovers when the leader is cut off, and the
requests and watch events a hand-over wakes."""

import pytest

from simulator.checks import check_leadership, measure_availability, server_of, summarize
from simulator.trace.events import (
    AppRole,
    KvComplete,
    KvInvoke,
    MsgSend,
    NodeCrash,
    NodeRestart,
    RaftRole,
    RunEnd,
    WatchEvent,
)


def _op(client: str, op_id: int, asked: float, answered: float, ok: bool,
        op: str = "get") -> list[KvInvoke | KvComplete]:
    return [KvInvoke(asked, client, op_id, op, "/k", None),
            KvComplete(answered, client, op_id, ok)]


def _in_time_order(*groups: list) -> list:
    events = [event for group in groups for event in group]
    return sorted(events, key=lambda e: e.t)


def test_client_and_owner_ids_name_their_server() -> None:
    assert server_of("app1") == "app1"
    assert server_of("app1.1") == "app1"
    assert server_of("app12.3") == "app12"
    assert server_of("app1/session") == "app1"
    assert server_of("app1.1/session") == "app1"


def test_a_leader_cut_off_from_the_store_is_not_working() -> None:
    events = _in_time_order(
        [AppRole(3.0, "app1", True, 1)],
        _op("app1", 1, 10.0, 10.01, True),
        _op("app1", 2, 33.7, 44.7, False),  # asked at 33.7, gave up at 44.7
        [AppRole(39.7, "app1", False, 1), AppRole(40.0, "app3", True, 10)],
        _op("app1", 3, 51.7, 51.8, True),
    )
    report = check_leadership(events, end=70.0)
    [failover] = report.failovers
    assert (failover.start, failover.end) == (33.7, 40.0)
    assert (failover.lost, failover.cause, failover.successor) == ("app1", "cut-off", "app3")
    result = measure_availability(report)
    assert result.downtime == pytest.approx(6.3)
    assert result.availability == pytest.approx(1 - 6.3 / 67.0)
    assert report.overlaps == ()
    worked = dict(report.working_time)
    assert worked == pytest.approx({"app1": 30.7, "app3": 30.0})
    assert report.leader_time()["app1"] == pytest.approx(36.7)  # it believed longer
    assert sum(worked.values()) + result.downtime == pytest.approx(result.window)


def test_an_answer_ends_the_cut_off_and_a_restarted_client_counts_for_its_server() -> None:
    events = _in_time_order(
        [AppRole(1.0, "app1", True, 1), NodeCrash(5.0, "app1"), NodeRestart(6.0, "app1"),
         AppRole(7.0, "app1", True, 2)],
        _op("app1.1", 1, 10.0, 21.0, False),
        _op("app1.1", 2, 14.0, 14.5, True),  # the store answered again at 14.5
    )
    report = check_leadership(events, end=30.0)
    assert [(f.start, f.end, f.cause) for f in report.failovers] == [
        (5.0, 7.0, "crash"), (10.0, 14.5, "cut-off"),
    ]


def test_failed_requests_of_a_follower_cost_no_availability() -> None:
    events = _in_time_order(
        [AppRole(1.0, "app1", True, 1)],
        _op("app2", 1, 10.0, 21.0, False),
    )
    assert check_leadership(events, end=30.0).failovers == ()


def test_a_hand_over_counts_the_requests_and_watch_events_until_it_settles() -> None:
    events = _in_time_order(
        [AppRole(1.0, "app1", True, 1)],
        _op("app2", 1, 5.0, 5.1, True, "lease_keepalive"),  # before the loss: not counted
        [AppRole(30.0, "app1", False, 1)],
        _op("app1", 2, 30.0, 30.01, True, "lease_revoke"),
        [WatchEvent(30.02, "app2", "/k", "delete", 9), WatchEvent(30.02, "app3", "/k",
                                                                  "delete", 9)],
        _op("app2", 2, 30.02, 30.03, True, "txn"),
        _op("app3", 2, 30.02, 30.05, True, "txn"),  # the loser's answer comes later
        [AppRole(30.03, "app2", True, 2)],
        _op("app3", 3, 30.05, 30.06, True, "watch"),  # and it watches again
        _op("app2", 3, 31.0, 31.01, True, "get"),  # the new leader's work: after it settled
    )
    [failover] = check_leadership(events, end=40.0).failovers
    assert (failover.start, failover.end, failover.settled) == (30.0, 30.03, 30.06)
    assert (failover.requests, failover.watch_events) == (4, 2)
    data = summarize([*events, RunEnd(40.0)]).to_dict()
    assert data["failovers"][0]["requests"] == 4
    assert data["failovers"][0]["watch_events"] == 2


def test_an_answer_later_than_the_request_timeout_means_the_store_was_out_of_reach() -> None:
    events = _in_time_order(
        [AppRole(3.0, "app1", True, 1)],
        _op("app1", 1, 30.4, 31.45, True),  # first try unanswered, answered after a retry
        _op("app1", 2, 40.0, 40.9, True),  # slow, but within the 1 s timeout
    )
    [stall] = check_leadership(events, end=60.0).failovers
    assert (stall.start, stall.end, stall.cause, stall.successor) == (
        30.4, 31.45, "cut-off", "app1")
    patient = check_leadership(events, end=60.0, answer_within=2.0)
    assert patient.failovers == ()


def test_a_request_never_answered_marks_the_leader_cut_off_from_its_asking() -> None:
    events = _in_time_order(
        [AppRole(3.0, "app1", True, 1)],
        [KvInvoke(33.07, "app1", 1, "lease_keepalive", None, "1")],  # abandoned at step-down
        [AppRole(39.7, "app1", False, 1), AppRole(40.1, "app3", True, 10)],
    )
    [failover] = check_leadership(events, end=70.0).failovers
    assert (failover.start, failover.end, failover.lost, failover.cause) == (
        33.07, 40.1, "app1", "cut-off")


def test_a_request_still_young_when_the_run_ends_does_not_count() -> None:
    events = _in_time_order(
        [AppRole(3.0, "app1", True, 1)],
        [KvInvoke(59.5, "app1", 1, "get", "/payments/", None)],
    )
    assert check_leadership(events, end=60.0).failovers == ()
    [open_stall] = check_leadership(events, end=61.0).failovers
    assert (open_stall.start, open_stall.finished) == (59.5, False)


def test_a_stall_on_a_crashed_store_member_names_it() -> None:
    """raft-leader-under-app: the request went to the store's crashed Raft leader, so the
    summary says so instead of "cut off from the store"."""
    def asked(t: float, op_id: int, member: str, answered: float) -> list:
        return [KvInvoke(t, "app1.1", op_id, "get", "/k", None),
                MsgSend(t, 100 + op_id, "app1", member, "StoreRequest", "get"),
                KvComplete(answered, "app1.1", op_id, True)]

    prologue = [RaftRole(1.0, "n4", "leader", 1), AppRole(3.0, "app1", True, 1)]
    crash_leader = [NodeCrash(30.0, "n4"), RaftRole(31.4, "n2", "leader", 2)]
    events = _in_time_order(prologue, crash_leader, asked(33.07, 1, "n4", 34.08))
    [stall] = summarize(events, end=60.0).failovers
    assert (stall.start, stall.cause, stall.member, stall.successor) == (
        33.07, "store-leader-crash", "n4", "app1")
    assert "Raft leader n4 crashed" in summarize(events, end=60.0).to_text()

    follower_down = [NodeCrash(30.0, "n3")]
    events = _in_time_order(prologue, follower_down, asked(33.07, 1, "n3", 34.08))
    [stall] = summarize(events, end=60.0).failovers
    assert (stall.cause, stall.member) == ("store-member-crash", "n3")

    alive = _in_time_order(prologue, follower_down, asked(33.07, 1, "n5", 34.08))
    [stall] = summarize(alive, end=60.0).failovers
    assert (stall.cause, stall.member) == ("cut-off", None)
    restarted = _in_time_order(prologue, follower_down, [NodeRestart(32.0, "n3")],
                               asked(33.07, 1, "n3", 34.08))
    assert summarize(restarted, end=60.0).failovers[0].cause == "cut-off"
