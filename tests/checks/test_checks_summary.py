"""The run summary: its numbers, its text and its JSON form."""

import json

import pytest

from simulator.checks import summarize
from simulator.config import AppsConfig, AppServerConfig, JobConfig, Scenario
from simulator.trace.events import (
    AppRole,
    MsgDeliver,
    MsgDrop,
    MsgSend,
    NodeCrash,
    NodePause,
    NodeResume,
    RaftApply,
    RaftRole,
    RunEnd,
    RunStart,
    UserAction,
    Violation,
    Work,
)

PAUSE_STORY = [
    RunStart(0.0, 7, "pause-double-charge"),
    RaftRole(0.8, "n1", "candidate", 1),
    RaftRole(0.9, "n1", "leader", 1),
    RaftApply(1.0, "n1", 1, 1, "noop"),
    MsgSend(1.0, 1, "n1", "n2", "AppendEntries", "app t1"),
    MsgDeliver(1.01, 1),
    MsgSend(1.0, 2, "n1", "n3", "AppendEntries", "app t1"),
    MsgDrop(1.02, 2, "loss"),
    AppRole(2.0, "app1", True, 5),
    Work(3.0, "app1", "c01/m0", 5, True, False, due=2.5),
    NodePause(10.0, "app1", 20.0),
    AppRole(21.0, "app2", True, 9),
    Work(22.0, "app2", "c01/m0", 9, True, True, due=2.5),
    NodeResume(30.0, "app1"),
    Work(30.5, "app1", "c02/m0", 5, False, False, reason="stale token 5 < 9"),
    AppRole(31.0, "app1", False, None),
    NodeCrash(40.0, "app2"),
    AppRole(45.0, "app1", True, 12),
    RunEnd(60.0),
]


def test_summary_numbers_of_a_known_story() -> None:
    s = summarize(PAUSE_STORY)
    assert (s.preset, s.seed, s.duration) == ("pause-double-charge", 7, 60.0)
    assert s.leaders_per_term == ((1, ("n1",)),) and s.elections == 1 and s.max_term == 1
    assert [f.duration for f in s.failovers] == pytest.approx([11.0, 5.0])
    # app1 was frozen from 10 s to 30 s: it acts again from its resume until it steps down
    assert [o.duration for o in s.overlaps] == pytest.approx([1.0])
    assert s.double_charges == 1 and s.charges.rejected == 1 and s.charges.late == 1
    assert s.availability is not None
    assert s.availability.downtime == pytest.approx(16.0)
    assert s.availability.availability == pytest.approx(1 - 16.0 / 58.0)
    assert (s.messages.sent, s.messages.delivered, s.messages.dropped) == (2, 1, 1)
    assert [v.what for v in s.violations] == ["double-charge", "app-leader-overlap"]
    assert not s.safe


def test_scenario_gives_the_late_threshold_and_servers() -> None:
    scenario = Scenario(
        name="demo",
        apps=AppsConfig(
            servers=(AppServerConfig("app1"), AppServerConfig("app2"), AppServerConfig("app3")),
            job=JobConfig(late_after=0.1),
        ),
    )
    s = summarize(PAUSE_STORY, scenario)
    assert s.preset == "demo" and s.app_servers == ("app1", "app2", "app3")
    assert s.charges.late == 2


def test_violations_recorded_by_a_live_checker_are_not_counted_twice() -> None:
    once = summarize(PAUSE_STORY)
    with_live = PAUSE_STORY[:12] + [
        Violation(21.0, v.what, v.detail) for v in once.violations
    ] + PAUSE_STORY[12:] + [Violation(50.0, "phantom-leader", "app3 acted without a lease")]
    s = summarize(with_live)
    assert [v.what for v in s.violations] == [
        "double-charge", "app-leader-overlap", "phantom-leader",
    ]


def test_text_report_names_the_findings() -> None:
    text = summarize(PAUSE_STORY).to_text()
    for expected in (
        "pause-double-charge", "seed 7", "term   1: n1", "app1 paused", "11.000 s",
        "1 double", "1 rejected", "double-charge", "UNSAFE",
    ):
        assert expected in text, expected
    assert len(text.splitlines()) < 40


def test_text_report_of_a_run_without_downtime_says_so() -> None:
    events = [RunStart(0.0, 1, "steady"), AppRole(2.0, "app1", True, 1), RunEnd(60.0)]
    text = summarize(events).to_text()
    assert "no downtime" in text and "SAFE" in text and "UNSAFE" not in text


def test_long_histories_are_shortened_in_the_text() -> None:
    events = [RaftRole(float(term), f"n{term % 5 + 1}", "leader", term) for term in range(1, 40)]
    text = summarize(events).to_text()
    assert "term   1" in text and "term  39" in text and "term  20" not in text
    assert len(text.splitlines()) < 40


def test_json_form_is_serialisable_with_a_stable_key_order() -> None:
    first = json.dumps(summarize(PAUSE_STORY).to_dict())
    again = json.dumps(summarize(list(PAUSE_STORY)).to_dict())
    assert first == again
    data = json.loads(first)
    assert list(data)[:6] == ["preset", "seed", "start", "end", "duration", "safe"]
    assert data["charges"]["double_charges"] == 1
    assert data["app"]["availability"]["downtime"] == pytest.approx(16.0)
    assert data["failovers"][0]["cause"] == "pause"


def test_a_run_without_app_servers_has_no_availability() -> None:
    s = summarize([RaftRole(1.0, "n1", "leader", 1), RunEnd(5.0)])
    assert s.availability is None
    assert "no app servers" in s.to_text()
    assert s.to_dict()["app"] == {
        "servers": [], "leader_time": {}, "working_time": {}, "availability": None,
    }


def test_steps_that_did_not_happen_are_listed_with_their_reason() -> None:
    events = [
        RunStart(0.0, 1, "lesson"),
        UserAction(5.0, "crash", "n2", "schedule"),
        UserAction(9.0, "crash", "raft-leader", "skipped: there is no Raft leader now"),
        UserAction(70.0, "pause", "app2", "skipped: it never happened: app2 was not building "
                   "a charge from 20 s to the end of the run (70 s)"),
        RunEnd(70.0),
    ]
    summary = summarize(events)
    assert [(step.t, step.action, step.target) for step in summary.skipped] == [
        (9.0, "crash", "raft-leader"), (70.0, "pause", "app2")]
    text = summary.to_text()
    assert "2 steps of the schedule or the actions did not happen" in text
    assert "pause app2: it never happened: app2 was not building a charge" in text
    steps = json.loads(json.dumps(summary.to_dict()))["skipped_steps"]
    assert steps[0] == {"t": 9.0, "action": "crash", "target": "raft-leader",
                        "reason": "there is no Raft leader now"}


def test_a_run_where_every_step_happened_has_no_skipped_section() -> None:
    events = [RunStart(0.0, 1, "lesson"), UserAction(5.0, "crash", "n2", "schedule"),
              RunEnd(10.0)]
    summary = summarize(events)
    assert summary.skipped == () and "Skipped" not in summary.to_text()
    assert summary.to_dict()["skipped_steps"] == []


def test_a_message_confirms_an_overlap_as_any_later_event_does() -> None:
    events = [
        RunStart(0.0, 1, "overlap"),
        AppRole(10.0, "app1", True, 1),
        AppRole(10.0, "app2", True, 2),
        MsgSend(10.5, 7, "app1", "n1", "StoreRequest", "put"),  # time moved on: it lasts
        AppRole(12.0, "app1", False, None),
        RunEnd(20.0),
    ]
    summary = summarize(events)
    assert [(v.t, v.what) for v in summary.violations] == [(10.5, "app-leader-overlap")]
    assert summary.messages.sent == 1
    assert [(o.start, o.end) for o in summary.overlaps] == [(10.0, 12.0)]
