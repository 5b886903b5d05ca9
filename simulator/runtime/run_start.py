"""The first event of every run (``run.start``), made from the scenario and the seed alone."""

from __future__ import annotations

from simulator.config import Scenario
from simulator.trace.events import RunStart


def run_start(scenario: Scenario, seed: int) -> RunStart:
    """The ``run.start`` a simulation of ``scenario`` with ``seed`` records at time 0.

    It needs neither simpy nor the rest of the runtime, so the window can show a lesson at
    time 0 before the simulation is built (ui.session).
    """
    eventual = scenario.store.eventual
    return RunStart(0.0, seed, scenario.name, "none" if eventual else scenario.raft.protocol,
                    store=scenario.store.kind)
