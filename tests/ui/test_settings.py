"""Speed, GC pause length, layout and last preset persist between windows (QSettings)."""

from __future__ import annotations

from pathlib import Path

from simulator.config import Scenario
from ui import settings as prefs
from ui.mainwindow import MainWindow
from ui.session import Session


def test_speed_and_pause_length_survive_a_restart(qtbot, temporary_settings: Path) -> None:
    first = MainWindow(Session(Scenario(name="lesson-one")))
    qtbot.addWidget(first)
    first.show()
    first.runner.set_speed(3.0)
    first.pause_seconds.setValue(7.5)
    first.inspector_dock.hide()
    first.close()
    assert any(temporary_settings.rglob("*.ini")), "settings live in the temporary folder"
    assert prefs.settings().value(prefs.LAST_PRESET) == "lesson-one"

    second = MainWindow(Session(Scenario()))
    qtbot.addWidget(second)
    second.show()
    assert abs(second.runner.speed - 3.0) < 1e-9
    assert second.pause_seconds.value() == 7.5
    assert not second.inspector_dock.isVisible(), "the dock layout is restored"
    assert "3.0x" in second.speed_label.text() or "3x" in second.speed_label.text()


def test_recent_presets_are_remembered_and_reopen(qtbot) -> None:
    from simulator.presets.catalog import PRESETS_DIR

    window = MainWindow(Session(Scenario(name="raft-steady")))
    qtbot.addWidget(window)
    assert window.open_preset(PRESETS_DIR / "seed-steady.toml")
    recent = [action.text() for action in window.recent_menu.actions()]
    assert recent == [str(PRESETS_DIR / "seed-steady.toml"), "raft-steady"]
    window.recent_menu.actions()[1].trigger()
    assert window.runner.session.scenario.name == "raft-steady"
    assert prefs.settings().value(prefs.LAST_PRESET) == "raft-steady"
