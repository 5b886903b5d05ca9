"""A stale read is told with the timestamps of the write it returned and the newer one it missed."""

from __future__ import annotations

import re

from simulator.checks import summarize
from simulator.presets.catalog import find_scenario
from simulator.runtime.simulation import Simulation

_ROW = re.compile(r"(app\d) read /election/leader = (app\d) \(ts ([\d.]+) (n\d)\) and missed "
                  r"the newer (app\d) \(ts ([\d.]+) (n\d)\) written by (app\d), "
                  r"acknowledged at ([\d.]+) s")


def test_a_read_of_an_older_claim_by_the_same_leader_shows_both_timestamps() -> None:
    scenario = find_scenario("eventual-two-leaders")
    sim = Simulation(scenario, 1)
    sim.run_until(30.0)
    text = summarize(list(sim.trace.events), scenario, end=30.0).to_text()
    rows = [_ROW.search(line) for line in text.splitlines() if "read /election/leader" in line]
    assert rows and all(rows), text
    same = [m for m in rows if m and m.group(2) == m.group(5)]
    assert same, "the lesson reads app1's older claim while app1's newer one is acknowledged"
    for m in same:
        assert float(m.group(3)) < float(m.group(6)) <= float(m.group(9))
