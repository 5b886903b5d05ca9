"""etcd's election API (client/v3/concurrency/election.go): Campaign, Proclaim, Resign, Observe,
and the recipe stepping down with Resign while keeping its session (issue 14 item 2)."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest
from apptools import next_leader, scenario, settled_leader

from simulator.kv.records import KeyValue
from simulator.runtime.client import StoreClient
from simulator.runtime.recipes.etcd import EtcdElection
from simulator.runtime.recipes.etcd_election import Election, NotLeader
from simulator.runtime.simulation import Simulation
from simulator.trace.events import KvInvoke, LeaseRevoke


def _election(sim: Simulation, host: str, name: str) -> tuple[Election, StoreClient]:
    server = sim.app_hosts[host]
    client = StoreClient(sim, name, server)
    return Election(EtcdElection(server, client), client, "/vote/"), client


def test_proclaim_resign_and_observe() -> None:
    sim = Simulation(scenario("etcd", servers=2), seed=3)
    sim.run_until(2.0)
    candidate, client = _election(sim, "app1", "candidate")
    watcher, _ = _election(sim, "app2", "watcher")
    seen: list[KeyValue] = []
    outcome: dict[str, Any] = {}

    def observe() -> Generator[Any, Any, None]:
        yield from watcher.observe(seen.append)

    def story() -> Generator[Any, Any, None]:
        grant = yield from client.lease_grant(30.0)
        rev = yield from candidate.campaign("first", grant.lease_id)
        yield from candidate.proclaim("second", grant.lease_id)
        outcome["leader"] = yield from candidate.leader()
        stale, _ = _election(sim, "app1", "stale")
        stale.key, stale.rev = candidate.key, rev + 100  # not the campaign's create revision
        try:
            yield from stale.proclaim("third", grant.lease_id)
        except NotLeader:
            outcome["stale"] = "refused"
        yield from candidate.resign()
        outcome["after"] = yield from candidate.leader()
        outcome["lease"] = grant.lease_id

    sim.app_hosts["app2"].spawn(observe(), "observe")
    sim.app_hosts["app1"].spawn(story(), "story")
    sim.run_until(4.0)
    assert outcome["leader"].value == "second"
    assert outcome["stale"] == "refused" and outcome["after"] is None
    assert [kv.value for kv in seen] == ["first", "second"]
    assert seen[0].create_revision == seen[1].create_revision  # one campaign, two values
    assert not [e for e in sim.trace if isinstance(e, LeaseRevoke)]  # resign keeps the session
    with pytest.raises(NotLeader):
        next(candidate.proclaim("again", outcome["lease"]))


def test_the_recipe_resigns_and_campaigns_again_on_the_same_session() -> None:
    sim = Simulation(scenario("etcd", servers=2), seed=5)
    old = settled_leader(sim, 4.0)
    sim.app_exception(old)
    next_leader(sim, 4.0, 5.0)
    sim.run_until(7.0)
    grants = [e for e in sim.trace if isinstance(e, KvInvoke) and e.client == old
              and e.op == "lease_grant"]
    assert len(grants) == 1  # the session outlived the resignation
    campaigns = [e for e in sim.trace if isinstance(e, KvInvoke) and e.client == old
                 and e.op == "txn" and "put" in (e.value or "")]
    assert len(campaigns) == 2 and campaigns[0].key == campaigns[1].key  # same lease, same key
