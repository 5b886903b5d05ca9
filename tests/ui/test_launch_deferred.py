"""Launching: the first frame shows the lesson at time 0 before the simulation is built; right
after it the window finishes loading by itself and works as if it had been built at once."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from simulator.cli import main as cli_main
from simulator.config import Scenario
from simulator.presets.catalog import find_scenario, list_presets
from ui import app as ui_app
from ui.launcher import frontends
from ui.mainwindow import MainWindow
from ui.session import Session

from tests.ui.conftest import host_point


@pytest.mark.parametrize("name", [info.name for info in list_presets() if info.valid])
def test_a_lesson_shown_before_its_simulation_is_built_is_the_lesson_at_time_0(name: str) -> None:
    scenario = find_scenario(name)
    built = Session(scenario)
    later = Session(scenario, start=False)
    assert not later.started and later.now == 0.0
    assert later.world_at(0.0) == built.world_at(0.0)
    assert later.update_narration() == built.update_narration()
    assert later.start() and later.started and not later.start()
    assert list(later.trace.events) == list(built.trace.events)
    assert later.world_at(0.0) == built.world_at(0.0)
    later.simulation.run_until(3.0)
    built.simulation.run_until(3.0)
    assert later.world_at(3.0) == built.world_at(3.0)
    assert later.update_narration() == built.update_narration()


def test_the_simulation_is_built_when_first_needed() -> None:
    session = Session(Scenario(duration=30.0), start=False)
    session.simulation.run_until(2.0)
    assert session.started and session.now == 2.0


def launch(qtbot, scenario: Scenario, until: float | None = None) -> MainWindow:  # type: ignore[no-untyped-def]
    """Open the window as ``leadersim gui`` does (ui.app.show_window) and let it load."""
    window = ui_app.show_window(scenario, until)
    qtbot.addWidget(window)
    # what the first frame will have: the whole window, no simulation and no timeline yet
    assert window.loading and not window.runner.session.started and window.timeline is None
    with qtbot.waitSignal(window.loaded, timeout=20000):
        pass
    return window


def test_the_launched_window_loads_by_itself_and_is_complete(qtbot) -> None:
    window = launch(qtbot, find_scenario("raft-leader-crash"))
    assert not window.loading
    assert window.runner.session.started
    assert window.timeline is not None
    qtbot.waitUntil(window.timeline.isVisible, timeout=5000)  # shown by the next event loop
    assert set(window.scene.hosts) == {"n1", "n2", "n3", "n4", "n5"}
    assert window.canvas.isVisible() and window.inspector.isVisible()
    assert window.narration.isVisible() and window.toolbar.isVisible()
    assert all(action.isEnabled() for action in window.actions_by_key.values())
    window.runner.seek(12.0)
    assert window.runner.world.leader is not None


def test_a_launch_with_until_runs_there_once_loaded(qtbot) -> None:
    window = launch(qtbot, find_scenario("raft-leader-crash"), until=12.0)
    assert window.runner.cursor == pytest.approx(12.0)
    assert window.runner.world.leader is not None and window.timeline is not None


def test_keys_and_clicks_work_before_the_window_has_finished_loading(qtbot) -> None:
    window = MainWindow(Session(Scenario(duration=60.0), start=False))
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    # no event processed yet: the deferred loading has not run (it follows the first paint);
    # activate the window at once (activateWindow would wait for the event loop)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        QApplication.setActiveWindow(window)
    window.canvas.fit()
    assert window.loading and not window.runner.session.started
    qtbot.mouseClick(window.canvas.viewport(), Qt.MouseButton.LeftButton,
                     pos=host_point(window, "n2"))
    assert window.scene.selected_host() == "n2"
    qtbot.keyClick(window, Qt.Key.Key_Period)  # Step: the simulation is built to find it
    assert window.runner.session.started and window.runner.cursor > 0.0
    qtbot.waitUntil(lambda: not window.loading, timeout=10000)
    assert window.timeline is not None
    at = window.runner.cursor
    qtbot.keyClick(window, Qt.Key.Key_Period)
    assert window.runner.cursor > at
    window.timeline.seek_requested.emit(1.5)
    assert window.runner.cursor == pytest.approx(1.5)


def test_a_simulation_that_cannot_start_is_one_dialog(qtbot) -> None:
    window = MainWindow(Session(Scenario(duration=60.0), start=False))
    qtbot.addWidget(window)
    window.runner.session._factory = broken_factory  # type: ignore[assignment]
    window.show()
    qtbot.waitUntil(lambda: not window.loading, timeout=10000)
    assert window.error_box is not None
    assert window.error_box.text() == "The simulation could not start: raft.nodes must be 1 or more"


def broken_factory(scenario: Scenario, seed: int | None) -> object:
    """A factory whose model refuses the scenario."""
    raise ValueError("raft.nodes must be 1 or more")


def test_a_broken_preset_on_the_command_line_is_one_message_and_no_window(
        qapp, tmp_path: Path, capsys) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("[raft]\nnodes = 0\n", encoding="utf-8")
    status = cli_main(["gui", str(broken)], frontends())
    assert status == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and "broken.toml" in lines[0] and "nodes" in lines[0]
    assert not [w for w in qapp.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
