"""A Multi-Paxos run in the window: ballots on the nodes, the promised ballot and slot table in
the inspector, the protocol in the banner, phase-1 recovery in the narration (from the trace)."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt

from simulator.presets.catalog import find_scenario
from tests.ui.conftest import host_point
from ui.canvas.scene import summary_text


def plain(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def test_the_stale_node_leads_and_the_views_say_how(qtbot, open_window) -> None:
    window = open_window(find_scenario("stale-node-leads-paxos"), run_to=10.5)
    world = window.runner.world
    leader = world.leader
    assert leader is not None and leader.id == "n5"
    assert leader.epoch_short == f"({leader.term}, n5)"
    assert summary_text(world).startswith(f"ballot ({leader.term}, n5)   ·   Multi-Paxos leader n5")
    qtbot.mouseClick(window.canvas.viewport(), Qt.MouseButton.LeftButton,
                     pos=host_point(window, "n5"))
    assert window.scene.selected_host() == "n5"
    text = plain(window.inspector.text)
    assert "Multi-Paxos node n5" in text
    assert re.search(rf"promised ballot\s+\({leader.term}, n5\)", text)
    assert "Slots" in text and "accepted ballot" in text and "chosen" in text
    narration = " ".join(window.narration.texts())
    assert "n5 got promises from a majority and leads with ballot" in narration
    assert re.search(r"recovered slot \d+ = \S.* from n\d's promise", narration)


def test_the_timeline_lanes_show_roles_with_ballots() -> None:
    from simulator.runtime.simulation import Simulation
    from ui.timeline.model import TimelineModel

    scenario = find_scenario("paxos-leader-crash")
    sim = Simulation(scenario)
    sim.run_until(15.0)
    model = TimelineModel()
    model.extend(sim.trace.events)
    leaders = [span for lane in model.lanes() for span in model.spans(lane.id, "role")
               if span.state == "leader"]
    assert len(leaders) == 2 and all(span.label.startswith("(") for span in leaders)
