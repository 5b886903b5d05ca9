"""Presets in the window: the library, opening and dropping files, restart and seed, and saving
a session as a preset that replays to the same event log."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QInputDialog

from simulator.config import AppsConfig, AppServerConfig, FaultStep, Scenario
from simulator.presets.catalog import find_scenario, list_presets
from simulator.presets.loader import load_scenario
from simulator.runtime.simulation import Simulation
from simulator.trace.export import to_jsonl
from tests.ui.conftest import host_point
from tests.ui.test_canvas_gestures import stroke, vertical_wall
from ui.library import PresetLibrary
from ui.mainwindow import MainWindow


def drop_file(window: MainWindow, path: Path) -> bool:
    """Drag ``path`` over the window and drop it, as a file manager would; True when the
    window accepted the drag."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    enter = QDragEnterEvent(QPoint(200, 200), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, enter)
    accepted = enter.isAccepted()
    drop = QDropEvent(QPointF(200, 200), Qt.DropAction.CopyAction, mime,
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, drop)
    return accepted


def comparable(events) -> list[str]:  # type: ignore[no-untyped-def]
    """The event log as JSON lines, with the "schedule" marker of replayed user actions
    removed (the runtime marks every action that came from a preset's schedule)."""
    lines = []
    for line in to_jsonl(events).splitlines():
        record = json.loads(line)
        if record["kind"] == "user.action":
            record["detail"] = record["detail"].removeprefix("schedule").strip()
        lines.append(json.dumps(record))
    return lines


def test_the_library_lists_every_shipped_preset_and_opens_the_chosen_one(
        qtbot, open_window) -> None:
    window = open_window()
    shipped = [info for info in list_presets() if info.valid]
    window.actions_by_key["library"].trigger()
    library = window.files.library
    assert isinstance(library, PresetLibrary) and library.isVisible()
    assert library.list.count() == len(list_presets())
    chosen = next(info for info in shipped if info.name == "raft-leader-crash")
    library.select(chosen.name)
    assert chosen.title in library.details.text()
    first_words = " ".join(chosen.description.split()[:4])
    assert first_words in library.details.text()
    qtbot.keyClick(library.list, Qt.Key.Key_Return)
    assert not library.isVisible()
    assert window.runner.session.scenario.name == "raft-leader-crash"
    assert chosen.title in window.windowTitle()


def test_the_library_can_be_cancelled(qtbot, open_window) -> None:
    window = open_window()
    before = window.runner.session
    window.files.open_library()
    library = window.files.library
    assert library is not None
    qtbot.keyClick(library, Qt.Key.Key_Escape)
    assert window.runner.session is before


def test_dropping_a_preset_file_opens_it(qtbot, open_window, tmp_path: Path) -> None:
    window = open_window()
    text_file = tmp_path / "notes.txt"
    text_file.write_text("not a preset", encoding="utf-8")
    assert not drop_file(window, text_file), "only .toml files are accepted"
    preset = tmp_path / "three-nodes.toml"
    preset.write_text('[run]\ntitle = "Three nodes"\n[raft]\nnodes = 3\n', encoding="utf-8")
    assert drop_file(window, preset)
    assert window.runner.session.scenario.raft.node_ids == ("n1", "n2", "n3")
    assert sorted(h for h in window.scene.hosts) == ["n1", "n2", "n3"]
    assert "Three nodes" in window.windowTitle()


def test_dropping_a_broken_preset_shows_a_dialog_and_keeps_the_session(
        qtbot, open_window, tmp_path: Path) -> None:
    window = open_window(run_to=2.0)
    before = window.runner.session
    broken = tmp_path / "broken.toml"
    broken.write_text("[raft]\nnodes = 0\n", encoding="utf-8")
    drop_file(window, broken)
    assert window.error_box is not None and window.error_box.isVisible()
    assert "broken.toml" in window.error_box.text() and "nodes" in window.error_box.text()
    assert window.runner.session is before and window.runner.cursor == 2.0


def test_a_new_seed_restarts_the_run_and_restart_keeps_it(
        qtbot, open_window, monkeypatch: pytest.MonkeyPatch) -> None:
    window = open_window(run_to=4.0)
    monkeypatch.setattr(QInputDialog, "getText",
                        staticmethod(lambda *args, **kwargs: ("4242", True)))
    window.actions_by_key["seed"].trigger()
    session = window.runner.session
    assert session.seed == 4242 and window.runner.cursor == 0.0
    assert session.trace.events[0].seed == 4242  # type: ignore[attr-defined]
    assert "seed 4242" in window.seed_label.text()
    window.runner.seek(3.0)
    qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert window.runner.session is not session
    assert window.runner.session.seed == 4242 and window.runner.cursor == 0.0


def test_a_saved_session_replays_to_the_same_event_log(qtbot, open_window,
                                                       tmp_path: Path) -> None:
    """Walls, a clicked link, a crash by keyboard and a restart from the Node menu, then the
    session is saved; running the saved preset gives the same log, run.start included."""
    window = open_window(Scenario(name="lesson", duration=30.0), run_to=2.5)
    stroke(qtbot, window, vertical_wall(window, 650))
    window.runner.seek(4.0)
    cuts = window.runner.world.cuts
    link = next(link for (a, b), link in sorted(window.scene.links.items())
                if (a, b) not in cuts and (b, a) not in cuts)
    middle = link.p1 + (link.p2 - link.p1) * 0.5
    qtbot.mouseClick(window.canvas.viewport(), Qt.MouseButton.LeftButton,
                     pos=window.canvas.mapFromScene(middle))
    window.runner.seek(5.5)
    qtbot.mouseClick(window.canvas.viewport(), Qt.MouseButton.LeftButton,
                     pos=host_point(window, "n3"))
    qtbot.keyClick(window.canvas, Qt.Key.Key_C)
    window.runner.seek(8.0)
    for _ in range(3):  # Step: the cursor lands exactly on an event's time
        window.actions_by_key["step"].trigger()
    window.actions_by_key["node-restart"].trigger()
    window.runner.seek(9.0)
    button = window.toolbar.widgetForAction(window.actions_by_key["heal"])
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    window.runner.seek(15.0)
    session = window.runner.session
    names = [a.name for a in session.simulation.actions]  # type: ignore[attr-defined]
    assert names[:2] == ["partition", "cut"] and "crash" in names and "restart" in names
    assert window.error_box is None, "every action was accepted"

    path = tmp_path / "lesson.toml"
    assert window.files.save_session(path)
    saved = load_scenario(path)
    assert saved.seed == session.seed and len(saved.faults) == len(names)
    replay = Simulation(saved)
    replay.run_until(15.0)
    assert comparable(replay.trace.events) == comparable(session.trace.events)


def test_a_session_with_app_servers_and_a_new_seed_replays_too(qtbot, open_window,
                                                               tmp_path: Path) -> None:
    scenario = find_scenario("app-leader-crash")
    window = open_window(scenario)
    window.files.restart_with_seed(99)
    window.runner.seek(6.0)
    leader = next(app.id for app in window.runner.world.apps if app.leader)
    window.scene.select_host(leader)
    window.pause_seconds.setValue(3.0)
    qtbot.keyClick(window.canvas, Qt.Key.Key_P)
    window.runner.seek(12.0)
    leader = next(app.id for app in window.runner.world.apps if app.leader)
    window.scene.select_host(leader)
    qtbot.keyClick(window.canvas, Qt.Key.Key_E)
    window.runner.seek(14.0)
    stroke(qtbot, window, vertical_wall(window, 650))  # walls split the provider off too
    window.scene.select_host("provider")
    qtbot.keyClick(window.canvas, Qt.Key.Key_C)
    window.runner.seek(16.0)
    qtbot.keyClick(window.canvas, Qt.Key.Key_R)
    window.runner.seek(20.0)
    names = [a.name for a in window.runner.session.simulation.actions]  # type: ignore[attr-defined]
    assert names == ["pause", "app_exception", "partition", "crash", "restart"]
    assert window.error_box is None, "every action was accepted"
    path = tmp_path / f"{scenario.name}.toml"
    assert window.files.save_session(path)
    replay = Simulation(load_scenario(path))
    replay.run_until(20.0)
    session = window.runner.session
    assert replay.seed == 99
    assert comparable(replay.trace.events) == comparable(session.trace.events)


def test_saving_to_an_unwritable_place_shows_a_dialog(qtbot, open_window,
                                                      tmp_path: Path) -> None:
    window = open_window(run_to=1.0)
    before = window.runner.session
    assert not window.files.save_session(tmp_path / "missing" / "folder" / "x.toml")
    assert window.error_box is not None and "x.toml" in window.error_box.text()
    assert window.runner.session is before
    assert not window.files.save_session(tmp_path / "lesson.txt")
    assert ".toml" in window.error_box.text()


def test_open_preset_file_reads_a_written_scenario(qtbot, open_window, tmp_path: Path) -> None:
    scenario = Scenario(title="Two apps", apps=AppsConfig(servers=(
        AppServerConfig("app1"), AppServerConfig("app2"))),
        faults=(FaultStep("crash", at=3.0, target="raft-leader"),))
    from simulator.presets.writer import scenario_to_toml

    path = tmp_path / "two-apps.toml"
    path.write_text(scenario_to_toml(scenario), encoding="utf-8")
    window = open_window()
    assert window.open_preset(path)
    assert window.runner.session.scenario.app_ids == ("app1", "app2")
    assert "provider" in window.scene.hosts
    window.runner.seek(5.0)
    crashed = [view.id for view in window.runner.world.raft if view.crashed]
    assert len(crashed) == 1


def test_a_saved_session_writes_clean_action_times_even_at_time_zero(qtbot, open_window,
                                                                     tmp_path: Path) -> None:
    import re

    window = open_window(Scenario(name="lesson", duration=10.0))
    window.scene.select_host("n2")
    qtbot.keyClick(window.canvas, Qt.Key.Key_C)  # at t = 0, where run.start already happened
    window.runner.seek(2.0)
    for _ in range(2):  # the cursor lands exactly on an event's time
        window.actions_by_key["step"].trigger()
    window.scene.select_host("n2")
    window.actions_by_key["node-restart"].trigger()
    window.runner.seek(3.0)
    path = tmp_path / "lesson.toml"
    assert window.files.save_session(path)
    text = path.read_text(encoding="utf-8")
    times = [float(value) for value in re.findall(r"^at = (\S+)$", text, re.MULTILINE)]
    assert len(times) == 2
    for at in times:
        assert at > 0.0 and round(at, 6) == at, f"{at!r} is not a whole microsecond"
    assert "e-3" not in text
    replay = Simulation(load_scenario(path))
    replay.run_until(3.0)
    assert comparable(replay.trace.events) == comparable(window.runner.session.trace.events)
