"""The command opens the window through simulator.cli; narration, timeline and flashes follow
the trace."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from simulator.cli import main as cli_main
from simulator.trace.events import Violation
from ui.launcher import frontends


def test_gui_command_saves_a_screenshot_of_the_window_at_a_time(qapp, tmp_path: Path) -> None:
    path = tmp_path / "leader.png"
    status = cli_main(["gui", "raft-leader-crash", "--until", "12", "--screenshot", str(path)],
                      frontends())
    assert status == 0
    image = QImage(str(path))
    assert not image.isNull() and image.width() >= 800


def test_clicking_a_narration_sentence_seeks_there(qtbot, open_window) -> None:
    window = open_window(run_to=6.0)
    texts = window.narration.texts()
    row = next(i for i, text in enumerate(texts) if "won the election" in text)
    entry_time = float(texts[row].split("s")[0])
    item = window.narration.list.item(row)
    rect = window.narration.list.visualItemRect(item)
    qtbot.mouseClick(window.narration.list.viewport(), Qt.MouseButton.LeftButton,
                     pos=rect.center())
    assert abs(window.runner.cursor - entry_time) < 1e-3
    assert window.runner.world.leader is not None
    assert window.narration.list.count() == row + 1, "later sentences hide after seeking back"


def test_the_timeline_follows_the_cursor_and_seeks_the_canvas(qtbot, open_window) -> None:
    window = open_window(run_to=5.0)
    timeline = window.timeline
    assert timeline is not None
    assert abs(timeline.cursor_time - 5.0) < 1e-9
    timeline.seek_requested.emit(2.0)
    assert window.runner.cursor == 2.0
    assert abs(timeline.cursor_time - 2.0) < 1e-9


def test_a_violation_flashes_on_the_nodes_it_names(qtbot, open_window) -> None:
    window = open_window(run_to=3.0)
    session = window.runner.session
    session.trace.emit(Violation(3.0, "election-safety", "n2 and n4 both lead term 1"))
    window.runner.refresh()
    hosts = window.scene.hosts
    assert hosts["n2"].flash > 0 and hosts["n4"].flash > 0
    assert hosts["n1"].flash == 0
    window.runner.seek(6.0)
    assert hosts["n2"].flash == 0, "the flash fades after a couple of seconds"


def test_no_argument_opens_the_default_preset_ready_to_play(qapp) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from simulator.presets.catalog import DEFAULT_PRESET
    from ui.mainwindow import MainWindow

    seen: list[tuple[str, bool, float, bool]] = []

    def look_and_close() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, MainWindow) and widget.isVisible():
                runner = widget.runner
                seen.append((runner.session.scenario.name, runner.playing, runner.cursor,
                             widget.actions_by_key["play"].isEnabled()))
                widget.close()

    QTimer.singleShot(200, look_and_close)
    assert cli_main([], frontends()) == 0
    assert seen == [(DEFAULT_PRESET, False, 0.0, True)]


def test_the_window_shows_the_lessons_title_and_description(qtbot, open_window) -> None:
    from simulator.presets.catalog import find_scenario

    scenario = find_scenario("raft-leader-crash")
    window = open_window(scenario, run_to=3.0)
    texts = window.narration.texts()
    header = window.narration.header_rows
    assert header >= 2 and texts[0] == scenario.title
    assert window.narration.list.item(0).font().bold()
    first_words = " ".join(scenario.description.split()[:6])
    assert texts[1].startswith(first_words)
    assert len(texts) > header, "the sentences follow the lesson's text"
    window.runner.seek(0.0)
    assert window.narration.texts()[:header] == texts[:header], "seeking back keeps it"
    box = window.show_lesson()
    assert box.text() == scenario.title and first_words in box.informativeText()
    box.close()
    window.open_scenario(find_scenario("seed-steady"))
    assert window.narration.texts()[0] == find_scenario("seed-steady").title
