"""Python holds no wrapper of a layout item Qt made, so none can go stale under a freed address:
through the timeline joining the window, a fork from the past, presenter mode's rebuilt timeline
and the run summary. (Such a stale QWidgetItem wrapper crashed QListWidget.clear() in the
narration after a fork, and reached pyqtgraph's drawPixmapFragments as its fragment array.)"""

from __future__ import annotations

import warnings

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from simulator.presets.catalog import find_scenario
from tests.ui.conftest import host_point
from ui.layouts import qt_made_item_wrappers
from ui.narration import NarrationWidget


def test_the_check_sees_the_wrapper_a_filled_row_leaves_behind(qtbot) -> None:  # type: ignore[no-untyped-def]
    """The pattern the timeline's header row had: a filled row added to a layout, then its
    widget moved to another window's row. Qt deletes the row's item; its wrapper stays."""
    top, elsewhere = QWidget(), QWidget()
    outer, other_row = QVBoxLayout(top), QHBoxLayout(elsewhere)
    row = QHBoxLayout()
    label = QLabel("Follow")
    row.addWidget(label)
    outer.addLayout(row)
    assert [type(item).__name__ for item in qt_made_item_wrappers()] == ["QWidgetItem"]
    other_row.addWidget(label)
    assert row.count() == 0, "Qt deleted the row's item for the label"
    assert len(qt_made_item_wrappers()) == 1, "its wrapper is still registered: stale"
    shiboken6.delete(top)  # the layout's wrapper goes and takes its children with it
    shiboken6.delete(elsewhere)
    assert qt_made_item_wrappers() == []


def test_a_row_added_empty_and_filled_after_leaves_no_wrapper(qtbot) -> None:  # type: ignore[no-untyped-def]
    top = QWidget()
    qtbot.addWidget(top)
    outer = QVBoxLayout(top)
    row = QHBoxLayout()
    outer.addLayout(row)
    row.addWidget(QLabel("Follow"))
    row.addStretch(1)
    assert qt_made_item_wrappers() == []


def test_fork_presenter_mode_and_summary_leave_no_layout_item_wrapper(qtbot, open_window) -> None:  # type: ignore[no-untyped-def]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        window = open_window(find_scenario("raft-leader-under-app"), run_to=8.0)
        assert window.timeline is not None
        controls = window.timeline.header_controls()  # type: ignore[attr-defined]
        assert all(control.parentWidget() is not window.timeline for control in controls), \
            "the timeline's controls sit in the window's seek row"
        assert qt_made_item_wrappers() == []
        runner = window.runner
        narration: NarrationWidget = window.narration
        lesson = narration.texts()[:narration.header_rows]
        runner.seek(20.0)
        runner.seek(12.0)
        qtbot.mouseClick(window.canvas.viewport(), Qt.MouseButton.LeftButton,
                         pos=host_point(window, "n4"))
        qtbot.keyClick(window.canvas, Qt.Key.Key_C)  # crash n4 in the past: a fork
        assert runner.session.forks == 1
        assert narration.texts()[:narration.header_rows] == lesson
        told = narration.texts()[narration.header_rows:]
        said = [entry for entry in runner.session.narration if entry.t <= runner.cursor]
        assert told == [f"{entry.t:8.3f} s   {entry.text}" for entry in said] and told
        qtbot.keyClick(window.canvas, Qt.Key.Key_F5)  # presenter mode rebuilds the timeline
        qtbot.keyClick(window.canvas, Qt.Key.Key_F5)
        qtbot.keyClick(window.canvas, Qt.Key.Key_S)  # the run summary
        qtbot.waitUntil(lambda: window.summary_dialog is not None
                        and window.summary_dialog.isVisible())
        window.timeline.grab()  # paints the marks (pyqtgraph's pixmap fragments)
        assert qt_made_item_wrappers() == []
    ignored = [str(warning.message) for warning in caught
               if "Ignored exception" in str(warning.message)]
    assert ignored == []
