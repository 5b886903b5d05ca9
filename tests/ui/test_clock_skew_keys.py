"""K and Shift+K move a host's clock by a second at a time, app servers as Raft nodes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from simulator.presets.catalog import find_scenario


@pytest.mark.parametrize("host", ["app2", "n2"])
def test_skews_add_up_on_any_host(qtbot, open_window, host: str) -> None:
    window = open_window(find_scenario("app-leader-crash"), run_to=10.0)
    window.scene.select_host(host)
    qtbot.keyClick(window.canvas, Qt.Key.Key_K)
    qtbot.keyClick(window.canvas, Qt.Key.Key_K)
    qtbot.keyClick(window.canvas, Qt.Key.Key_K, Qt.KeyboardModifier.ShiftModifier)
    clocks = [e for e in window.runner.session.trace.events
              if e.kind == "node.clock" and e.node == host]  # type: ignore[attr-defined]
    assert [e.offset for e in clocks] == [1.0, 2.0, 1.0]  # type: ignore[attr-defined]
    assert window.error_box is None
