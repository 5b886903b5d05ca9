"""The recorder keeps events in order, finds them by time, and routes them to listeners."""

from __future__ import annotations

import pytest

from simulator.trace.events import Event, MsgDeliver, MsgSend, NodeCrash, RaftRole
from simulator.trace.recorder import Trace


def _events() -> list[Event]:
    return [
        RaftRole(0.0, "n1", "follower", 0),
        MsgSend(0.5, 1, "n1", "n2", "RequestVote", "Vote? t1"),
        MsgDeliver(0.5, 1),
        NodeCrash(1.0, "n2"),
        RaftRole(1.0, "n1", "leader", 1),
    ]


def test_index_at_counts_the_events_at_or_before_a_time() -> None:
    trace = Trace()
    assert trace.index_at(3.0) == 0 and trace.end_time == 0.0
    for event in _events():
        trace.emit(event)
    times = (-1.0, 0.0, 0.4, 0.5, 0.99, 1.0, 7.0)
    assert [trace.index_at(t) for t in times] == [0, 1, 1, 3, 3, 5, 5]
    assert list(trace.until(0.5)) == _events()[:3]
    assert trace.end_time == 1.0
    assert [e.kind for e in trace.of_kind("raft.role")] == ["raft.role", "raft.role"]


def test_listeners_get_the_kinds_they_asked_for_in_subscription_order() -> None:
    trace = Trace()
    heard: list[tuple[str, str]] = []
    trace.subscribe(lambda e: heard.append(("all", e.kind)))
    trace.subscribe(lambda e: heard.append(("roles", e.kind)), kinds=["raft.role", "node.crash"])
    for event in _events():
        trace.emit(event)
    assert heard == [
        ("all", "raft.role"), ("roles", "raft.role"),
        ("all", "msg.send"), ("all", "msg.deliver"),
        ("all", "node.crash"), ("roles", "node.crash"),
        ("all", "raft.role"), ("roles", "raft.role"),
    ]


def test_a_listener_may_emit_and_an_unsubscribed_one_hears_nothing_more() -> None:
    trace = Trace()
    seen: list[Event] = []

    def echo_crash(event: Event) -> None:
        if isinstance(event, RaftRole) and event.role == "leader":
            trace.emit(NodeCrash(event.t, event.node))

    trace.subscribe(echo_crash, kinds=["raft.role"])
    trace.subscribe(seen.append)
    trace.emit(RaftRole(1.0, "n1", "leader", 1))
    assert [e.kind for e in trace] == ["raft.role", "node.crash"]
    trace.unsubscribe(seen.append)
    trace.emit(MsgDeliver(2.0, 3))
    assert [e.kind for e in seen] == ["node.crash", "raft.role"]  # the nested emit came first
    with pytest.raises(ValueError, match="not subscribed"):
        trace.unsubscribe(seen.append)
