"""The run summary window shows what `leadersim run --until T` prints for the run up to the
cursor: opened with S or Simulation > Run summary…, it follows the cursor, copies its text,
and grows in presenter mode."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from simulator.checks import summarize
from simulator.checks.summary import Summary
from simulator.presets.catalog import find_scenario
from simulator.runtime.simulation import Simulation
from ui.mainwindow import PRESENTER_SCALE, MainWindow
from ui import summary as summary_module
from ui.summary import SummaryDialog


def headless_summary(preset: str, until: float) -> Summary:
    """The summary a headless run of ``preset`` to ``until`` prints (as `leadersim run`)."""
    scenario = find_scenario(preset)
    simulation = Simulation(scenario)
    simulation.run_until(until)
    return summarize(simulation.trace.until(until), scenario, end=until)


def window_summary(window: MainWindow, at: float) -> Summary:
    session = window.runner.session
    return summarize(session.trace.until(at), session.scenario, end=at)


def open_with_s(qtbot, window: MainWindow) -> SummaryDialog:  # type: ignore[no-untyped-def]
    qtbot.keyClick(window.canvas, Qt.Key.Key_S)
    dialog = window.summary_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=3000)
    return dialog


def test_s_shows_the_double_charge_and_its_violation_at_50_s(qtbot, open_window) -> None:
    window = open_window(find_scenario("pause-double-charge"), run_to=50.0)
    dialog = open_with_s(qtbot, window)
    expected = headless_summary("pause-double-charge", 50.0)
    assert expected.double_charges == 1 and len(expected.violations) == 1
    assert dialog.shown_at == 50.0
    assert dialog.text == expected.to_text()
    a = expected.availability
    assert a is not None
    assert dialog.figures == {
        "Availability": f"{a.availability * 100:.3f} %",
        "Downtime": f"{a.downtime:.2f} s",
        "Failovers": str(len(expected.failovers)),
        "Double charges": "1",
        "Violations": "1",
    }
    assert f"{a.nines:.2f} nines" in [tile.note.text() for tile in dialog.tiles]
    assert dialog.verdict.text().startswith("UNSAFE: 1 violation(s): double-charge")


def test_the_menu_action_shows_the_raft_failover(qtbot, open_window) -> None:
    window = open_window(find_scenario("raft-leader-crash"), run_to=25.0)
    action = window.actions_by_key["summary"]
    menu = window.menuBar().actions()[1].menu()
    assert action in menu.actions(), "Simulation > Run summary…"
    action.trigger()
    dialog = window.summary_dialog
    assert dialog is not None and dialog.isVisible()
    expected = window_summary(window, 25.0)
    assert len(expected.raft_failovers) == 1
    failover = expected.raft_failovers[0]
    assert dialog.figures == {
        "Elections": str(expected.elections),
        "Raft leader lost": "1",
        "Without a leader": f"{expected.raft_leaderless:.2f} s",
        "Violations": "0",
    }
    assert f"{failover.lost} crashed, -> {failover.successor}" in dialog.text
    assert dialog.text == headless_summary("raft-leader-crash", 25.0).to_text()
    assert dialog.verdict.text() == "SAFE: no check failed"


def test_the_summary_follows_the_cursor_back_and_forth(qtbot, open_window) -> None:
    window = open_window(find_scenario("pause-double-charge"), run_to=50.0)
    dialog = open_with_s(qtbot, window)
    window.runner.seek(20.0)
    qtbot.waitUntil(lambda: dialog.shown_at == 20.0, timeout=3000)
    assert dialog.text == window_summary(window, 20.0).to_text()
    assert dialog.figures["Double charges"] == "0"
    assert dialog.figures["Violations"] == "0"
    window.runner.seek(50.0)
    qtbot.waitUntil(lambda: dialog.shown_at == 50.0, timeout=3000)
    assert dialog.figures["Double charges"] == "1"


def test_copy_puts_the_text_report_on_the_clipboard(qtbot, open_window) -> None:
    window = open_window(find_scenario("raft-leader-crash"), run_to=12.0)
    dialog = open_with_s(qtbot, window)
    QApplication.clipboard().clear()
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == window_summary(window, 12.0).to_text()


def test_presenter_mode_enlarges_the_summary(qtbot, open_window) -> None:
    window = open_window(find_scenario("raft-leader-crash"), run_to=12.0)
    dialog = open_with_s(qtbot, window)
    normal = dialog.tiles[0].value.font().pixelSize()
    window.set_presenter(True)
    assert dialog.tiles[0].value.font().pixelSize() == round(normal * PRESENTER_SCALE)
    assert dialog.details.font().pixelSize() > 15
    window.set_presenter(False)
    assert dialog.tiles[0].value.font().pixelSize() == normal


def test_playing_keeps_the_window_keys(qtbot, open_window) -> None:
    window = open_window(find_scenario("raft-leader-crash"), run_to=12.0)
    dialog = open_with_s(qtbot, window)
    qtbot.keyClick(dialog, Qt.Key.Key_Space)
    assert window.runner.playing, "Space in the summary plays the run"
    qtbot.keyClick(dialog, Qt.Key.Key_Space)
    assert not window.runner.playing


def test_while_playing_the_summary_keeps_up_with_the_cursor(qtbot, open_window,
                                                           monkeypatch) -> None:
    # The live update waits 50 times its last cost: on a loaded machine that is seconds, and
    # the run would reach its last pause point first. The spacing is not what this checks.
    monkeypatch.setattr(summary_module, "LIVE_COST_SHARE", 1e9)
    window = open_window(find_scenario("random-faults-availability"), run_to=150.0)
    dialog = open_with_s(qtbot, window)
    assert dialog.shown_at == 150.0
    window.runner.set_speed(20.0)
    window.runner.play()
    qtbot.waitUntil(lambda: (dialog.shown_at or 0.0) > 160.0, timeout=20000)
    assert window.runner.playing, "it updated during play, not after a pause"
    window.runner.pause()
    at = dialog.shown_at
    assert at is not None
    assert dialog.text == window_summary(window, at).to_text()
