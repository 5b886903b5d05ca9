"""The herd effect: on a hand-over, who has to talk to the store before the new leader leads?

With one leader key (the seed's recipe) every waiter watches that key, so one DELETE wakes them
all and every one of them races with store requests. etcd's and ZooKeeper's recipes queue the
candidates and each watches only its predecessor, so the DELETE wakes the successor alone.
"""

from __future__ import annotations

import pytest
from apptools import invokes_between, next_leader, scenario, settled_leader

from simulator.runtime.simulation import Simulation
from simulator.trace.events import KvChange, WatchEvent

WAITERS = 6


def hand_over(recipe: str, seed: int) -> tuple[Simulation, str, str, float, float]:
    """Seven servers; the leader's work loop fails at 4 s. (sim, old, new, t_delete, t_new)."""
    sim = Simulation(scenario(recipe, servers=WAITERS + 1), seed=seed)
    old = settled_leader(sim, 4.0)
    sim.app_exception(old)
    successor = next_leader(sim, 4.0, 5.0)
    # the leader's key goes: revoked with its lease (seed, ZooKeeper), resigned (etcd)
    deleted = next(e.t for e in sim.trace if isinstance(e, KvChange) and e.t >= 4.0
                   and e.type == "delete")
    return sim, old, successor.server, deleted, successor.t


@pytest.mark.parametrize("seed", [1, 2])
def test_the_seed_recipe_wakes_every_waiter_on_each_hand_over(seed: int) -> None:
    sim, old, new, deleted, led = hand_over("seed", seed)
    woken = {e.client for e in sim.trace if isinstance(e, WatchEvent) and e.type == "delete"
             and deleted <= e.t <= led}
    waiters = sorted(s for s in sim.app_hosts if s != old)
    assert sorted(woken) == waiters
    counts = invokes_between(list(sim.trace), deleted, led)
    # every waiter races: it asks for a lease and tries to insert the key
    assert sorted(counts) == waiters
    assert all(counts[s] >= 1 for s in waiters)
    assert sum(counts.values()) >= 2 * len(waiters) - 1


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("recipe", ["etcd", "zookeeper"])
def test_queue_recipes_wake_only_the_successor(recipe: str, seed: int) -> None:
    sim, old, new, deleted, led = hand_over(recipe, seed)
    woken = {e.client for e in sim.trace if isinstance(e, WatchEvent) and e.type == "delete"
             and deleted <= e.t <= led}
    assert woken == {new}
    counts = invokes_between(list(sim.trace), deleted, led)
    assert counts == {new: 1}, "the successor re-reads the queue once, nobody else asks"
