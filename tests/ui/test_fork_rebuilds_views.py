"""After a fork the session's projections, the timeline and the narration are those of the new
trace, read through the compact log's runs (message and timer records skipped) as if fed event
by event."""

from __future__ import annotations

from PySide6.QtCore import Qt

from simulator.presets.catalog import find_scenario
from simulator.projection import Projector
from simulator.projection.narration import Narrator
from simulator.trace.export import to_jsonl
from tests.ui.conftest import host_point
from ui.session import Session
from ui.timeline.model import TRACKS_BY_LANE_KIND, TimelineModel


def _narrated_one_by_one(session: Session) -> list[object]:
    narrator = Narrator(session.scenario.apps.session_servers)
    said = (narrator.feed(event, index) for index, event in enumerate(session.trace.events))
    return [entry for entry in said if entry is not None]


def _traced_like_a_fresh_run(session: Session) -> bool:
    """Whether the session's trace is that of a new run with its actions (to its time)."""
    fresh = Session(session.scenario)
    for action in session.simulation.actions:  # type: ignore[attr-defined]
        fresh.simulation.apply_action(action)  # type: ignore[attr-defined]
    fresh.simulation.run_until(session.now)
    return to_jsonl(session.trace) == to_jsonl(fresh.trace)


def _picture(model: TimelineModel) -> tuple[object, ...]:
    lanes = model.lanes()
    spans = [model.spans(lane.id, track) for lane in lanes
             for track in TRACKS_BY_LANE_KIND.get(lane.kind, ())]
    return lanes, spans, model.marks(), model.end_time, model.event_count


def test_a_fork_narrates_and_draws_its_own_trace() -> None:
    session = Session(find_scenario("zookeeper-expired"))
    simulation = session.simulation
    simulation.run_until(6.0)
    simulation.crash("n1")  # type: ignore[attr-defined]
    simulation.run_until(14.0)
    session.update_narration()
    session.world_at(14.0)
    session.fork(9.0)
    session.simulation.restart("n1")  # type: ignore[attr-defined]
    session.simulation.run_until(16.0)
    assert session.update_narration() == _narrated_one_by_one(session)
    assert session.narration == _narrated_one_by_one(session)
    fresh = Projector(session.trace, raft_ids=session.scenario.raft.node_ids,
                      app_ids=session.scenario.app_ids, with_provider=True)
    for t in (3.0, 9.0, 12.5, 16.0):
        assert session.world_at(t, linger=0.5) == fresh.world_at(t, linger=0.5)
    events = session.trace.events
    whole = TimelineModel.from_scenario(session.scenario, events)
    one_by_one = TimelineModel.from_scenario(session.scenario, list(events))
    assert _picture(whole) == _picture(one_by_one)
    in_two = TimelineModel.from_scenario(session.scenario, events[:1000])
    in_two.extend(events, 1000)
    assert _picture(in_two) == _picture(one_by_one)
    assert whole.event_count == len(events) and whole.end_time == events[-1].t
    assert any(spans for spans in _picture(whole)[1]), "the picture has spans to compare"


def test_acting_after_a_seek_back_in_the_window_shows_the_new_future(qtbot, open_window) -> None:  # type: ignore[no-untyped-def]
    """Crash a node in the past of a run with app servers: the timeline, narration and
    canvas show the fork's own trace, then and after it runs on."""
    window = open_window(find_scenario("raft-leader-under-app"), run_to=8.0)
    runner = window.runner
    assert runner.act("crash", "n2")
    runner.seek(30.0)
    old_trace = runner.session.trace
    runner.seek(17.5)
    qtbot.mouseClick(window.canvas.viewport(), Qt.MouseButton.LeftButton,
                     pos=host_point(window, "n4"))
    qtbot.keyClick(window.canvas, Qt.Key.Key_C)
    session = runner.session
    assert session.forks == 1 and session.trace is not old_trace
    crashes = [(e.node, e.t) for e in session.trace.events if e.kind == "node.crash"]
    assert crashes == [("n2", crashes[0][1]), ("n4", runner.cursor)]
    for t in (runner.cursor, 24.0):
        runner.seek(t)
        window.timeline.redraw()  # type: ignore[union-attr]
        model = window.timeline.model  # type: ignore[union-attr]
        fed = TimelineModel.from_scenario(session.scenario, list(session.trace.events))
        fed.advance_to(model.end_time)  # the window moves open spans on to the run's time
        assert _picture(model) == _picture(fed)
        told = window.narration.texts()[window.narration.header_rows:]
        assert told == [f"{entry.t:8.3f} s   {entry.text}"
                        for entry in _narrated_one_by_one(session) if entry.t <= t]
        fresh = Projector(session.trace, raft_ids=session.scenario.raft.node_ids,
                          app_ids=session.scenario.app_ids, with_provider=True)
        assert runner.world == fresh.world_at(t, runner.linger)
        assert window.scene.hosts["n4"].caption_text() == "crashed"


def test_the_idle_window_keeps_a_replay_ready_and_a_fork_uses_it(qtbot, open_window) -> None:  # type: ignore[no-untyped-def]
    window = open_window(find_scenario("raft-leader-under-app"), run_to=45.0)
    runner = window.runner
    session = runner.session
    qtbot.waitUntil(lambda: (session.standby_time or 0.0) >= 15.0, timeout=20000)
    assert session.standby_time == 15.0, "it stays 30 s behind the cursor"
    runner.seek(20.0)  # a short seek back keeps it; acting there uses it
    assert session.standby_time == 15.0
    assert runner.act("crash", "n3")
    assert session.forks == session.ready_forks == 1
    assert _traced_like_a_fresh_run(session)
    runner.seek(50.0)
    qtbot.waitUntil(lambda: (session.standby_time or 0.0) >= 20.0, timeout=20000)
    runner.seek(12.0)  # before the replay kept: the fork replays in full
    assert runner.act("crash", "n4")
    assert session.forks == 2 and session.ready_forks == 1
    assert _traced_like_a_fresh_run(session)
