"""Acting on nodes from the context menu and shortcuts, forks in the past, errors in dialogs."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication, QMenu

from tests.ui.conftest import host_point
from ui.mainwindow import MainWindow


def open_menu() -> QMenu | None:
    menu = QApplication.activePopupWidget()
    return menu if isinstance(menu, QMenu) and menu.isVisible() else None


def choose_from_context_menu(qtbot, window: MainWindow, host: str, text: str) -> None:  # type: ignore[no-untyped-def]
    """Right-click ``host`` and pick the entry starting with ``text`` using the keyboard."""
    chosen: list[str] = []
    tries = [0]

    def pick() -> None:
        menu = open_menu()
        if menu is None:
            tries[0] += 1
            if tries[0] < 100:
                QTimer.singleShot(50, pick)
            return
        for _ in range(len(menu.actions())):
            qtbot.keyClick(menu, Qt.Key.Key_Down)
            active = menu.activeAction()
            if active is not None and active.text().startswith(text):
                chosen.append(active.text())
                qtbot.keyClick(menu, Qt.Key.Key_Return)
                break
        if open_menu() is not None:
            open_menu().close()  # type: ignore[union-attr]

    QTimer.singleShot(50, pick)
    viewport = window.canvas.viewport()
    point = host_point(window, host)
    qtbot.mouseMove(viewport, point)
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, point,
                              viewport.mapToGlobal(point))
    QApplication.sendEvent(viewport, event)
    assert chosen, f"the menu of {host} offers {text!r}"


def test_crash_and_restart_from_the_context_menu(qtbot, open_window) -> None:
    window = open_window(run_to=3.0)
    choose_from_context_menu(qtbot, window, "n2", "Crash")
    trace = window.runner.session.trace
    assert trace.events[-1].kind == "node.crash" or any(
        e.kind == "node.crash" and e.node == "n2" for e in trace.events)
    assert window.runner.world.raft_node("n2").crashed
    assert window.scene.hosts["n2"].caption_text() == "crashed"
    window.runner.seek(4.0)
    choose_from_context_menu(qtbot, window, "n2", "Restart")
    restarts = [e for e in trace.events if e.kind == "node.restart"]
    # an action happens one float step after the cursor (see SimRunner.act)
    assert [(e.node, e.t) for e in restarts] == [("n2", pytest.approx(4.0, abs=1e-12))]
    assert not window.runner.world.raft_node("n2").crashed


def test_shortcuts_act_on_the_selected_node(qtbot, open_window) -> None:
    window = open_window(run_to=3.0)
    qtbot.mouseClick(window.canvas.viewport(), Qt.MouseButton.LeftButton,
                     pos=host_point(window, "n3"))
    assert window.scene.selected_host() == "n3"
    window.pause_seconds.setValue(2.5)
    qtbot.keyClick(window.canvas, Qt.Key.Key_P)
    pauses = [e for e in window.runner.session.trace.events if e.kind == "node.pause"]
    assert [(e.node, e.duration) for e in pauses] == [("n3", 2.5)]
    assert window.runner.world.raft_node("n3").paused
    assert "paused" in window.inspector.text


def test_acting_in_the_past_forks_the_run_there(qtbot, open_window) -> None:
    window = open_window(run_to=6.0)
    runner = window.runner
    old_simulation = runner.session.simulation
    runner.seek(2.0)
    assert runner.session.simulation is old_simulation, "seeking back does not fork"
    qtbot.mouseClick(window.canvas.viewport(), Qt.MouseButton.LeftButton,
                     pos=host_point(window, "n1"))
    qtbot.keyClick(window.canvas, Qt.Key.Key_C)
    session = runner.session
    assert session.forks == 1
    assert session.simulation is not old_simulation
    assert session.now == 2.0 and runner.cursor == 2.0
    crashes = [e for e in session.trace.events if e.kind == "node.crash"]
    assert [(e.node, e.t) for e in crashes] == [("n1", 2.0)]
    assert session.trace.end_time <= 2.0, "the old future is discarded"
    assert "forked 1" in window.seed_label.text()
    runner.seek(4.0)
    assert session.trace.end_time > 2.0, "the new future runs from the fork"


def test_a_refused_action_shows_a_dialog_and_the_session_stays(qtbot, open_window) -> None:
    window = open_window(run_to=1.0)
    simulation = window.runner.session.simulation
    assert not window.runner.act("pause", "n1", -3.0)
    assert window.error_box is not None and window.error_box.isVisible()
    assert "pause" in window.error_box.text()
    assert window.runner.session.simulation is simulation


def test_a_broken_preset_file_shows_a_dialog(qtbot, open_window, tmp_path: Path) -> None:
    window = open_window()
    broken = tmp_path / "broken.toml"
    broken.write_text("[raft]\nnodes = -4\n", encoding="utf-8")
    before = window.runner.session
    assert not window.open_preset(broken)
    assert window.error_box is not None and "broken.toml" in window.error_box.text()
    assert window.runner.session is before


def test_context_menu_of_a_raft_node_offers_its_actions(qtbot, open_window) -> None:
    window = open_window()
    menu = QMenu()
    window.fill_host_menu("n1", menu)
    texts = [a.text() for a in menu.actions() if a.text()]
    assert texts[0] == "n1"
    assert "Crash" in texts and "Restart" in texts and "Force election timeout" in texts
    assert any(t.startswith("Pause (GC) for") for t in texts)
    assert "Graceful shutdown" not in texts, "app-only actions are not offered on Raft nodes"



def test_opening_another_preset_rebuilds_the_canvas(qtbot, open_window) -> None:
    from simulator.presets.catalog import PRESETS_DIR

    window = open_window(run_to=2.0)
    assert not any(host.startswith("app") for host in window.scene.hosts)
    assert window.open_preset(PRESETS_DIR / "seed-steady.toml")
    assert window.runner.cursor == 0.0
    apps = [host for host in window.scene.hosts if host.startswith("app")]
    assert apps and "provider" in window.scene.hosts
    assert window.runner.session.scenario.name == "seed-steady"
    assert "seed-steady" in window.seed_label.text()


def test_an_unwritable_picture_path_shows_a_dialog(qtbot, open_window, tmp_path: Path) -> None:
    window = open_window()
    assert not window.save_picture(tmp_path / "missing-folder" / "window.png")
    assert window.error_box is not None and "missing-folder" in window.error_box.text()


def test_a_new_preset_leaves_no_old_links_on_the_canvas(qtbot, open_window) -> None:
    from PySide6.QtGui import QColor

    from simulator.config import RaftConfig, Scenario
    from tests.ui.conftest import to_view

    window = open_window(Scenario(raft=RaftConfig(nodes=3)))
    a, b = window.scene.hosts["n1"].pos(), window.scene.hosts["n2"].pos()
    old_middle = ((a.x() + b.x()) / 2, (a.y() + b.y()) / 2)
    window.open_scenario(Scenario(raft=RaftConfig(nodes=4)))
    qtbot.wait(20)
    assert set(window.scene.links) == {("n1", "n2"), ("n1", "n3"), ("n1", "n4"), ("n2", "n3"),
                                       ("n2", "n4"), ("n3", "n4")}
    point = to_view(window, *old_middle)
    scene_point = window.canvas.mapToScene(point)
    assert not any(link.shape().contains(scene_point) for link in window.scene.links.values())
    image = window.canvas.viewport().grab().toImage()
    pixel, background = image.pixelColor(point), QColor("#fbfbf8")
    assert abs(pixel.red() - background.red()) < 12
    assert abs(pixel.blue() - background.blue()) < 12
