"""An action taken while paused shows its own effect at once: the picture at the cursor is the
trace's state at the cursor, the events the action set off at that instant included."""

from __future__ import annotations

from PySide6.QtCore import Qt

from simulator.config import AppServerConfig, AppsConfig, FaultStep, Scenario
from tests.ui.conftest import host_point
from ui.mainwindow import MainWindow


def press_on(qtbot, window: MainWindow, host: str, key: Qt.Key,  # type: ignore[no-untyped-def]
             modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    """Select ``host`` with a click and press ``key`` (paused: nothing plays afterwards)."""
    qtbot.mouseClick(window.canvas.viewport(), Qt.MouseButton.LeftButton,
                     pos=host_point(window, host))
    assert window.scene.selected_host() == host
    qtbot.keyClick(window.canvas, key, modifier)
    assert not window.runner.playing


def assert_view_is_the_trace(window: MainWindow) -> None:
    """What is drawn is a fresh projection of the whole trace at the cursor."""
    runner = window.runner
    assert runner.world.event_index == runner.session.trace.index_at(runner.cursor)
    assert runner.world == runner.session.projector.world_at(runner.cursor, runner.linger)


def test_a_restarted_old_leader_is_drawn_as_a_follower_at_once(qtbot, open_window) -> None:
    window = open_window(Scenario(duration=30.0, faults=(
        FaultStep("crash", at=4.0, target="raft-leader"),)), run_to=3.9)
    old = window.runner.world.leader
    assert old is not None
    window.runner.seek(12.0)
    new = window.runner.world.leader
    assert new is not None and new.id != old.id
    press_on(qtbot, window, old.id, Qt.Key.Key_R)
    world = window.runner.world
    assert not world.raft_node(old.id).crashed
    assert [view.id for view in world.raft if view.is_leader] == [new.id], "one crown"
    assert window.scene.hosts[old.id].caption_text() == "follower"
    assert f"Raft leader {new.id}" in window.canvas_pane.banner.summary
    assert_view_is_the_trace(window)


def test_force_timeout_and_clock_skew_show_at_once(qtbot, open_window) -> None:
    window = open_window(Scenario(duration=30.0), run_to=5.0)
    follower = next(view.id for view in window.runner.world.raft if view.role == "follower")
    press_on(qtbot, window, follower, Qt.Key.Key_T)
    assert window.runner.world.raft_node(follower).role in ("precandidate", "candidate")
    assert_view_is_the_trace(window)
    press_on(qtbot, window, follower, Qt.Key.Key_K)
    assert window.runner.world.raft_node(follower).clock_offset == 1.0
    assert_view_is_the_trace(window)


def app_scenario() -> Scenario:
    servers = tuple(AppServerConfig(f"app{i}") for i in (1, 2, 3))
    return Scenario(duration=30.0, apps=AppsConfig(servers=servers))


def test_an_app_leader_that_raises_or_shuts_down_stops_leading_at_once(
        qtbot, open_window) -> None:
    window = open_window(app_scenario(), run_to=8.0)
    for key, status in ((Qt.Key.Key_E, "standby"), (Qt.Key.Key_G, "shut down")):
        leaders = [app.id for app in window.runner.world.apps if app.leader]
        assert len(leaders) == 1
        press_on(qtbot, window, leaders[0], key)
        world = window.runner.world
        assert not world.app(leaders[0]).leader
        assert window.scene.hosts[leaders[0]].status_text() == status
        assert "no app leader" in window.canvas_pane.banner.summary
        assert_view_is_the_trace(window)
        window.runner.seek(window.runner.cursor + 6.0)
