"""Seeking far ahead shows that the window is working (busy cursor, then a progress dialog)
and can be stopped where it got to."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QProgressDialog

from simulator.config import Scenario
from ui import mainwindow, runner


def test_a_far_seek_shows_progress_and_stop_keeps_the_time_reached(
        qtbot, open_window, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    window = open_window(Scenario(duration=300.0))
    monkeypatch.setattr(mainwindow, "LONG_RUN_DIALOG_MS", 0)
    seen: list[tuple[bool, int]] = []
    original = window._long_run_progress

    def watch(start: float, reached: float, target: float) -> bool:
        answer = original(start, reached, target)
        dialog = window._long_run[1] if window._long_run else None
        if isinstance(dialog, QProgressDialog):
            seen.append((QApplication.overrideCursor() is not None, dialog.value()))
            if reached >= 60.0:
                dialog.cancel()  # the person presses "Stop here"
        return answer

    window.runner.long_run_progress = watch
    window.runner.seek(200.0)
    assert seen and all(busy for busy, _ in seen)
    values = [value for _, value in seen]
    assert values == sorted(values) and values[-1] < 1000
    assert 60.0 <= window.runner.cursor < 200.0, "it stopped where it got to"
    assert window.runner.session.now == window.runner.cursor
    assert QApplication.overrideCursor() is None and window._long_run is None
    assert window.statusBar().currentMessage().startswith("Stopped at t = ")
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    qtbot.keyClick(window.canvas, Qt.Key.Key_S)  # the window's keys work again
    assert window.summary_dialog is not None


def test_a_short_seek_is_not_split(qtbot, open_window) -> None:  # type: ignore[no-untyped-def]
    window = open_window(Scenario(duration=60.0))
    calls: list[float] = []
    window.runner.long_run_progress = lambda start, reached, target: calls.append(reached) or True
    window.runner.seek(runner.LONG_RUN_SECONDS - 1.0)
    assert calls == []
    window.runner.seek(60.0)
    assert len(calls) == runner.LONG_RUN_STEPS and calls[-1] >= 59.9
    assert window.runner.cursor == 60.0
