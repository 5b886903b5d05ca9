"""Presenter mode at its best on the projectors of classrooms (1280x800, 1024x768): tall lanes
with large names (only the key lanes, the legend a click away), a banner whose summary and
caption are never cut, every toolbar button there; leaving puts the normal window back."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetricsF

from simulator.presets.catalog import find_scenario
from ui.canvas.banner import layout_banner
from ui.mainwindow import PRESENTER_SCALE, MainWindow
from ui.style import font


def present_at(qtbot, window: MainWindow, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    """Presenter mode on a screen of ``size`` (the offscreen screen is another size, so the
    full-screen window is sized by hand, as the projector would)."""
    with qtbot.waitActive(window):
        window.activateWindow()
    qtbot.keyClick(window.canvas, Qt.Key.Key_F5)
    assert window.presenting
    qtbot.wait(50)
    window.resize(*size)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == size)
    window.size_panels(PRESENTER_SCALE)
    qtbot.wait(50)
    assert window.timeline is not None
    window.timeline.flush()


def assert_banner_whole(window: MainWindow) -> None:
    banner = window.canvas_pane.banner
    layout = layout_banner(banner.width(), banner.summary, banner.caption, banner.unit, True)
    assert layout.height <= banner.height() + 1, "the banner is tall enough for its text"
    summary_font = font(layout.summary_size * banner.unit)
    needed = QFontMetricsF(summary_font).boundingRect(
        layout.summary_rect.adjusted(0, 0, 0, 1000), int(Qt.TextFlag.TextWordWrap),
        banner.summary)
    assert needed.height() <= layout.summary_rect.height() + 1, "the summary is not cut"
    caption_font = font(layout.caption_size * banner.unit)
    inner = layout.caption_box.adjusted(14 * banner.unit, 2 * banner.unit,
                                        -14 * banner.unit, -2 * banner.unit)
    needed = QFontMetricsF(caption_font).boundingRect(
        inner.adjusted(0, 0, 0, 1000), int(Qt.TextFlag.TextWordWrap), banner.caption)
    assert needed.height() <= inner.height() + 1, "the caption is not clipped"
    assert layout.caption_size * banner.unit >= 17 * 1.2, "and it reads from the back"


@pytest.mark.parametrize("size", [(1024, 768), (1280, 800)])
def test_presenter_mode_on_a_classroom_projector(qtbot, open_window,  # type: ignore[no-untyped-def]
                                                 size: tuple[int, int]) -> None:
    window = open_window(find_scenario("app-leader-crash"), run_to=20.0)
    normal_lanes = len(window.timeline.timeline.lanes)
    present_at(qtbot, window, size)
    plot = window.timeline.timeline
    lanes = [lane.id for lane in plot.lanes]
    assert len(lanes) < normal_lanes, "only the lanes that matter"
    assert "app1" in lanes and "events" in lanes, "the leader's lane and the captions stay"
    pitch = plot.viewbox.height() / len(lanes)
    assert pitch >= 30, f"lanes {pitch:.1f} px tall"
    assert plot.lane_label_font().pixelSize() >= 18
    assert not window.timeline.legend_box.isChecked() and not plot.legend.isVisible()
    assert window.toolbar.sizeHint().width() <= size[0], "no button hides behind »"
    assert window.canvas.height() >= 250
    assert_banner_whole(window)
    # the legend and every lane are one click away
    qtbot.mouseClick(window.timeline.legend_box, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(window.timeline.key_box, Qt.MouseButton.LeftButton)
    window.timeline.flush()
    assert plot.legend.isVisible() and len(plot.lanes) == normal_lanes
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert not window.presenting and window.menuBar().isVisible()


def test_the_banner_never_truncates_a_long_summary(qtbot, open_window) -> None:
    window = open_window(find_scenario("kubernetes-clock-skew"), run_to=47.0)
    present_at(qtbot, window, (1024, 768))
    banner = window.canvas_pane.banner
    assert "app leader app1 (token 0), app3 (token 1)" in banner.summary
    assert_banner_whole(window)


def test_an_eventual_store_nodes_copy_reads_on_a_projector(qtbot, open_window) -> None:  # type: ignore[no-untyped-def]
    window = open_window(find_scenario("eventual-stale-read"), run_to=20.0)
    present_at(qtbot, window, (1024, 768))
    window.canvas.fit()
    item = window.scene.hosts["n1"]
    assert item.copy_lines() == ["app1", "@19.7"], "the value and its timestamp, one a line"
    on_screen = item.copy_font().pixelSize() * item.scale() * window.canvas.transform().m11()
    assert on_screen >= 9.0, f"the copy is {on_screen:.1f} px tall on a 1024x768 projector"
