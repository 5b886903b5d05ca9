"""The timeline's lane model reflects the trace: roles, leadership, leases, faults and marks."""

from __future__ import annotations

import pytest

from simulator.trace import events as ev
from tests.ui.test_timeline_stories import (
    CRASH_AT,
    END,
    FIRST_LEADER_AT,
    LAST_RENEW_EXPIRY,
    NEW_LEADER_AT,
    REVOKE_AT,
    TAKEOVER_AT,
    leader_crash_story,
    story_scenario,
)
from ui.timeline.downsample import reduce_spans
from ui.timeline.model import EVENTS_LANE, Span, TimelineModel


@pytest.fixture
def model() -> TimelineModel:
    return TimelineModel.from_scenario(story_scenario(), leader_crash_story())


def test_new_leader_lane_shows_leadership_from_its_election(model: TimelineModel) -> None:
    leading = model.span_at("n1", "role", 20.0)
    assert leading is not None
    assert leading.state == "leader"
    assert leading.label == "2"
    assert leading.start == pytest.approx(NEW_LEADER_AT)
    assert leading.end == pytest.approx(END)
    before = model.span_at("n1", "role", NEW_LEADER_AT - 0.5)
    assert before is not None and before.state == "follower"


def test_crashed_leader_has_no_role_while_crashed(model: TimelineModel) -> None:
    old = model.span_at("n3", "role", 5.0)
    assert old is not None and old.state == "leader" and old.label == "1"
    assert old.start == pytest.approx(FIRST_LEADER_AT)
    assert old.end == pytest.approx(CRASH_AT)
    assert model.span_at("n3", "role", 15.0) is None
    crash = model.span_at("n3", "crash", 15.0)
    assert crash is not None and crash.start == pytest.approx(CRASH_AT)


def test_elections_are_marked_on_the_candidates_lanes(model: TimelineModel) -> None:
    elected = [(m.t, m.lane) for m in model.marks("elected")]
    assert elected == [(FIRST_LEADER_AT, "n3"), (NEW_LEADER_AT, "n1")]
    started = [(m.t, m.lane) for m in model.marks("election")]
    assert started == [(1.21, "n3"), (11.31, "n1")]


def test_lease_expiry_and_hand_over_are_marked(model: TimelineModel) -> None:
    lease = model.spans("app1", "lease")
    assert [(s.state, s.start, s.end) for s in lease] == [
        ("lease", 2.0, LAST_RENEW_EXPIRY),
        ("lease-lapsed", LAST_RENEW_EXPIRY, REVOKE_AT),
    ]
    expired = model.marks("lease-expired")
    assert [(m.t, m.lane) for m in expired] == [(REVOKE_AT, "app1")]
    takeover = model.marks("app-leader")
    assert [(m.t, m.lane) for m in takeover] == [(2.05, "app1"), (TAKEOVER_AT, "app2")]
    assert "from app1" in takeover[1].text and "token 13" in takeover[1].text
    watchers = sorted(m.lane for m in model.marks("watch"))
    assert watchers == ["app2", "app3"]


def test_app_leadership_follows_app_role_and_crash(model: TimelineModel) -> None:
    first = model.spans("app1", "leads")
    assert [(s.start, s.end, s.label) for s in first] == [(2.05, CRASH_AT, "token 5")]
    second = model.span_at("app2", "leads", 25.0)
    assert second is not None and second.state == "app-leader"
    assert second.start == pytest.approx(TAKEOVER_AT) and second.label == "token 13"
    assert model.span_at("app3", "leads", 25.0) is None


def test_open_lease_lapses_at_its_deadline_until_revoked() -> None:
    model = TimelineModel(("n1",), ("app1",))
    model.extend([
        ev.LeaseGrant(1.0, 3, 5.0, "app1"),
        ev.LeaseRenew(2.0, 3, "n1", 7.0),
        ev.RunEnd(9.0),
    ])
    assert [(s.state, s.start, s.end) for s in model.spans("app1", "lease")] == [
        ("lease", 1.0, 7.0), ("lease-lapsed", 7.0, 9.0)
    ]
    model.append(ev.LeaseRevoke(9.5, 3, "expired"))
    assert [(s.state, s.end) for s in model.spans("app1", "lease")] == [
        ("lease", 7.0), ("lease-lapsed", 9.5)
    ]


def test_self_revoked_lease_is_marked_as_revoked_not_expired() -> None:
    model = TimelineModel((), ("app1",))
    model.extend([
        ev.LeaseGrant(1.0, 3, 10.0, "app1/session"),
        ev.AppRole(1.1, "app1", True, 4),
        ev.AppRole(3.0, "app1", False, None),
        ev.LeaseRevoke(3.1, 3, "revoked"),
    ])
    assert [(s.state, s.start, s.end) for s in model.spans("app1", "lease")] == [
        ("lease", 1.0, 3.1)
    ]
    assert [(m.t, m.lane) for m in model.marks("lease-revoked")] == [(3.1, "app1")]
    assert model.marks("lease-expired") == []


def test_partition_pause_and_restart_are_shaded() -> None:
    model = TimelineModel(("n1", "n2", "n3"))
    model.extend([ev.RaftRole(0.0, n, "follower", 1) for n in ("n1", "n2", "n3")])
    for src, dst in (("n1", "n2"), ("n2", "n1"), ("n1", "n3"), ("n3", "n1")):
        model.append(ev.NetCut(2.0, src, dst))
    model.append(ev.NodePause(3.0, "n2", 1.5))
    model.append(ev.NodeResume(4.5, "n2"))
    model.append(ev.NodeCrash(5.0, "n3"))
    model.append(ev.NodeRestart(6.0, "n3"))
    for src, dst in (("n1", "n2"), ("n2", "n1"), ("n1", "n3"), ("n3", "n1")):
        model.append(ev.NetHeal(7.0, src, dst))
    model.append(ev.RunEnd(8.0))
    cut = model.spans("n1", "cut")
    assert [(s.start, s.end, s.label) for s in cut] == [(2.0, 7.0, "cut from n2, n3")]
    assert [(s.start, s.end) for s in model.spans("n2", "pause")] == [(3.0, 4.5)]
    restarted = model.span_at("n3", "role", 7.0)
    assert restarted is not None and restarted.state == "follower" and restarted.start == 6.0
    assert model.span_at("n3", "role", 5.5) is None


def test_charges_and_violations_get_their_own_marks() -> None:
    model = TimelineModel((), ("app1", "app2"))
    model.extend([
        ev.Work(1.0, "app1", "c1", 4, True, False),
        ev.Work(2.0, "app2", "c1", 3, True, True),
        ev.Work(2.1, "app2", "c2", 3, False, False),
        ev.Violation(2.0, "double-charge", "c1 charged twice"),
        ev.Caption(0.5, "watch the charges"),
    ])
    assert [m.lane for m in model.marks("charge")] == ["app1"]
    assert [m.lane for m in model.marks("double-charge")] == ["app2"]
    assert [m.lane for m in model.marks("charge-rejected")] == ["app2"]
    violations = model.marks("violation")
    assert [(m.t, m.lane) for m in violations] == [(2.0, EVENTS_LANE)]
    assert "c1 charged twice" in violations[0].text
    assert [m.text for m in model.marks("caption")] == ["watch the charges"]


def test_lanes_keep_scenario_order_then_natural_order() -> None:
    model = TimelineModel(("n1", "n2"))
    model.extend([
        ev.RaftRole(0.0, "n10", "follower", 0),
        ev.RaftRole(0.0, "n3", "follower", 0),
        ev.AppRole(0.1, "app2", True, 1),
        ev.RaftRole(0.2, "n2", "leader", 1),
    ])
    assert [lane.id for lane in model.lanes()] == [EVENTS_LANE, "n1", "n2", "n3", "n10", "app2"]
    assert [lane.kind for lane in model.lanes()][1:] == ["raft"] * 4 + ["app"]


def test_incremental_folding_equals_folding_at_once() -> None:
    events = leader_crash_story()
    whole = TimelineModel.from_scenario(story_scenario(), events)
    parts = TimelineModel.from_scenario(story_scenario())
    half = len(events) // 2
    parts.extend(events[:half])
    partial = parts.span_at("n3", "role", FIRST_LEADER_AT + 0.1)
    assert partial is not None and partial.state == "leader"
    assert partial.end == pytest.approx(parts.end_time) and parts.end_time < CRASH_AT
    parts.extend(events[half:])
    for lane in whole.lanes():
        for track in ("role", "leads", "lease", "crash", "pause", "cut"):
            assert parts.spans(lane.id, track) == whole.spans(lane.id, track)
    assert parts.marks() == whole.marks()


def test_json_log_records_fold_like_typed_events() -> None:
    events = leader_crash_story()
    typed = TimelineModel.from_scenario(story_scenario(), events)
    records = TimelineModel.from_scenario(story_scenario(), [e.to_record() for e in events])
    assert records.spans("n1", "role") == typed.spans("n1", "role")
    assert records.spans("app1", "lease") == typed.spans("app1", "lease")
    assert records.marks() == typed.marks()


def test_spans_between_returns_only_the_visible_ones() -> None:
    model = TimelineModel(("n1",))
    for i in range(100):
        model.append(ev.RaftRole(float(i), "n1", "follower" if i % 2 else "precandidate", 1))
    visible = model.spans_between("n1", "role", 10.5, 12.5)
    assert [(s.start, s.end) for s in visible] == [(10.0, 11.0), (11.0, 12.0), (12.0, 13.0)]


def test_sub_pixel_spans_merge_into_the_dominant_state() -> None:
    flapping = [Span(i * 0.01, i * 0.01 + (0.008 if i % 2 else 0.002),
                     "precandidate" if i % 2 else "follower") for i in range(100)]
    wide = Span(2.0, 5.0, "leader", "3")
    bars = reduce_spans([*flapping, wide], min_width=0.1)
    assert bars[-1].state == "leader" and bars[-1].label == "3"
    merged = bars[:-1]
    assert 5 <= len(merged) <= 11
    assert all(bar.state == "precandidate" for bar in merged)
    assert all(bar.end - bar.start >= 0.1 - 1e-9 for bar in merged)


def test_touching_spans_of_one_state_draw_as_one_bar() -> None:
    bars = reduce_spans([Span(0.0, 1.0, "follower", "1"), Span(1.0, 3.0, "follower", "2")], 0.01)
    assert [(b.start, b.end, b.state) for b in bars] == [(0.0, 3.0, "follower")]


def test_quiet_time_extends_what_is_still_going_on() -> None:
    model = TimelineModel(("n1",))
    model.extend([ev.RaftRole(0.0, "n1", "leader", 1), ev.NodePause(2.0, "n1", 5.0)])
    model.advance_to(6.0)
    assert [(s.state, s.end) for s in model.spans("n1", "role")] == [("leader", 6.0)]
    assert [(s.start, s.end) for s in model.spans("n1", "pause")] == [(2.0, 6.0)]
    model.advance_to(3.0)
    assert model.end_time == 6.0


def test_real_run_new_raft_leader_lane_after_a_crash() -> None:
    from simulator.config import Scenario
    from simulator.runtime.simulation import Simulation

    simulation = Simulation(Scenario(seed=3))
    simulation.run_until(5.0)
    old = simulation.raft_leader()
    assert old is not None
    simulation.crash(old)
    simulation.run_until(12.0)
    new = simulation.raft_leader()
    assert new is not None and new != old
    model = TimelineModel.from_scenario(simulation.scenario, simulation.trace.events)
    won = [e for e in simulation.trace.events
           if isinstance(e, ev.RaftRole) and e.node == new and e.role == "leader"][-1]
    leading = model.span_at(new, "role", 11.9)
    assert leading is not None and leading.state == "leader"
    assert leading.start == won.t and leading.label == str(won.term)
    assert model.span_at(old, "role", 8.0) is None
    crash = model.span_at(old, "crash", 8.0)
    assert crash is not None and crash.start == pytest.approx(5.0)
    assert (won.t, new) in [(m.t, m.lane) for m in model.marks("elected")]


def test_real_run_app_leader_crash_marks_expiry_and_hand_over() -> None:
    from simulator.presets import find_scenario
    from simulator.runtime.simulation import Simulation

    scenario = find_scenario("app-leader-crash")
    simulation = Simulation(scenario)
    simulation.run_until(45.0)
    events = simulation.trace.events
    model = TimelineModel.from_scenario(scenario, events)
    crash = next(e for e in events if isinstance(e, ev.NodeCrash) and e.node == "app1")
    expiry = next(e for e in events if isinstance(e, ev.LeaseRevoke) and e.reason == "expired")
    takeover = next(e for e in events if isinstance(e, ev.AppRole) and e.leader
                    and e.server != "app1")
    leads = model.spans("app1", "leads")
    assert leads and leads[0].end == crash.t
    assert [(m.t, m.lane) for m in model.marks("lease-expired")] == [(expiry.t, "app1")]
    handovers = [(m.t, m.lane) for m in model.marks("app-leader") if m.lane != "app1"]
    assert handovers[0] == (takeover.t, takeover.server) and takeover.t >= expiry.t
    new_lead = model.span_at(takeover.server, "leads", 44.0)
    assert new_lead is not None and new_lead.start == takeover.t


def test_describe_says_what_a_lane_was_doing(model: TimelineModel) -> None:
    assert model.describe("n1", 20.0) == "n1 at 20.000 s: leader in term 2 since 11.330 s"
    crashed = model.describe("app1", 15.0)
    assert crashed.startswith("app1 at 15.000 s: crashed since 10.000 s")
    assert "lease 7, TTL 10 s valid" in crashed
    assert "past its expiry" in model.describe("app1", 18.8)
    assert "believes it leads (token 13)" in model.describe("app2", 25.0)


def test_lease_ids_read_in_decimal_as_in_the_narration_and_the_log() -> None:
    model = TimelineModel(("n1",), ("app1",))
    model.extend([
        ev.LeaseGrant(1.0, 13, 5.0, "app1"),
        ev.LeaseRevoke(3.0, 13, "expired"),
        ev.LeaseGrant(4.0, 255, 5.0, "app1"),
        ev.RunEnd(6.0),
    ])
    labels = [span.label for span in model.spans("app1", "lease")]
    assert labels[0].startswith("lease 13,") and labels[-1].startswith("lease 255,")
    expired = model.marks("lease-expired")
    assert len(expired) == 1 and "lease 13" in expired[0].text
    assert not any("lease d" in label or "lease ff" in label for label in labels)


def test_only_the_hosts_cut_off_are_shaded_as_partitioned() -> None:
    nodes = ("n1", "n2", "n3", "n4", "n5")
    model = TimelineModel(nodes, ("app1", "app2"))
    model.extend([ev.RaftRole(0.0, n, "follower", 1) for n in nodes])
    # n1 isolated: every link to and from it cut.
    for other in nodes[1:]:
        model.append(ev.NetCut(1.0, "n1", other))
        model.append(ev.NetCut(1.0, other, "n1"))
    # app1 reaches no store member; app2 still reaches n5.
    for member in nodes:
        model.append(ev.NetCut(1.0, "app1", member))
        if member != "n5":
            model.append(ev.NetCut(1.0, member, "app2"))
    # One lone one-way cut between two nodes of the majority cuts nobody off.
    model.append(ev.NetCut(1.5, "n2", "n3"))
    model.append(ev.RunEnd(3.0))
    shaded = sorted(lane.id for lane in model.lanes()
                    if model.span_at(lane.id, "cut", 2.0) is not None)
    assert shaded == ["app1", "n1"]
    assert model.span_at("n1", "cut", 2.0).label == "cut from n2, n3, n4, n5"


def test_the_minority_side_of_a_partition_is_shaded_not_the_majority() -> None:
    nodes = ("n1", "n2", "n3", "n4", "n5")
    model = TimelineModel(nodes)
    minority, majority = ("n1", "n2"), ("n3", "n4", "n5")
    for a in minority:
        for b in majority:
            model.append(ev.NetCut(1.0, a, b))
            model.append(ev.NetCut(1.0, b, a))
    for a in minority:
        for b in majority:
            model.append(ev.NetHeal(4.0, a, b))
            model.append(ev.NetHeal(4.0, b, a))
    model.append(ev.RunEnd(5.0))
    assert [(s.start, s.end) for s in model.spans("n1", "cut")] == [(1.0, 4.0)]
    assert [(s.start, s.end) for s in model.spans("n2", "cut")] == [(1.0, 4.0)]
    for node in majority:
        assert model.spans(node, "cut") == []


def test_the_eventual_store_shades_no_minority_side_only_a_replica_that_reaches_none() -> None:
    from simulator.presets.catalog import find_scenario
    from simulator.runtime.simulation import Simulation

    scenario = find_scenario("eventual-two-leaders")  # n1, n2 | n3, n4, n5 from 20 s
    sim = Simulation(scenario, 1)
    sim.run_until(30.0)
    model = TimelineModel(scenario.raft.node_ids, scenario.app_ids)
    model.extend(sim.trace.events)
    shaded = [lane.id for lane in model.lanes() if model.span_at(lane.id, "cut", 25.0)]
    assert shaded == [], "the store has no majority: n1 and n2 are not a cut-off minority"
    for other in ("n1", "n2", "n4", "n5"):  # n3 alone reaches no other replica
        model.append(ev.NetCut(30.0, "n3", other))
        model.append(ev.NetCut(30.0, other, "n3"))
    model.append(ev.RunEnd(31.0))
    assert model.span_at("n3", "cut", 30.5).label == "cut from n1, n2, n4, n5"
    assert model.span_at("n4", "cut", 30.5) is None
