"""Play, pause, step, speed and seek from the keyboard and the sliders."""

from __future__ import annotations

from PySide6.QtCore import Qt

from ui.controls import position_to_speed, speed_to_position
from ui.mainwindow import MainWindow
from ui.runner import MAX_SPEED, MIN_SPEED


def press(qtbot, window: MainWindow, key: Qt.Key) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(window.canvas, key)


def test_space_plays_and_pauses(qtbot, open_window) -> None:
    window = open_window()
    runner = window.runner
    runner.set_speed(2.0)
    press(qtbot, window, Qt.Key.Key_Space)
    assert runner.playing
    assert window.actions_by_key["play"].text() == "Pause"
    qtbot.waitUntil(lambda: runner.cursor > 0.05, timeout=5000)
    press(qtbot, window, Qt.Key.Key_Space)
    assert not runner.playing
    stopped_at = runner.cursor
    qtbot.wait(100)
    assert runner.cursor == stopped_at
    assert window.runner.session.now >= stopped_at
    assert f"t = {stopped_at:.3f} s" == window.time_label.text()


def test_step_goes_to_the_next_event(qtbot, open_window) -> None:
    window = open_window(run_to=1.0)
    runner = window.runner
    trace = runner.session.trace
    seen = runner.world.event_index
    press(qtbot, window, Qt.Key.Key_Period)
    assert runner.cursor > 1.0
    assert trace.index_at(runner.cursor) > seen
    assert trace.index_at(runner.cursor - 1e-12) == seen, "no event is skipped"


def test_step_at_the_end_of_the_trace_runs_the_simulation(qtbot, open_window) -> None:
    window = open_window()
    runner = window.runner
    runner.seek(runner.session.now)
    end = runner.session.trace.end_time
    press(qtbot, window, Qt.Key.Key_Period)
    assert runner.cursor > end or runner.session.trace.end_time > end


def test_speed_is_logarithmic_and_follows_keys_and_slider(qtbot, open_window) -> None:
    window = open_window()
    runner = window.runner
    assert position_to_speed(0) == MIN_SPEED
    assert abs(position_to_speed(speed_to_position(1.0)) - 1.0) < 1e-9
    assert abs(position_to_speed(400) - MAX_SPEED) < 1e-9
    runner.set_speed(0.5)
    press(qtbot, window, Qt.Key.Key_BracketRight)
    assert abs(runner.speed - 1.0) < 1e-9
    press(qtbot, window, Qt.Key.Key_BracketLeft)
    press(qtbot, window, Qt.Key.Key_BracketLeft)
    assert abs(runner.speed - 0.25) < 1e-9
    slider = window.speed_control.slider
    slider.setFocus()
    for _ in range(40):
        qtbot.keyClick(slider, Qt.Key.Key_PageUp)
    assert runner.speed == MAX_SPEED
    assert window.speed_label.text() == "speed 100x"


def test_seeking_back_redraws_the_past_without_forking(qtbot, open_window) -> None:
    window = open_window(run_to=6.0)
    runner = window.runner
    simulation = runner.session.simulation
    slider = window.seek_bar.slider
    slider.setFocus()
    qtbot.keyClick(slider, Qt.Key.Key_PageDown)
    assert abs(runner.cursor - (6.0 - window.seek_bar.span / 40)) < 1e-6
    for _ in range(5):
        qtbot.keyClick(slider, Qt.Key.Key_PageDown)
    assert runner.cursor == 0.0
    assert runner.world.leader is None, "at time 0 nobody leads yet"
    assert runner.session.simulation is simulation
    press(qtbot, window, Qt.Key.Key_End)
    assert runner.cursor == runner.session.now
    assert runner.world.leader is not None
    press(qtbot, window, Qt.Key.Key_Home)
    assert runner.cursor == 0.0


def test_playing_stops_at_a_pause_point(qtbot, open_window) -> None:
    from simulator.config import PauseStep, Scenario

    window = open_window(Scenario(duration=60.0, pauses=(PauseStep(0.3, "Who leads?"),)))
    runner = window.runner
    runner.set_speed(5.0)
    runner.play()
    qtbot.waitUntil(lambda: not runner.playing, timeout=5000)
    assert runner.cursor == 0.3
    assert "Question: Who leads?" in window.scene.banner.caption


def test_playing_stops_at_the_end_of_the_lesson_and_end_jumps_there(qtbot, open_window) -> None:
    from simulator.config import Scenario

    window = open_window(Scenario(duration=3.0))
    runner = window.runner
    ended: list[float] = []
    runner.lesson_ended.connect(ended.append)
    runner.seek(2.5)
    runner.play()
    runner.advance(5.0)
    assert runner.cursor == 3.0 and not runner.playing
    assert ended == [3.0]
    runner.play()
    assert not runner.playing, "Play at the end of the lesson does not run on"
    assert ended == [3.0, 3.0]
    runner.step()
    assert runner.cursor > 3.0, "Step still looks beyond the end"
    runner.to_start()
    runner.to_end()
    assert runner.cursor == 3.0 and runner.session.now >= 3.0
    assert "3 s" in window.statusBar().currentMessage()
