"""A Raft leader change underneath does not cost the app leader its lease.

The store's new Raft leader extends every lease to about TTL + election timeout when it takes
over (etcd's lessor promote), and the clients fail over and keep renewing, so the app leader
keeps leading through the store's election: no app.role change, no expired lease.
"""

from __future__ import annotations

import pytest
from apptools import RECIPES, revokes, roles, scenario, settled_leader

from simulator.runtime.simulation import Simulation
from simulator.trace.events import RaftRole

TTL = 5.0


@pytest.mark.parametrize("recipe", RECIPES)
def test_the_app_leader_keeps_leading_through_a_raft_leader_crash(recipe: str) -> None:
    sim = Simulation(scenario(recipe, ttl=TTL), seed=13)
    app_leader = settled_leader(sim, 3.0)
    token = sim.app_hosts[app_leader].token
    raft_leader = sim.raft_leader()
    assert raft_leader is not None
    sim.crash(raft_leader)
    sim.run_until(3.0 + 3 * TTL)
    new_raft_leaders = {e.node for e in sim.trace if isinstance(e, RaftRole)
                        and e.role == "leader" and e.t > 3.0}
    assert new_raft_leaders and raft_leader not in new_raft_leaders
    assert [(e.server, e.leader) for e in roles(sim)] == [(app_leader, True)]
    assert sim.app_hosts[app_leader].leading and sim.app_hosts[app_leader].token == token
    assert revokes(sim, "expired") == []
