"""Ctrl+E asks for a new seed: any whole number a preset allows (up to 2**63 - 1); anything
else gets a clear message and the session stays as it was."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QInputDialog

from simulator.config import Scenario
from simulator.presets.loader import MAX_SEED


def answer_seed_dialog(text: str) -> None:
    """Type ``text`` into the seed dialog as soon as it shows, and press OK."""

    def answer() -> None:
        dialogs = [w for w in QApplication.topLevelWidgets()
                   if isinstance(w, QInputDialog) and w.isVisible()]
        if not dialogs:
            QTimer.singleShot(20, answer)
            return
        dialogs[0].setTextValue(text)
        dialogs[0].accept()

    QTimer.singleShot(0, answer)


def test_a_seed_beyond_qt_ints_is_shown_and_a_new_one_restarts_the_run(qtbot,
                                                                       open_window) -> None:
    big = 2**32
    window = open_window(Scenario(name="big-seed", seed=big, duration=20.0))
    answer_seed_dialog(str(MAX_SEED))
    qtbot.keyClick(window.canvas, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.runner.session.seed == MAX_SEED, timeout=5000)
    assert window.error_box is None


def test_a_seed_that_is_not_a_whole_number_gets_a_message(qtbot, open_window) -> None:
    window = open_window(Scenario(name="seeded", seed=7, duration=20.0))
    answer_seed_dialog("seven")
    qtbot.keyClick(window.canvas, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.error_box is not None, timeout=5000)
    assert "whole number" in window.error_box.text() and "'seven'" in window.error_box.text()
    assert window.runner.session.seed == 7
