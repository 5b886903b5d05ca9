"""The legends name the cluster's protocol: a Multi-Paxos run has no "Raft leader"."""

from __future__ import annotations

import pytest

from simulator.presets.catalog import find_scenario


@pytest.mark.parametrize(("preset", "canvas", "timeline"), [
    ("paxos-leader-crash", "Multi-Paxos leader", "Multi-Paxos leader (ballot)"),
    ("raft-leader-crash", "Raft leader", "Raft leader (term)"),
])
def test_both_legends_name_the_leader_of_the_protocol_that_runs(
        qtbot, open_window, preset: str, canvas: str, timeline: str) -> None:
    window = open_window(find_scenario(preset), run_to=12.0)
    assert window.scene.legend.leader_text == canvas
    window.sync_timeline()
    legend = window.timeline.timeline.legend

    def texts() -> list[str]:
        return [entry.text for entry in legend.entries]

    qtbot.waitUntil(lambda: timeline in texts(), timeout=5000)
    assert [t for t in texts() if "leader (" in t and not t.startswith("App")] == [timeline]
