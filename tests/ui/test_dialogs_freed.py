"""Nothing a user opens and closes stays behind: error boxes, the lesson's description (F1),
the preset library (Ctrl+L) and node menus are freed once closed, however often they open."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication, QMenu, QWidget

from tests.ui.conftest import host_point
from ui.mainwindow import MainWindow

CYCLES = 40


def live_objects(window: MainWindow) -> int:
    """Qt objects alive under the window and top-level widgets, after pending deletions."""
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return len(window.findChildren(QObject)) + len(QApplication.topLevelWidgets())


def close_with_escape(qtbot, widget: QWidget) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitExposed(widget)
    qtbot.keyClick(widget, Qt.Key.Key_Escape)
    assert not widget.isVisible()
    window = widget.parentWidget()
    # the offscreen platform does not give the window back its focus as a window manager does
    with qtbot.waitActive(window):
        window.activateWindow()


def cycle_lesson(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(window.canvas, Qt.Key.Key_F1)
    assert window.lesson_box is not None
    close_with_escape(qtbot, window.lesson_box)


def cycle_library(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(window.canvas, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.files.library is not None
    close_with_escape(qtbot, window.files.library)


def cycle_error(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    assert not window.open_preset(Path("no-such-folder/missing.toml"))  # a dialog says why
    assert window.error_box is not None
    close_with_escape(qtbot, window.error_box)


def cycle_menu(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    def close_menu() -> None:
        menu = QApplication.activePopupWidget()
        if isinstance(menu, QMenu):
            menu.close()
        else:
            QTimer.singleShot(10, close_menu)

    QTimer.singleShot(10, close_menu)
    viewport = window.canvas.viewport()
    point = host_point(window, "n2")
    QApplication.sendEvent(viewport, QContextMenuEvent(
        QContextMenuEvent.Reason.Mouse, point, viewport.mapToGlobal(point)))


def test_closed_dialogs_and_menus_do_not_accumulate(qtbot, open_window) -> None:
    window = open_window(run_to=2.0)
    qtbot.mouseClick(window.canvas.viewport(), Qt.MouseButton.LeftButton,
                     pos=host_point(window, "n2"))
    assert window.scene.selected_host() == "n2"
    for cycle in (cycle_lesson, cycle_library, cycle_error, cycle_menu):
        cycle(qtbot, window)  # the first one may create what is shared (fonts, styles)
        before = live_objects(window)
        for _ in range(CYCLES):
            cycle(qtbot, window)
        after = live_objects(window)
        assert after <= before, f"{cycle.__name__}: {after - before} objects more after " \
                                f"{CYCLES} cycles"
    assert window.error_box is None and window.lesson_box is None
    assert window.files.library is None
