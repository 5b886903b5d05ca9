"""A restarted member keeps what it applied (etcd's backend and its consistent index) and applies
only the entries after it: no re-applying and re-tracing of the whole log (issue 14 item 9d)."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from storetools import Cluster

from simulator.config import RaftConfig, Scenario
from simulator.projection.store_fold import StoreFold
from simulator.runtime.simulation import Simulation
from simulator.trace.events import KvChange, RaftApply


def test_a_restarted_member_applies_only_what_it_had_not_applied() -> None:
    cluster = Cluster(seed=7)
    client = cluster.client("c")
    leader = cluster.run_to_leader()
    follower = next(n for n in sorted(cluster.sim.raft_hosts) if n != leader)

    def writes(first: int, last: int) -> Generator[Any, Any, None]:
        for i in range(first, last):
            yield from client.put(f"k{i}", str(i))

    cluster.spawn(lambda: writes(0, 10))
    cluster.run(cluster.sim.now + 1.0)
    applied_before = cluster.server(follower).applied_index
    assert applied_before >= 11  # the leader's no-op and ten puts
    cluster.sim.crash(follower)
    cluster.spawn(lambda: writes(10, 15))
    cluster.run(cluster.sim.now + 1.0)
    crashed_at = cluster.sim.now
    cluster.sim.restart(follower)
    cluster.run(cluster.sim.now + 1.0)
    again = [e.index for e in cluster.sim.trace if isinstance(e, RaftApply)
             and e.node == follower and e.t >= crashed_at]
    assert again and min(again) == applied_before + 1  # only what it missed
    changes = [e.key for e in cluster.sim.trace if isinstance(e, KvChange)
               and e.node == follower and e.t >= crashed_at]
    assert sorted(changes) == [f"k{i}" for i in range(10, 15)]
    restarted = cluster.server(follower).inspect()
    assert restarted.kvs == cluster.server(leader).inspect().kvs
    fold = StoreFold()
    for event in cluster.sim.trace:
        fold.add(event)
    assert fold.view(follower, cluster.sim.now).kvs == restarted.kvs


def test_a_restarted_raft_node_keeps_its_applied_log() -> None:
    sim = Simulation(Scenario(raft=RaftConfig(nodes=3)), seed=2)
    sim.run_until(3.0)
    node = "n2"
    before = list(sim.raft_hosts[node].state_machine.entries)  # type: ignore[attr-defined]
    assert before
    sim.crash(node)
    sim.run_until(4.0)
    sim.restart(node)
    sim.run_until(6.0)
    after = sim.raft_hosts[node].state_machine.entries  # type: ignore[attr-defined]
    assert after[: len(before)] == before
    applies = [e.index for e in sim.trace if isinstance(e, RaftApply) and e.node == node]
    assert len(applies) == len(set(applies))  # every index applied (and traced) once
