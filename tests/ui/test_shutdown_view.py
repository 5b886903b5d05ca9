"""A gracefully shut-down app server looks shut down: canvas, inspector and timeline lane."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from simulator.presets.catalog import find_scenario
from tests.ui.conftest import host_point
from ui import style
from ui.mainwindow import MainWindow
from ui.timeline.model import TimelineModel


def click(qtbot, window: MainWindow, host: str) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(window.canvas.viewport(), Qt.MouseButton.LeftButton,
                     pos=host_point(window, host))
    assert window.scene.selected_host() == host


def box_colour(window: MainWindow, host: str) -> QColor:
    """The fill of the app server's box, in its right-hand end (right of the text)."""
    image = window.canvas.viewport().grab().toImage()
    point = host_point(window, host, dx=style.APP_WIDTH / 2 - 8, dy=style.APP_HEIGHT / 2 - 8)
    return image.pixelColor(point.x(), point.y())


def shut_down_bars(window: MainWindow, lane: str) -> list[tuple[float, float]]:
    lanes = [item.id for item in window.timeline.model.lanes()]  # type: ignore[union-attr]
    row = lanes.index(lane)
    return [(round(a, 3), round(b, 3))
            for a, b, top, height in window.timeline.timeline.drawn_bars("shutdown")  # type: ignore[union-attr]
            if round(top + height / 2) == row]


def inspector_words(window: MainWindow) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", window.inspector.text).split())


def legend_texts(window: MainWindow) -> list[str]:
    return [entry.text for entry in window.timeline.timeline.legend.entries]  # type: ignore[union-attr]


def test_the_shutdown_lesson_draws_app1_shut_down_after_30_s(qtbot, open_window) -> None:
    window = open_window(find_scenario("app-leader-shutdown"), run_to=29.0)
    item = window.scene.hosts["app1"]
    assert item.status_text() == "★ LEADER"
    assert "Shut down" not in legend_texts(window)

    window.runner.seek(35.0)
    qtbot.wait(20)
    assert window.runner.world.app("app1").shut_down  # type: ignore[union-attr]
    assert item.status_text() == "shut down"
    assert box_colour(window, "app1") == QColor(style.SHUTDOWN_COLOUR)
    assert box_colour(window, "app2") == QColor(style.APP_IDLE_COLOUR)
    click(qtbot, window, "app1")
    assert inspector_words(window).startswith("App server app1 state shut down believes")
    window.timeline.flush()  # type: ignore[union-attr]
    assert shut_down_bars(window, "app1") == [(30.0, 35.0)]
    assert shut_down_bars(window, "app2") == []
    assert "Shut down" in legend_texts(window)


def test_a_shutdown_by_hand_lasts_until_the_restart(qtbot, open_window) -> None:
    window = open_window(find_scenario("app-leader-crash"), run_to=10.0)
    click(qtbot, window, "app2")
    qtbot.keyClick(window.canvas, Qt.Key.Key_G)
    window.runner.seek(15.0)
    qtbot.wait(20)
    assert window.scene.hosts["app2"].status_text() == "shut down"
    assert inspector_words(window).startswith("App server app2 state shut down believes")
    assert box_colour(window, "app2") == QColor(style.SHUTDOWN_COLOUR)

    qtbot.keyClick(window.canvas, Qt.Key.Key_R)
    window.runner.seek(20.0)
    qtbot.wait(20)
    assert window.scene.hosts["app2"].status_text() == "standby"
    assert inspector_words(window).startswith("App server app2 state running believes")
    window.timeline.flush()  # type: ignore[union-attr]
    assert shut_down_bars(window, "app2") == [(10.0, 15.0)]


def test_the_lane_model_shades_a_shutdown_from_json_events() -> None:
    model = TimelineModel(("n1",), ("app1", "app2"))
    model.extend([
        {"t": 2.0, "kind": "user.action", "action": "shutdown", "target": "app2",
         "detail": "skipped: app2 is crashed"},
        {"t": 3.0, "kind": "user.action", "action": "app_shutdown", "target": "app1",
         "detail": "schedule server=app1"},
        {"t": 8.0, "kind": "node.crash", "node": "app1"},
    ])
    spans = model.spans("app1", "crash", until=9.0)
    assert [(s.start, s.end, s.state) for s in spans] == [(3.0, 8.0, "shutdown"),
                                                          (8.0, 9.0, "crash")]
    assert model.spans("app2", "crash") == []
    assert "shut down since 3.000 s" in model.describe("app1", 5.0)
    assert "shutdown" in model.bar_states()
