"""Fuzz each recipe's start-up: a shutdown, an exception or a crash at many moments of it.

Three servers start together; one fault lands at one of many moments while they grant leases,
create their keys, read the queue and open watches. No moment may end the run with an error
(issue 14, item 9a: a graceful shutdown during the ZooKeeper recipe's wait for its predecessor
failed the run with "WatchCancelled: cancelled by the client"), no two servers may lead at
once, and a server that was not hit, or one that recovers, leads by the end.
"""

from __future__ import annotations

import dataclasses

import pytest
from apptools import RECIPES, scenario

from simulator.checks.leadership import check_leadership
from simulator.config import FaultStep, Scenario
from simulator.runtime.simulation import Simulation
from simulator.trace.events import UserAction

START = 1.0
# Every 10 ms through the first 100 ms (grants, creates, queue reads, watches on a 3-node
# store with millisecond links), then a few later moments.
MOMENTS = tuple(round(START + k * 0.01, 3) for k in range(11)) + (1.15, 1.25, 1.4)
HITS = (("shutdown", "app2"), ("shutdown", "app3"), ("crash", "app2"), ("crash", "app3"),
        ("exception", "app-leader"), ("shutdown", "app-leader"))
SETTLE = 3.5  # long enough for a crashed leader's 2 s session or lease to expire


def startup(recipe: str, kind: str, target: str, at: float) -> Scenario:
    """Three servers starting at ``START``; ``kind`` hits ``target`` at ``at``."""
    base = scenario(recipe)
    servers = tuple(dataclasses.replace(server, start_at=START) for server in base.apps.servers)
    return dataclasses.replace(base, apps=dataclasses.replace(base.apps, servers=servers),
                               faults=(FaultStep(kind, at=at, target=target),))


@pytest.mark.parametrize("recipe", RECIPES)
def test_a_fault_at_any_moment_of_the_start_up_ends_the_run_cleanly(recipe: str) -> None:
    hit = 0
    for kind, target in HITS:
        for at in MOMENTS:
            sim = Simulation(startup(recipe, kind, target, at), seed=1)
            sim.run_until(at + 0.3)
            action = next(e for e in sim.trace if isinstance(e, UserAction))
            if "skipped" in action.detail:
                continue  # e.g. an exception before anyone leads: nothing to hit
            hit += 1
            sim.run_until(at + SETTLE)
            where = f"{recipe}: {kind} of {target} at {at} s"
            report = check_leadership(sim.trace, sim.now)
            assert report.overlaps == (), where
            assert any(host.leading for host in sim.app_hosts.values()), where
    assert hit >= len(MOMENTS) * 4, f"{recipe}: too few faults landed ({hit})"
