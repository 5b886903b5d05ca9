"""The ZooKeeper client's state shows in the window: canvas label and inspector (issue 14)."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt

from simulator.presets.catalog import find_scenario
from simulator.runtime.simulation import Simulation
from simulator.trace.events import AppSession
from tests.ui.conftest import host_point
from ui.mainwindow import MainWindow


def inspector_words(window: MainWindow) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", window.inspector.text).split())


def expired_at(window: MainWindow) -> float:
    """When app1's client learnt that its first session expired (the same run, headless)."""
    sim = Simulation(window.runner.session.scenario, seed=window.runner.session.seed)
    sim.run_until(55.0)
    return next(e.t for e in sim.trace if isinstance(e, AppSession) and e.server == "app1"
                and e.state == "expired")


def test_the_expired_twin_shows_a_disconnected_leader_then_its_expired_session(
    qtbot, open_window
) -> None:
    window = open_window(find_scenario("zookeeper-expired"), run_to=33.0)
    item = window.scene.hosts["app1"]
    assert (item.status_text(), item.detail_text()) == ("★ LEADER", "token 0")
    qtbot.mouseClick(window.canvas.viewport(), Qt.MouseButton.LeftButton,
                     pos=host_point(window, "app1"))
    assert "ZooKeeper session 1: connected" in inspector_words(window)

    window.runner.seek(45.0)
    qtbot.wait(20)
    assert window.runner.world.app("app1").session_state == "disconnected"  # type: ignore[union-attr]
    assert (item.status_text(), item.detail_text()) == ("★ LEADER", "disconnected")
    assert "ZooKeeper session 1: disconnected" in inspector_words(window)

    expired = expired_at(window)  # the link healed at 50 s: the client reached the ensemble
    window.runner.seek(expired + 0.001)
    qtbot.wait(20)
    assert (item.status_text(), item.detail_text()) == ("standby", "expired")
    assert "ZooKeeper session 1: expired" in inspector_words(window)

    window.runner.seek(51.0)
    qtbot.wait(20)
    assert item.status_text() == "standby"  # a new session, connected, at the end of the queue
    assert item.detail_text().startswith("token")
    assert "ZooKeeper session 4: connected" in inspector_words(window)
