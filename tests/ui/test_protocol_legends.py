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


@pytest.mark.parametrize(("preset", "has", "lacks"), [
    ("eventual-lwt", ["Newest leader key", "Older leader key", "Expired or no copy",
                      "App server leading"],
     ["Follower", "Pre-candidate", "Candidate", "Election timer left", "Lease time left"]),
    ("paxos-leader-crash", ["Follower", "Candidate", "Multi-Paxos leader", "Lease time left"],
     ["Pre-candidate", "Newest leader key"]),
    ("raft-leader-crash", ["Follower", "Pre-candidate", "Raft leader"], ["Newest leader key"]),
])
def test_the_canvas_legend_lists_what_the_run_s_store_and_protocol_draw(
        open_window, preset: str, has: list[str], lacks: list[str]) -> None:
    window = open_window(find_scenario(preset), run_to=5.0)
    rows = window.scene.legend.rows()
    assert all(text in rows for text in has), rows
    assert not any(text in rows for text in lacks), rows
    legend = window.scene.legend.sceneBoundingRect()
    assert window.scene.sceneRect().contains(legend)


def test_the_timeline_legend_lists_no_consensus_roles_on_the_eventual_store(
        qtbot, open_window) -> None:
    window = open_window(find_scenario("eventual-lwt"), run_to=8.0)
    window.sync_timeline()
    legend = window.timeline.timeline.legend

    def texts() -> list[str]:
        return [entry.text for entry in legend.entries]

    qtbot.waitUntil(lambda: "App leader (token)" in texts(), timeout=5000)
    assert not any(t in texts() for t in ("Follower", "Pre-candidate", "Candidate"))
    assert not any("Raft leader" in t for t in texts())
