"""A process pause freezes an app server: no timers, no requests; it resumes where it stopped."""

from __future__ import annotations

import dataclasses

import pytest
from apptools import LEASE_RECIPES, TTL, revokes, roles, scenario, settled_leader

from simulator.runtime.simulation import Simulation
from simulator.trace.events import KvInvoke, LeaseGrant, MsgSend


@pytest.mark.parametrize("recipe", LEASE_RECIPES)
def test_a_short_pause_freezes_the_leader_and_costs_it_nothing(recipe: str) -> None:
    sim = Simulation(scenario(recipe), seed=7)
    leader = settled_leader(sim, 3.0)
    sim.pause(leader, TTL / 2)
    sim.run_until(3.0 + TTL / 2 + 3.0)
    during = [e for e in sim.trace if isinstance(e, KvInvoke) and e.client == leader
              and 3.0 < e.t < 3.0 + TTL / 2]
    charges = [e for e in sim.trace if isinstance(e, MsgSend) and e.src == leader
               and e.type == "Charge" and 3.0 < e.t < 3.0 + TTL / 2]
    assert during == [] and charges == []
    after = [e for e in sim.trace if isinstance(e, KvInvoke) and e.client == leader
             and e.op == "lease_keepalive" and e.t >= 3.0 + TTL / 2]
    assert after and after[0].t == 3.0 + TTL / 2, "the overdue keepalive goes out on resume"
    mine = [(e.server, e.leader, e.token) for e in roles(sim)]
    first = mine[0]
    if recipe == "zookeeper":
        # ZooKeeper's client may find its read timeout (2/3 of the session) passed when it
        # resumes: Disconnected, then connected again to the same session. With Curator's
        # default policy it steps down for that instant and leads again with the same token.
        assert mine in ([first], [first, (leader, False, first[2]), first])
    else:
        assert mine == [(leader, True, first[2])]
    assert revokes(sim, "expired") == []


def test_a_long_pause_makes_the_leader_step_down_on_resume_and_campaign_again() -> None:
    sim = Simulation(scenario("etcd"), seed=7)
    leader = settled_leader(sim, 3.0)
    sim.pause(leader, 3 * TTL)
    sim.run_until(3.0 + 3 * TTL + 2.0)
    mine = [(e.t, e.leader) for e in roles(sim) if e.server == leader]
    assert mine[1] == (3.0 + 3 * TTL, False), "it notices only when it runs again"
    assert any(e.leader and e.server != leader and e.t < 3.0 + 3 * TTL for e in roles(sim))
    # a new session: it queues again behind the new leader
    grants = [e for e in sim.trace if isinstance(e, LeaseGrant) and e.owner == leader]
    assert len(grants) == 2 and grants[1].t > 3.0 + 3 * TTL


def test_the_zookeeper_session_timeout_is_clamped_to_twenty_ticks() -> None:
    base = scenario("zookeeper")
    apps = base.apps
    slow = dataclasses.replace(apps, zookeeper=dataclasses.replace(
        apps.zookeeper, tick_time=0.2, session_timeout=60.0))
    sim = Simulation(dataclasses.replace(base, apps=slow), seed=1)
    sim.run_until(2.0)
    grants = [e for e in sim.trace if isinstance(e, LeaseGrant)]
    assert grants and all(e.ttl == 4.0 for e in grants)
