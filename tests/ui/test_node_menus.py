"""Node menus offer what applies to the host now; the rest is disabled with the reason, and a
refused action is told in a sentence."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu

from simulator.presets.catalog import find_scenario
from tests.ui.conftest import host_point
from ui.mainwindow import MainWindow
from ui.node_actions import action
from ui.runner import action_failed


def menu_entries(window: MainWindow, host: str) -> dict[str, tuple[bool, str]]:
    """The context menu of ``host``: entry text -> (enabled, tooltip)."""
    menu = QMenu()
    window.fill_host_menu(host, menu)
    return {a.text(): (a.isEnabled(), a.toolTip()) for a in menu.actions()[2:] if a.text()}


def test_a_running_node_cannot_restart_and_a_crashed_one_can_only_restart(
        qtbot, open_window) -> None:  # type: ignore[no-untyped-def]
    window = open_window(run_to=3.0)
    entries = menu_entries(window, "n2")
    enabled, tip = entries["Restart"]
    assert not enabled and tip == "n2 is running: only a crashed server can restart."
    assert entries["Crash"][0] and entries["Force election timeout"][0]

    assert window.runner.act("crash", "n2")
    entries = menu_entries(window, "n2")
    assert entries["Restart"] == (True, "Restart")
    for text in ("Crash", "Force election timeout", "Skew clock +1 s"):
        assert entries[text] == (False, "n2 is crashed: restart it first.")
    assert not any(enabled for text, (enabled, _) in entries.items() if text != "Restart")


def test_app_actions_follow_the_servers_state(qtbot, open_window) -> None:  # type: ignore[no-untyped-def]
    window = open_window(find_scenario("raft-leader-under-app"), run_to=1.0)
    entries = menu_entries(window, "app2")
    assert entries["Graceful shutdown"] == (False, "app2 has not started yet: it starts at 4 s.")
    window.runner.seek(10.0)
    leader = next(app.id for app in window.runner.world.apps if app.leader)
    follower = next(app.id for app in window.runner.world.apps if not app.leader)
    assert menu_entries(window, leader)["Raise exception in work loop"][0]
    enabled, tip = menu_entries(window, follower)["Raise exception in work loop"]
    assert not enabled and "not leading" in tip
    assert window.runner.act("app_shutdown", follower)
    entries = menu_entries(window, follower)
    assert entries["Restart"][0], "a shut-down server can restart"
    assert entries["Graceful shutdown"] == (False, f"{follower} has been shut down: "
                                                   "restart it first.")


def test_a_shortcut_that_cannot_apply_says_why_in_the_status_bar(qtbot, open_window) -> None:  # type: ignore[no-untyped-def]
    window = open_window(run_to=3.0)
    qtbot.mouseClick(window.canvas.viewport(), Qt.MouseButton.LeftButton,
                     pos=host_point(window, "n3"))
    before = len(window.runner.session.trace.events)
    qtbot.keyClick(window.canvas, Qt.Key.Key_R)
    assert window.statusBar().currentMessage() == \
        "n3 is running: only a crashed server can restart."
    assert window.error_box is None, "no modal error for what the menu would not offer"
    assert len(window.runner.session.trace.events) == before


def test_the_node_menu_disables_what_does_not_apply_to_the_selection(qtbot, open_window) -> None:  # type: ignore[no-untyped-def]
    window = open_window(run_to=3.0)
    window.node_menu.aboutToShow.emit()
    restart = window.actions_by_key["node-restart"]
    assert not restart.isEnabled() and restart.toolTip().startswith("Select a node first")
    window.node_menu.aboutToHide.emit()
    assert restart.isEnabled(), "shortcuts work again once the menu is closed"
    qtbot.mouseClick(window.canvas.viewport(), Qt.MouseButton.LeftButton,
                     pos=host_point(window, "n1"))
    window.node_menu.aboutToShow.emit()
    assert window.actions_by_key["node-crash"].isEnabled()
    assert not restart.isEnabled() and restart.toolTip().startswith("n1 is running")
    assert not window.actions_by_key["node-shutdown"].isEnabled()
    window.node_menu.aboutToHide.emit()


def test_refusals_read_as_sentences() -> None:
    message = action_failed("app_exception", ("app1",), ValueError("app1 is crashed"))
    assert message == "Could not raise an exception in app1's work loop: app1 is crashed."
    assert action_failed("restart", ("n2",), ValueError(
        "n2 is not crashed, so it cannot restart")) == \
        "Could not restart n2: n2 is not crashed, so it cannot restart."


def test_a_store_replica_offers_no_election_timeout_and_is_called_a_store_replica(
        qtbot, open_window) -> None:  # type: ignore[no-untyped-def]
    window = open_window(find_scenario("eventual-two-leaders"), run_to=5.0)
    enabled, tip = menu_entries(window, "n1")["Force election timeout"]
    assert not enabled
    assert tip == ("n1 is a store replica: the eventual store elects no leader, so it has no "
                   "election timer.")
    # the shortcut on the selected replica says why in the status bar, no error dialog
    qtbot.mouseClick(window.canvas.viewport(), Qt.MouseButton.LeftButton,
                     pos=host_point(window, "n1"))
    before = len(window.runner.session.trace.events)
    qtbot.keyClick(window.canvas, Qt.Key.Key_T)
    assert window.statusBar().currentMessage() == tip
    assert window.error_box is None
    assert len(window.runner.session.trace.events) == before
    window.node_menu.aboutToShow.emit()
    shutdown = window.actions_by_key["node-shutdown"]
    assert not shutdown.isEnabled()
    assert shutdown.toolTip() == "n1 is a store replica: this applies only to app servers."
    window.node_menu.aboutToHide.emit()


def test_a_multi_paxos_node_is_called_a_multi_paxos_node(qtbot, open_window) -> None:  # type: ignore[no-untyped-def]
    window = open_window(find_scenario("paxos-steady"), run_to=3.0)
    assert menu_entries(window, "n2")["Force election timeout"][0]
    assert window.why_not(action("shutdown"), "n2") == \
        "n2 is a Multi-Paxos node: this applies only to app servers."
