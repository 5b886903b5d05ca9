"""The window stops at a pause point anchored to a fault step that waits for the app's work:
the question comes at the fault's instant, before the fault is drawn, and once."""

from __future__ import annotations

from dataclasses import replace


def test_playing_stops_at_an_anchored_pause_point_before_the_fault_shows(
    qtbot, open_window
) -> None:
    from simulator.presets import find_scenario

    window = open_window(replace(find_scenario("pause-double-charge"), seed=2), run_to=19.5)
    runner = window.runner
    questions: list[str] = []
    runner.pause_point.connect(questions.append)
    runner.set_speed(20.0)
    runner.play()
    qtbot.waitUntil(lambda: not runner.playing, timeout=10000)
    [pause] = [e for e in runner.session.trace.events if e.kind == "node.pause"]
    assert questions and "froze for 15 s" in questions[0]
    assert runner.cursor < pause.t and pause.t - runner.cursor < 1e-9
    [app1] = [a for a in runner.world.apps if a.id == "app1"]
    assert app1.paused_until is None and app1.leader, "app1 is not drawn frozen yet"
    assert "Question:" in window.scene.banner.caption
    runner.play()
    runner.advance(1.0)
    assert runner.cursor > pause.t, "playing on passes the pause point (it asks once)"
    [app1] = [a for a in runner.world.apps if a.id == "app1"]
    assert app1.paused_until is not None
    assert len(questions) == 1
