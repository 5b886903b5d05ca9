"""After a scripted leader crash the canvas draws the crown on the new leader, from the trace."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QColor, QImage

from simulator.config import FaultStep, Scenario
from tests.ui.conftest import host_point
from ui import style
from ui.app import render_window
from ui.mainwindow import MainWindow


def crown_pixels(window: MainWindow, image: QImage, host: str) -> int:
    """How many crown-gold pixels are drawn just above ``host``."""
    centre = host_point(window, host, dy=-style.NODE_RADIUS - 30)
    gold = QColor(style.CROWN_COLOUR)
    count = 0
    for dx in range(-14, 15):
        for dy in range(-10, 11):
            pixel = image.pixelColor(centre.x() + dx, centre.y() + dy)
            if (abs(pixel.red() - gold.red()) < 30 and abs(pixel.green() - gold.green()) < 30
                    and abs(pixel.blue() - gold.blue()) < 40):
                count += 1
    return count


def crash_scenario() -> Scenario:
    return Scenario(duration=30.0, faults=(FaultStep("crash", at=4.0, target="raft-leader"),))


def test_the_crown_moves_to_the_new_leader_after_the_leader_crashes(qtbot, open_window) -> None:
    window = open_window(crash_scenario(), run_to=3.9)
    old_leader = window.runner.world.leader
    assert old_leader is not None
    image = window.canvas.viewport().grab().toImage()
    assert crown_pixels(window, image, old_leader.id) > 20

    window.runner.seek(12.0)
    qtbot.wait(20)
    world = window.runner.world
    new_leader = world.leader
    assert new_leader is not None and new_leader.id != old_leader.id
    assert new_leader.term > old_leader.term
    assert world.raft_node(old_leader.id).crashed
    image = window.canvas.viewport().grab().toImage()
    assert crown_pixels(window, image, new_leader.id) > 20
    for view in world.raft:
        if view.id != new_leader.id:
            assert crown_pixels(window, image, view.id) == 0, f"no crown on {view.id}"
    narration = " ".join(window.narration.texts())
    assert f"{old_leader.id} crashed." in narration
    assert f"{new_leader.id} won the election and leads term {new_leader.term}." in narration


def test_seeking_back_before_the_crash_shows_the_old_leader_again(qtbot, open_window) -> None:
    window = open_window(crash_scenario(), run_to=12.0)
    new_leader = window.runner.world.leader
    window.runner.seek(3.5)
    world = window.runner.world
    assert world.leader is not None and world.leader.id != new_leader.id
    assert not any(view.crashed for view in world.raft)
    assert window.runner.session.forks == 0


def test_a_screenshot_renders_the_window_at_a_simulated_time(tmp_path: Path, qapp) -> None:
    path = tmp_path / "window.png"
    render_window(crash_scenario(), 6.0, path, size=(1280, 800))
    image = QImage(str(path))
    assert (image.width(), image.height()) == (1280, 800)
    colours = {image.pixel(x, y) for x in range(0, 1280, 37) for y in range(0, 800, 29)}
    assert len(colours) > 20, "the picture is not blank"
