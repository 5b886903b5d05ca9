"""The projection folds a trace into the world at any time, forward or after seeking back."""

from __future__ import annotations

import random

import pytest

from simulator.projection import Projector
from simulator.projection.fold import FoldState
from simulator.trace.events import (
    AppRole,
    Caption,
    LeaseGrant,
    LeaseRenew,
    LeaseRevoke,
    MsgDeliver,
    MsgDrop,
    MsgSend,
    NetCut,
    NetHeal,
    NodeCrash,
    NodePause,
    NodeRestart,
    NodeResume,
    RaftAppend,
    RaftCommit,
    RaftRole,
    RaftTimer,
    RaftVote,
    Violation,
    Work,
)
from simulator.trace.recorder import Trace

NODES = ("n1", "n2", "n3")


def trace_of(*events) -> Trace:
    trace = Trace()
    for event in events:
        trace.emit(event)
    return trace


def election_trace() -> Trace:
    """n1 leads term 1, crashes at 5; n2 times out, wins term 2; n1 restarts as a follower."""
    return trace_of(
        RaftTimer(0.0, "n1", 1.2), RaftTimer(0.0, "n2", 1.7), RaftTimer(0.0, "n3", 1.9),
        RaftRole(1.2, "n1", "candidate", 1),
        RaftVote(1.21, "n2", "n1", 1, False),
        RaftRole(1.25, "n1", "leader", 1),
        RaftAppend(1.25, "n1", 1, 1, 1),
        RaftCommit(1.3, "n1", 1),
        NodeCrash(5.0, "n1"),
        RaftRole(6.1, "n2", "candidate", 2),
        RaftRole(6.2, "n2", "leader", 2),
        NodeRestart(8.0, "n1"),
        RaftRole(8.0, "n1", "follower", 2),
    )


def test_roles_terms_and_leader_follow_the_trace() -> None:
    projector = Projector(election_trace(), raft_ids=NODES)
    before = projector.world_at(1.0)
    assert [v.role for v in before.raft] == ["follower"] * 3
    assert before.leader is None
    assert before.raft_node("n1").timer_deadline == 1.2

    leading = projector.world_at(2.0)
    assert leading.leader.id == "n1"
    assert leading.leader.term == 1
    assert leading.raft_node("n1").timer_deadline is None
    assert leading.raft_node("n1").commit_index == 1
    assert leading.raft_node("n1").log_length == 1
    assert leading.raft_node("n2").voted_for == "n1"

    crashed = projector.world_at(5.5)
    assert crashed.raft_node("n1").crashed
    assert crashed.leader is None, "a crashed leader does not lead"

    after = projector.world_at(7.0)
    assert after.leader.id == "n2" and after.term == 2

    restarted = projector.world_at(9.0)
    n1 = restarted.raft_node("n1")
    assert not n1.crashed and n1.role == "follower" and n1.term == 2


def test_seeking_back_and_forth_gives_the_same_world_as_a_fresh_fold() -> None:
    rng = random.Random(7)
    events = []
    t = 0.0
    for i in range(3000):
        t += rng.random() * 0.01
        node = rng.choice(NODES)
        choice = rng.random()
        if choice < 0.3:
            events.append(MsgSend(t, i, node, rng.choice(NODES), "AppendEntries", "HB t1"))
        elif choice < 0.55 and i > 0:
            events.append(MsgDeliver(t, rng.randrange(i)))
        elif choice < 0.7:
            events.append(RaftRole(t, node, rng.choice(["follower", "candidate", "leader"]),
                                   i // 100))
        elif choice < 0.8:
            events.append(NetCut(t, node, rng.choice(NODES)))
        elif choice < 0.9:
            events.append(NetHeal(t, node, rng.choice(NODES)))
        else:
            events.append(RaftTimer(t, node, t + 1.0))
    trace = trace_of(*events)
    projector = Projector(trace, raft_ids=NODES, checkpoint_every=64)
    times = [rng.uniform(0, t) for _ in range(40)]
    for when in times:
        fresh = Projector(trace, raft_ids=NODES, checkpoint_every=10**6)
        assert projector.world_at(when) == fresh.world_at(when)
    assert projector.checkpoint_count() > 10


def test_a_growing_trace_is_folded_incrementally() -> None:
    trace = Trace()
    projector = Projector(trace, raft_ids=NODES, checkpoint_every=4)
    for step in range(20):
        trace.emit(RaftRole(float(step), "n1", "candidate", step))
        world = projector.world_at(float(step))
        assert world.raft_node("n1").term == step
        assert world.event_index == step + 1
    assert projector.world_at(3.5).raft_node("n1").term == 3


def test_messages_in_flight_know_how_they_end() -> None:
    trace = trace_of(
        MsgSend(1.0, 1, "n1", "n2", "AppendEntries", "HB t1"),
        MsgSend(1.0, 2, "n1", "n3", "AppendEntries", "HB t1"),
        MsgDeliver(1.004, 1),
        MsgDrop(1.01, 2, "cut"),
    )
    projector = Projector(trace, raft_ids=NODES)
    world = projector.world_at(1.002)
    assert [(f.id, f.fate, f.ends) for f in world.flights] == [
        (1, "deliver", 1.004), (2, "drop", 1.01)]
    assert world.flights[0].progress(1.002, 0.003) == pytest.approx(0.5)
    assert world.flights[1].reason == "cut"
    assert [f.id for f in projector.world_at(1.005).flights] == [2]
    assert projector.world_at(1.02).flights == ()


def test_a_message_without_a_known_end_is_placed_by_the_expected_latency() -> None:
    trace = trace_of(MsgSend(2.0, 9, "n2", "n3", "RequestVote", "Vote? t3"))
    flight = Projector(trace, raft_ids=NODES).world_at(2.001).flights[0]
    assert flight.ends is None
    assert flight.progress(2.001, 0.004) == pytest.approx(0.25)
    assert flight.progress(2.5, 0.004) == pytest.approx(0.95)


def test_cuts_heal_pause_and_resume() -> None:
    trace = trace_of(
        NetCut(1.0, "n1", "n2"), NetCut(1.0, "n2", "n1"),
        NodePause(2.0, "n3", 4.0),
        NetHeal(3.0, "n1", "n2"),
        NodeResume(6.0, "n3"),
    )
    projector = Projector(trace, raft_ids=NODES)
    world = projector.world_at(2.5)
    assert world.cuts == {("n1", "n2"), ("n2", "n1")}
    assert world.raft_node("n3").paused and world.raft_node("n3").paused_until == 6.0
    later = projector.world_at(6.5)
    assert later.cuts == {("n2", "n1")}
    assert not later.raft_node("n3").paused


def test_app_servers_show_belief_token_and_lease_countdown() -> None:
    trace = trace_of(
        LeaseGrant(1.0, 7, 10.0, "app1"),
        AppRole(1.1, "app1", True, 5),
        LeaseRenew(4.0, 7, "n1", 14.0),
        Work(5.0, "app1", "contract-3", 5, True, False),
        Work(6.0, "app2", "contract-3", 4, True, True),
        Violation(6.0, "double-charge", "contract-3 charged by app1 and app2"),
        NodeCrash(7.0, "app1"),
        LeaseRevoke(14.0, 7, "expired"),
        Caption(14.5, "The lease expired: app2 can take over."),
    )
    projector = Projector(trace, raft_ids=NODES, app_ids=("app1", "app2"), with_provider=True)
    world = projector.world_at(5.0)
    app1 = world.app("app1")
    assert app1.leader and app1.token == 5 and app1.since == 1.1
    assert app1.lease.id == 7 and app1.lease.remaining(5.0) == pytest.approx(9.0)
    assert world.provider.accepted == 1 and world.provider.highest_token == 5

    doubled = projector.world_at(6.5)
    assert doubled.provider.duplicates == 1
    assert [v.what for v in doubled.recent_violations(2.0)] == ["double-charge"]
    assert doubled.recent_violations(0.1) == ()

    crashed = projector.world_at(8.0).app("app1")
    assert crashed.crashed and not crashed.leader
    assert crashed.lease is not None, "a crash leaves the lease until its TTL runs out"

    expired = projector.world_at(15.0)
    assert expired.app("app1").lease is None
    assert expired.caption.text.startswith("The lease expired")


def test_copies_of_the_fold_state_are_independent() -> None:
    state = FoldState(NODES)
    state.apply(NetCut(1.0, "n1", "n2"))
    copy = state.copy()
    state.apply(NetHeal(2.0, "n1", "n2"))
    assert copy.world(1.0, {}).cuts == {("n1", "n2")}
    assert state.world(2.0, {}).cuts == frozenset()


def test_nodes_are_ordered_naturally_and_discovered_from_events() -> None:
    trace = trace_of(RaftRole(0.5, "n10", "follower", 1), RaftRole(0.6, "n2", "follower", 1))
    world = Projector(trace, raft_ids=("n1",)).world_at(1.0)
    assert [v.id for v in world.raft] == ["n1", "n2", "n10"]


def test_app_servers_show_the_store_members_they_talk_to_now() -> None:
    trace = trace_of(
        MsgSend(1.0, 1, "app1", "n2", "StoreRequest", "txn"),
        MsgSend(1.5, 2, "app1", "provider", "Charge", "c1"),
        MsgSend(2.0, 3, "app1", "n10", "WatchRequest", "watch"),
        MsgSend(2.5, 4, "app1", "n2", "KeepAlive", "lease 1"),
    )
    projector = Projector(trace, raft_ids=("n2", "n10"), app_ids=("app1",), with_provider=True)
    assert projector.world_at(1.2).app("app1").contacts == ("n2",)
    assert projector.world_at(3.0).app("app1").contacts == ("n2", "n10")
    assert projector.world_at(12.2).app("app1").contacts == ("n2",), "n10 is 10 s quiet"
    assert projector.world_at(13.0).app("app1").contacts == ()
