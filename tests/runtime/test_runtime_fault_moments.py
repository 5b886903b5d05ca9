"""Fault steps that wait for a moment in the app's work (``when = "charging"``), the steps that
count from them, and captions and pause points anchored to named steps."""

from __future__ import annotations

from dataclasses import replace

import pytest

from simulator.config import CaptionStep, FaultStep, PauseStep, Scenario
from simulator.presets import find_scenario
from simulator.runtime.app_job import CHARGE_PREP
from simulator.runtime.simulation import Simulation
from simulator.trace.events import (
    Caption,
    Event,
    MsgSend,
    NodeCrash,
    NodePause,
    PausePoint,
    UserAction,
    Work,
)
from tests.apps.apptools import scenario as app_scenario

FREEZE = 15.0


def _run(scenario: Scenario, seed: int | None = None) -> Simulation:
    sim = Simulation(scenario, seed)
    sim.run_until(scenario.duration)
    return sim


def _charges_sent(events: list[Event], server: str) -> list[MsgSend]:
    return [e for e in events if isinstance(e, MsgSend) and e.src == server
            and e.dst == "provider"]


@pytest.mark.parametrize("seed", range(1, 11))
def test_the_waiting_pause_lands_between_deciding_and_sending_a_charge(seed: int) -> None:
    sim = _run(find_scenario("pause-double-charge"), seed)
    events = list(sim.trace)
    [pause] = [e for e in events if isinstance(e, NodePause)]
    assert pause.node == "app1" and pause.duration == pytest.approx(FREEZE)
    sent = _charges_sent(events, "app1")
    before = [e for e in sent if e.t <= pause.t]
    after = [e for e in sent if e.t > pause.t]
    # app1 sends nothing while frozen; the first thing it does on waking is send the charge it
    # was building: its CHARGE_PREP sleep ran out during the pause, so it goes out at the resume
    assert after and after[0].t == pytest.approx(pause.t + FREEZE, abs=1e-9)
    assert not before or before[-1].t < pause.t
    stale_job = after[0].label.split()[1]
    firsts = [e for e in events if isinstance(e, Work) and e.job == stale_job]
    assert firsts[0].server != "app1" and firsts[0].t < after[0].t, \
        "another server charged the same contract while app1 was frozen"
    assert [w.duplicate for w in firsts if w.server == "app1"] == [True]


@pytest.mark.parametrize("seed", range(1, 11))
def test_the_fenced_lesson_rejects_the_stale_charge_for_any_seed(seed: int) -> None:
    sim = _run(find_scenario("pause-fenced-charge"), seed)
    stale = [e for e in sim.trace if isinstance(e, Work) and e.server == "app1"
             and not e.accepted]
    assert len(stale) == 1 and "stale token" in stale[0].reason
    assert not any(isinstance(e, Work) and e.duplicate and e.accepted for e in sim.trace)


def _lesson_with(**changes: object) -> Scenario:
    return replace(find_scenario("pause-double-charge"), **changes)  # type: ignore[arg-type]


def test_anchored_notes_come_at_the_fault_time_plus_their_offset() -> None:
    scenario = find_scenario("pause-double-charge")
    sim = _run(scenario, seed=4)
    events = list(sim.trace)
    [action] = [e for e in events if isinstance(e, UserAction) and e.action == "pause"]
    fired = action.t
    anchored = [c for c in scenario.captions if c.fault == "freeze"]
    shown = {e.text: e.t for e in events if isinstance(e, Caption)}
    assert len(anchored) == 4
    for caption in anchored:
        assert shown[caption.text] == pytest.approx(fired + caption.after, abs=1e-9)
    assert [e.t for e in events if isinstance(e, PausePoint)] == [fired]


def test_a_pause_point_at_offset_0_comes_before_the_fault_acts() -> None:
    sim = _run(find_scenario("pause-double-charge"), seed=2)
    events = list(sim.trace)
    at = next(i for i, e in enumerate(events) if isinstance(e, PausePoint))
    kinds = [e.kind for e in events[at:] if e.t == events[at].t]
    assert kinds.index("pause.point") < kinds.index("user.action") < kinds.index("node.pause")


def test_a_step_after_a_waiting_step_counts_from_when_it_fired() -> None:
    steps = find_scenario("pause-double-charge").faults + (
        FaultStep("crash", after=3.0, target="n5"),
        FaultStep("restart", target="n5", after=1.0),
    )
    sim = _run(_lesson_with(faults=steps), seed=5)
    [pause] = [e for e in sim.trace if isinstance(e, NodePause)]
    [crash] = [e for e in sim.trace if isinstance(e, NodeCrash)]
    assert crash.node == "n5" and crash.t == pytest.approx(pause.t + 3.0, abs=1e-9)
    assert any(e.kind == "node.restart" and e.t == pytest.approx(pause.t + 4.0, abs=1e-9)
               for e in sim.trace)


def test_a_waiting_step_that_never_fires_says_so_at_the_end() -> None:
    # app2 never leads, so it never builds a charge
    scenario = _lesson_with(
        faults=(FaultStep("pause", at=20.0, target="app2", duration=5.0, name="freeze",
                          when="charging"),
                FaultStep("crash", after=1.0, target="n5")),
    )
    sim = _run(scenario)
    events = list(sim.trace)
    assert not any(isinstance(e, NodePause | NodeCrash) for e in events)
    notes = [e for e in events if isinstance(e, UserAction)]
    assert [(e.t, e.action, e.target) for e in notes] == \
        [(scenario.duration, "pause", "app2"), (scenario.duration, "crash", "n5")]
    assert "never happened: app2 was not building a charge from 20 s" in notes[0].detail
    assert "counts from faults[1], which never happened" in notes[1].detail
    assert not any(isinstance(e, PausePoint) for e in events)
    assert [e.text for e in events if isinstance(e, Caption)] == \
        [c.text for c in scenario.captions if c.at is not None]


def test_app_leader_target_waits_for_the_leader_and_acts_on_it() -> None:
    base = app_scenario("seed", protection="none")
    scenario = replace(base, duration=12.0, faults=(
        FaultStep("crash", at=3.0, target="app-leader", when="charging", name="boom"),),
        captions=(CaptionStep(None, "it crashed", fault="boom", after=0.5),))
    sim = _run(scenario)
    [crash] = [e for e in sim.trace if isinstance(e, NodeCrash)]
    leaders = [e for e in sim.trace if e.kind == "app.role" and e.leader and e.t <= crash.t]
    assert crash.node == leaders[-1].server and crash.t >= 3.0
    # it crashed in its charge window: its last charge request was never sent
    sent = _charges_sent(list(sim.trace), crash.node)
    assert all(e.t < crash.t - CHARGE_PREP / 2 for e in sent)
    [caption] = [e for e in sim.trace if isinstance(e, Caption)]
    assert caption.t == pytest.approx(crash.t + 0.5, abs=1e-9)


def test_a_fork_after_the_waiting_step_replays_the_same_run() -> None:
    sim = Simulation(find_scenario("pause-double-charge"), seed=6)
    sim.run_until(55.0)
    fork = sim.fork(50.0)
    assert list(fork.trace) == [e for e in sim.trace if e.t <= 50.0]
    again = _run(find_scenario("pause-double-charge"), seed=6)
    sim.run_until(70.0)
    assert list(again.trace) == list(sim.trace)


@pytest.mark.parametrize(("step", "message"), [
    (FaultStep("pause", at=1.0, target="n1", duration=1.0, when="charging"),
     "'when' needs an app server target"),
    (FaultStep("isolate", at=1.0, target="app1", when="charging"),
     "'when' works with pause or crash only"),
    (FaultStep("pause", at=1.0, target="app1", duration=1.0, when="idle"),
     "unknown 'when' 'idle'"),
])
def test_the_runtime_refuses_a_waiting_step_it_cannot_run(step: FaultStep, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Simulation(replace(app_scenario("seed"), faults=(step,)))


def test_the_runtime_refuses_a_note_anchored_to_an_unknown_step() -> None:
    scenario = replace(app_scenario("seed"), pauses=(PauseStep(None, "?", fault="nope"),))
    with pytest.raises(ValueError, match="no fault step is named 'nope'"):
        Simulation(scenario)
