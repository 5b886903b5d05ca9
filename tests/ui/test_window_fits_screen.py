"""The window fits the screen it opens on, remembers its geometry (shrunk to fit a smaller
screen), and every toolbar button is there at 1024x768."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from simulator.config import Scenario
from ui.mainwindow import DEFAULT_SIZE, MainWindow
from ui.session import Session


def new_window(qtbot) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(Session(Scenario(duration=30.0)))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_a_first_window_fits_its_screen(qtbot) -> None:
    free = QApplication.primaryScreen().availableGeometry()
    window = new_window(qtbot)
    assert free.contains(window.frameGeometry())
    assert window.width() >= min(DEFAULT_SIZE[0], free.width()) * 0.9
    assert window.height() >= min(DEFAULT_SIZE[1], free.height()) * 0.9


def test_the_geometry_is_remembered_and_shrunk_to_a_smaller_screen(qtbot) -> None:
    free = QApplication.primaryScreen().availableGeometry()
    first = new_window(qtbot)
    size = (free.width() - 100, free.height() - 150)  # not what a first start picks
    first.resize(*size)
    first.move(free.x() + 20, free.y() + 10)
    first.close()
    second = new_window(qtbot)
    assert (second.width(), second.height()) == size
    # a window left larger than this screen (it was on a bigger one) comes back inside it
    second.resize(free.width() + 600, free.height() + 400)
    second.close()
    third = new_window(qtbot)
    assert free.contains(third.frameGeometry())
    assert third.width() <= free.width() and third.height() <= free.height()


def test_every_control_fits_at_1024_by_768(qtbot, open_window) -> None:
    window = open_window()
    window.resize(1024, 768)
    qtbot.waitUntil(lambda: window.width() == 1024)
    QApplication.processEvents()
    assert window.toolbar.sizeHint().width() <= 1000, "no button hides behind »"
    hint = window.minimumSizeHint()
    assert hint.width() <= 1024 and hint.height() <= 768
    status = window.statusBar()
    assert status.sizeHint().width() <= 1024
