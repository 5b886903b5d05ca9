"""Presenter mode draws the hosts clearly larger than a normal window does: the banner (time,
summary, caption) stands above the canvas, so the fit scales only the hosts; exported canvas
pictures still carry the banner."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from simulator.presets.catalog import find_scenario
from ui.mainwindow import PRESENTER_SCALE

NORMAL_WINDOW = (1280, 800)
PROJECTOR = (1920, 1080)


def on_screen_height(window, host: str) -> int:  # type: ignore[no-untyped-def]
    """The height in viewport pixels of ``host``'s body (its clickable shape)."""
    item = window.scene.hosts[host]
    body = item.mapRectToScene(item.shape().boundingRect())
    return window.canvas.mapFromScene(body).boundingRect().height()


def sized(qtbot, window, size: tuple[int, int], scale: float) -> None:  # type: ignore[no-untyped-def]
    window.resize(*size)
    qtbot.wait(50)
    window.size_panels(scale)
    qtbot.wait(50)
    assert (window.width(), window.height()) == size


@pytest.mark.parametrize(("preset", "hosts"), [
    ("raft-leader-crash", ("n1", "n4")),
    ("herd-etcd-election", ("n1", "app1", "app9")),
])
def test_presenter_mode_draws_hosts_half_again_as_large_as_a_normal_window(
        qtbot, open_window, preset: str, hosts: tuple[str, ...]) -> None:
    window = open_window(find_scenario(preset), run_to=20.0)
    sized(qtbot, window, NORMAL_WINDOW, 1.0)
    normal = [on_screen_height(window, host) for host in hosts]
    window.set_presenter(True)
    qtbot.wait(50)
    sized(qtbot, window, PROJECTOR, PRESENTER_SCALE)
    big = [on_screen_height(window, host) for host in hosts]
    for host, small, large in zip(hosts, normal, big, strict=True):
        assert large >= 1.5 * small, f"{host}: {small} px normal, {large} px presenting"
    viewport = window.canvas.viewport().rect()
    for host in window.scene.hosts:
        item = window.scene.hosts[host]
        shown = window.canvas.mapFromScene(item.sceneBoundingRect()).boundingRect()
        assert viewport.contains(shown), f"{host} is drawn whole inside the canvas"


def test_the_banner_stands_above_the_canvas_and_shows_time_and_caption(qtbot,
                                                                        open_window) -> None:
    window = open_window(find_scenario("raft-leader-crash"), run_to=20.0)
    banner = window.canvas_pane.banner
    assert banner.t == 20.0
    assert "Raft leader" in banner.summary
    assert banner.caption == window.scene.banner.caption != ""
    assert banner.isVisible() and banner.geometry().bottom() < window.canvas.geometry().top()
    assert not window.scene.banner.isVisible(), "the scene keeps no header on screen"
    top = min(window.scene.hosts[host].sceneBoundingRect().top() for host in window.scene.hosts)
    assert window.scene.sceneRect().top() > top - 60, "no empty strip above the hosts"


def test_exported_canvas_pictures_carry_the_banner(qtbot, open_window, tmp_path: Path) -> None:
    window = open_window(find_scenario("raft-leader-crash"), run_to=20.0)
    on_screen = window.scene.sceneRect()
    svg = tmp_path / "canvas.svg"
    assert window.files.export_canvas(svg, (1600, 900))
    text = svg.read_text(encoding="utf-8")
    assert "t = 20.000 s" in text and "Raft leader" in text
    assert window.scene.sceneRect() == on_screen, "the canvas on screen is as it was"
    assert not window.scene.banner.isVisible()
    png = tmp_path / "canvas.png"
    assert window.files.export_canvas(png, (1600, 900))
    image = QImage(str(png))
    caption = [y for y in range(0, 300, 2) for x in range(0, 1600, 8)
               if image.pixelColor(x, y).name() == "#fff7d6"]
    assert caption, "the caption's box is in the top part of the picture"
