"""Fixtures for the window tests: settings in a temporary folder, a shown window on a scenario."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF

from simulator.config import Scenario
from ui import settings as prefs
from ui.layouts import qt_made_item_wrappers
from ui.mainwindow import MainWindow
from ui.session import Session


@pytest.fixture(autouse=True)
def temporary_settings(tmp_path: Path) -> Iterator[Path]:
    """Every test reads and writes its own settings file."""
    directory = tmp_path / "settings"
    directory.mkdir()
    prefs.use_directory(directory)
    yield directory


@pytest.fixture(autouse=True)
def no_layout_item_wrappers() -> Iterator[None]:
    """Every test ends with no Python wrapper of a layout item Qt made (ui/layouts.py: Qt
    deletes such items unseen, and a stale wrapper answers for the next object at its address)."""
    yield
    made = [type(item).__name__ for item in qt_made_item_wrappers()]
    assert made == [], f"wrappers of Qt-made layout items left alive: {made}"


@pytest.fixture
def open_window(qtbot) -> Callable[..., MainWindow]:  # type: ignore[no-untyped-def]
    """Open a window on a scenario (default: five Raft nodes) and return it once shown."""

    def make(scenario: Scenario | None = None, run_to: float = 0.0) -> MainWindow:
        window = MainWindow(Session(scenario or Scenario(duration=60.0)))
        qtbot.addWidget(window)
        window.resize(1400, 900)
        window.show()
        qtbot.waitExposed(window)
        with qtbot.waitActive(window):
            window.activateWindow()
        window.canvas.fit()
        qtbot.waitUntil(lambda: window.timeline is not None, timeout=5000)
        if run_to:
            window.runner.seek(run_to)
            if not window.isActiveWindow():  # a long seek's progress dialog came and went
                with qtbot.waitActive(window):
                    window.activateWindow()
        return window

    return make


def to_view(window: MainWindow, x: float, y: float) -> QPoint:
    """The canvas viewport point showing scene point (x, y)."""
    return window.canvas.mapFromScene(QPointF(x, y))


def host_point(window: MainWindow, host: str, dx: float = 0.0, dy: float = 0.0) -> QPoint:
    """The viewport point at the centre of ``host`` (plus an offset in scene units)."""
    position = window.scene.hosts[host].pos()
    return to_view(window, position.x() + dx, position.y() + dy)
