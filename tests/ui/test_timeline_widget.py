"""The live timeline widget: it draws the trace, seeks on click, follows the cursor, zooms."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from PySide6 import QtCore, QtGui
from pytestqt.qtbot import QtBot

from simulator.config import AppsConfig, AppServerConfig, Scenario
from simulator.trace import events as ev
from tests.ui.test_timeline_stories import (
    CRASH_AT,
    NEW_LEADER_AT,
    TAKEOVER_AT,
    leader_crash_story,
    story_scenario,
)
from ui.timeline.model import TimelineModel
from ui.timeline.widget import TimelineWidget


@pytest.fixture
def widget(qtbot: QtBot) -> TimelineWidget:
    timeline = TimelineWidget(TimelineModel.from_scenario(story_scenario()))
    qtbot.addWidget(timeline)
    timeline.resize(1000, 500)
    timeline.show()
    qtbot.waitExposed(timeline)
    timeline.append_events(leader_crash_story())
    qtbot.waitUntil(lambda: timeline.time_range()[1] >= 30.0 - 1e-6)
    timeline.redraw()
    return timeline


def _bars(widget: TimelineWidget, state: str) -> list[tuple[float, float, float]]:
    """(x0, x1, lane y) of the drawn bars of ``state``."""
    return [(a, b, round(c + d / 2)) for a, b, c, d in widget.timeline.drawn_bars(state)]


def _view_to_widget(widget: TimelineWidget, t: float, y: float) -> QtCore.QPoint:
    scene = widget.timeline.viewbox.mapViewToScene(QtCore.QPointF(t, y))
    return widget.view.mapFromScene(scene)


def test_new_leader_bar_is_drawn_on_its_lane_from_its_election(widget: TimelineWidget) -> None:
    n1 = widget.timeline.lane_y("n1")
    n3 = widget.timeline.lane_y("n3")
    leaders = _bars(widget, "leader")
    on_n1 = [(a, b) for a, b, y in leaders if y == n1]
    on_n3 = [(a, b) for a, b, y in leaders if y == n3]
    assert on_n1 == [pytest.approx((NEW_LEADER_AT, 30.0))]
    assert len(on_n3) == 1 and on_n3[0][1] == pytest.approx(CRASH_AT)
    app2 = widget.timeline.lane_y("app2")
    assert [(a, y) for a, _, y in _bars(widget, "app-leader") if y == app2] == [
        (pytest.approx(TAKEOVER_AT), app2)
    ]
    crashes = {y for _, _, y in _bars(widget, "crash")}
    assert n3 in crashes and widget.timeline.lane_y("app1") in crashes


def test_markers_are_plotted_for_expiry_and_hand_over(widget: TimelineWidget) -> None:
    expired = widget.timeline.drawn_marks("lease-expired")
    assert [t for t, _ in expired] == [pytest.approx(19.0)]
    app1 = widget.timeline.lane_y("app1") or 0.0
    assert app1 < expired[0][1] < app1 + 0.5
    takeovers = sorted(t for t, _ in widget.timeline.drawn_marks("app-leader"))
    assert takeovers == [pytest.approx(2.05), pytest.approx(TAKEOVER_AT)]


def test_clicking_the_plot_requests_a_seek_to_the_clicked_time(
    qtbot: QtBot, widget: TimelineWidget
) -> None:
    point = _view_to_widget(widget, 12.0, widget.timeline.lane_y("n2") or 1.0)
    with qtbot.waitSignal(widget.seek_requested, timeout=2000) as blocker:
        qtbot.mouseClick(widget.view.viewport(), QtCore.Qt.MouseButton.LeftButton, pos=point)
    (t,) = blocker.args
    per_pixel = 30.0 / widget.timeline.viewbox.width()
    assert t == pytest.approx(12.0, abs=3 * per_pixel)
    assert widget.cursor_time == pytest.approx(t)
    assert widget.timeline.cursor.value() == pytest.approx(t)


def test_set_cursor_moves_the_line_and_follow_keeps_it_in_view(
    qtbot: QtBot, widget: TimelineWidget
) -> None:
    widget.set_time_range(0.0, 10.0)
    widget.set_cursor(5.0)
    assert widget.timeline.cursor.value() == pytest.approx(5.0)
    assert widget.time_range() == pytest.approx((0.0, 10.0))
    widget.set_follow(True)
    widget.set_cursor(25.0)
    x0, x1 = widget.time_range()
    assert x0 < 25.0 < x1
    assert x1 - x0 == pytest.approx(10.0)
    widget.set_follow(False)
    widget.set_cursor(29.0)
    assert widget.time_range() == pytest.approx((x0, x1))


def test_fit_all_shows_the_whole_run_and_grows_with_it(
    qtbot: QtBot, widget: TimelineWidget
) -> None:
    widget.set_time_range(5.0, 6.0)
    widget.fit_all()
    assert widget.time_range() == pytest.approx((0.0, 30.0))
    widget.feed(ev.RaftRole(45.0, "n2", "precandidate", 2))
    widget.feed(ev.RunEnd(48.0))
    qtbot.waitUntil(lambda: widget.time_range()[1] >= 48.0)
    x0, x1 = widget.time_range()
    assert x0 == 0.0 and x1 <= 48.0 * 1.25
    n2 = widget.timeline.lane_y("n2")
    assert any(a == pytest.approx(45.0) and y == n2 for a, _, y in _bars(widget, "precandidate"))


def test_wheel_zooms_time_only(qtbot: QtBot, widget: TimelineWidget) -> None:
    viewbox = widget.timeline.viewbox
    (x0, x1), (y0, y1) = viewbox.viewRange()
    center = _view_to_widget(widget, 15.0, 2.0)
    viewport = widget.view.viewport()
    event = QtGui.QWheelEvent(
        QtCore.QPointF(center), QtCore.QPointF(viewport.mapToGlobal(center)),
        QtCore.QPoint(0, 0), QtCore.QPoint(0, 240), QtCore.Qt.MouseButton.NoButton,
        QtCore.Qt.KeyboardModifier.NoModifier, QtCore.Qt.ScrollPhase.NoScrollPhase, False,
    )
    QtCore.QCoreApplication.sendEvent(viewport, event)
    (nx0, nx1), (ny0, ny1) = viewbox.viewRange()
    assert nx1 - nx0 < (x1 - x0) * 0.9
    assert nx0 < 15.0 < nx1
    assert (ny0, ny1) == pytest.approx((y0, y1))


def test_an_hour_of_flapping_draws_at_most_a_few_bars_per_pixel(qtbot: QtBot) -> None:
    model = TimelineModel(("n1", "n2"))
    for i in range(7200):
        t = i * 0.5
        model.append(ev.RaftRole(t, "n1", "precandidate" if i % 2 else "follower", 1))
    model.append(ev.RaftRole(0.0, "n2", "leader", 1))
    model.append(ev.RunEnd(3600.0))
    timeline = TimelineWidget(model)
    qtbot.addWidget(timeline)
    timeline.resize(800, 300)
    timeline.show()
    qtbot.waitExposed(timeline)
    timeline.fit_all()
    timeline.redraw()
    pixels = timeline.timeline.viewbox.width()
    drawn = len(_bars(timeline, "follower")) + len(_bars(timeline, "precandidate"))
    assert 0 < drawn <= pixels + 2
    timeline.set_time_range(100.0, 110.0)
    timeline.redraw()
    close_up = [(a, b) for a, b, _ in _bars(timeline, "precandidate")]
    assert len(close_up) >= 10
    assert all(b - a == pytest.approx(0.5) for a, b in close_up[1:-1])


def test_export_writes_the_visible_window(
    qtbot: QtBot, widget: TimelineWidget, tmp_path: Path
) -> None:
    widget.set_time_range(12.0, 18.0)
    out = tmp_path / "window.svg"
    widget.export_picture(out, width=1000, height=500, title="Leader crash")
    text = out.read_text(encoding="utf-8")
    assert "Leader crash: 12.0 to 18.0 s" in text
    assert "term 2" in text and "term 1" not in text
    png = tmp_path / "window.png"
    widget.export_picture(png, width=900)
    image = QtGui.QImage(str(png))
    assert image.width() == 900 and not image.isNull()
    with pytest.raises(ValueError, match="window.gif"):
        widget.export_picture(tmp_path / "window.gif")


def test_presenter_scale_keeps_the_view_and_still_seeks(
    qtbot: QtBot, widget: TimelineWidget
) -> None:
    widget.set_time_range(5.0, 25.0)
    widget.set_cursor(7.0)
    normal_font = widget.timeline.plot.getAxis("bottom").style["tickFont"].pointSizeF()
    widget.set_scale(1.8)
    assert widget.timeline.plot.getAxis("bottom").style["tickFont"].pointSizeF() > normal_font
    assert widget.time_range() == pytest.approx((5.0, 25.0))
    assert widget.timeline.cursor.value() == pytest.approx(7.0)
    qtbot.wait(10)
    point = _view_to_widget(widget, 20.0, 2.0)
    with qtbot.waitSignal(widget.seek_requested, timeout=2000) as blocker:
        qtbot.mouseClick(widget.view.viewport(), QtCore.Qt.MouseButton.LeftButton, pos=point)
    assert blocker.args[0] == pytest.approx(20.0, abs=0.2)


def test_a_new_model_replaces_the_marks_even_with_the_same_count(
    qtbot: QtBot, widget: TimelineWidget
) -> None:
    before = sorted(t for t, _ in widget.timeline.drawn_marks("elected"))
    assert before == [pytest.approx(1.23), pytest.approx(11.33)]
    shifted = [dataclasses.replace(e, t=e.t + 1.0) for e in leader_crash_story()]
    other = TimelineModel.from_scenario(story_scenario(), shifted)
    assert other.mark_count() == widget.model.mark_count()
    widget.set_model(other)
    after = sorted(t for t, _ in widget.timeline.drawn_marks("elected"))
    assert after == [pytest.approx(2.23), pytest.approx(12.33)]
    assert widget.time_range() == pytest.approx((0.0, 31.0))


def test_hovering_a_lane_says_what_it_was_doing(qtbot: QtBot, widget: TimelineWidget) -> None:
    point = QtCore.QPointF(_view_to_widget(widget, 20.0, widget.timeline.lane_y("n1") or 1.0))
    viewport = widget.view.viewport()
    move = QtGui.QMouseEvent(
        QtCore.QEvent.Type.MouseMove, point, viewport.mapToGlobal(point),
        QtCore.Qt.MouseButton.NoButton, QtCore.Qt.MouseButton.NoButton,
        QtCore.Qt.KeyboardModifier.NoModifier,
    )
    QtCore.QCoreApplication.sendEvent(viewport, move)
    qtbot.waitUntil(lambda: widget.hover_label.text().startswith("n1 at "), timeout=1000)
    text = widget.hover_label.text()
    assert float(text.split()[2]) == pytest.approx(20.0, abs=0.1)
    assert "leader in term 2" in text


def test_widening_a_narrow_timeline_brings_its_axis_and_legend_back_into_view(
        widget: TimelineWidget, qtbot: QtBot) -> None:
    # Narrow and large (presenter mode), the legend needs many rows; widened again, the
    # plot and legend must fit the view's height instead of running off its bottom.
    widget.resize(300, 300)
    widget.set_scale(1.5)
    qtbot.wait(20)
    widget.resize(1600, 300)
    qtbot.waitUntil(lambda: widget.view.width() > 1000)
    layout = widget.view.ci.geometry()
    assert layout.height() <= widget.view.height() + 0.5
    assert widget.timeline.legend.sceneBoundingRect().bottom() <= widget.view.height() + 0.5


def _lane_label_line_height(timeline: TimelineWidget) -> float:
    font = timeline.timeline.plot.getAxis("left").style["tickFont"]
    return float(QtGui.QFontMetricsF(font).height())


def test_lane_names_shrink_to_their_lanes_when_many_lanes_crowd_a_short_timeline(
        qtbot: QtBot) -> None:
    servers = tuple(AppServerConfig(f"app{i}") for i in range(1, 10))
    crowded = TimelineWidget(TimelineModel.from_scenario(
        Scenario(apps=AppsConfig(servers=servers))), scale=1.5)
    qtbot.addWidget(crowded)
    crowded.resize(1000, 330)
    crowded.show()
    qtbot.waitExposed(crowded)
    crowded.redraw()
    lanes = len(crowded.timeline.lanes)
    assert lanes == 15  # events, five Raft nodes, nine app servers
    pitch = crowded.timeline.viewbox.height() / lanes
    assert _lane_label_line_height(crowded) <= pitch + 0.5, "neighbouring names would overlap"

    crowded.resize(1000, 1400)
    qtbot.waitUntil(lambda: crowded.timeline.viewbox.height() / lanes > 40)
    crowded.redraw()
    roomy = _lane_label_line_height(crowded)
    assert roomy > pitch + 0.5, "with room again the names grow back to full size"
