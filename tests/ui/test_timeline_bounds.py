"""The timeline stays within the run: zooming out stops at the lesson, a click never seeks far.

A teacher zoomed a 70 s lesson's timeline out with the wheel (the axis showed -20000 s to
+20000 s) and clicked near its right edge: the window froze for a minute simulating to
t = 18889 s. The view is now held to 0 .. the run's extent (the lesson's end or the latest time
simulated, plus the fitting headroom), and a seek from a click stays in 0 .. that extent.
"""

from __future__ import annotations

import pytest
from PySide6 import QtCore, QtGui
from pytestqt.qtbot import QtBot

from simulator.config import Scenario
from ui.runner import SimRunner
from ui.session import Session
from ui.timeline.widget import FIT_HEADROOM

LESSON = 30.0


def _wheel(viewport, at: QtCore.QPoint, notches: int) -> None:  # type: ignore[no-untyped-def]
    """Turn the mouse wheel ``notches`` notches over ``at`` (negative: towards the user)."""
    step = 120 if notches > 0 else -120
    for _ in range(abs(notches)):
        event = QtGui.QWheelEvent(
            QtCore.QPointF(at), QtCore.QPointF(viewport.mapToGlobal(at)), QtCore.QPoint(0, 0),
            QtCore.QPoint(0, step), QtCore.Qt.MouseButton.NoButton,
            QtCore.Qt.KeyboardModifier.NoModifier, QtCore.Qt.ScrollPhase.NoScrollPhase, False,
        )
        QtCore.QCoreApplication.sendEvent(viewport, event)


def test_zooming_far_out_and_clicking_the_edge_stays_within_the_lesson(
    qtbot: QtBot, open_window
) -> None:
    window = open_window(Scenario(duration=LESSON), run_to=10.0)
    timeline = window.timeline
    viewbox = timeline.timeline.viewbox
    viewport = timeline.view.viewport()
    centre = timeline.view.mapFromScene(viewbox.sceneBoundingRect().center())
    _wheel(viewport, centre, -25)
    qtbot.wait(20)

    x0, x1 = timeline.time_range()
    assert x0 >= 0.0  # no negative times on the axis
    assert x1 <= LESSON * (1.0 + FIT_HEADROOM) + 1e-6  # not thousands of seconds

    rect = viewbox.sceneBoundingRect()
    edge = timeline.view.mapFromScene(QtCore.QPointF(rect.right() - 5, rect.center().y()))
    qtbot.mouseClick(viewport, QtCore.Qt.MouseButton.LeftButton, pos=edge)

    runner = window.runner
    assert runner.cursor <= LESSON + 1e-6
    assert runner.session.now <= LESSON + 1e-6
    assert timeline.cursor_time == runner.cursor


def test_panning_cannot_drag_the_view_before_zero(qtbot: QtBot, open_window) -> None:
    window = open_window(Scenario(duration=LESSON), run_to=5.0)
    timeline = window.timeline
    timeline.set_time_range(1.0, 4.0)
    viewbox = timeline.timeline.viewbox
    viewport = timeline.view.viewport()
    rect = viewbox.sceneBoundingRect()
    start = timeline.view.mapFromScene(QtCore.QPointF(rect.left() + 20, rect.center().y()))
    end = timeline.view.mapFromScene(QtCore.QPointF(rect.right() - 20, rect.center().y()))
    qtbot.mousePress(viewport, QtCore.Qt.MouseButton.LeftButton, pos=start)
    for step in range(1, 11):
        point = start + (end - start) * step / 10
        move = QtGui.QMouseEvent(
            QtCore.QEvent.Type.MouseMove, QtCore.QPointF(point),
            QtCore.QPointF(viewport.mapToGlobal(point)), QtCore.Qt.MouseButton.NoButton,
            QtCore.Qt.MouseButton.LeftButton, QtCore.Qt.KeyboardModifier.NoModifier,
        )
        QtCore.QCoreApplication.sendEvent(viewport, move)
    qtbot.mouseRelease(viewport, QtCore.Qt.MouseButton.LeftButton, pos=end)
    x0, x1 = timeline.time_range()
    assert x0 >= 0.0
    assert x1 - x0 == pytest.approx(3.0)


def test_a_seek_gesture_is_clamped_to_the_run_and_an_explicit_seek_is_not(qtbot: QtBot) -> None:
    runner = SimRunner(Session(Scenario(duration=5.0)))
    runner.seek_within_run(1e6)
    assert runner.cursor == 5.0 and runner.session.now <= 5.0 + 1e-6
    runner.seek_within_run(-3.0)
    assert runner.cursor == 0.0
    runner.seek_within_run(float("nan"))
    assert runner.cursor == 0.0
    runner.seek(8.0)  # gui --until 8: told so explicitly
    assert runner.cursor == 8.0
    runner.seek_within_run(1e6)  # the run has gone further than the lesson: up to there
    assert runner.cursor == runner.seek_limit == runner.end_time >= 8.0
