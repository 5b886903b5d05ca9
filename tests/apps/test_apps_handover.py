"""Each recipe hands leadership over: slowly after a crash, at once after an exception or shutdown.

After a crash the successor must wait for the lease (TTL, session timeout, LeaseDuration); after
an exception or a graceful shutdown the leader gives up what it holds and the successor takes
over within moments. The successor is the one the recipe names: the first to insert (seed),
the lowest create revision (etcd), the lowest sequence number (ZooKeeper).
"""

from __future__ import annotations

import pytest
from apptools import (
    LEASE_RECIPES,
    RECIPES,
    TTL,
    handover_bound,
    leader_changes_after,
    next_leader,
    revokes,
    roles,
    scenario,
    settled_leader,
)

from simulator.runtime.recipes.etcd import PREFIX as ETCD_PREFIX
from simulator.runtime.recipes.kubernetes import LEASE_KEY, LeaseRecord
from simulator.runtime.recipes.seed import LEADER_KEY
from simulator.runtime.recipes.zookeeper import CHILD_PREFIX
from simulator.runtime.simulation import Simulation
from simulator.runtime.store_cluster import store_server
from simulator.trace.events import KvComplete, KvInvoke
from simulator.trace.export import to_jsonl


def store_keys(sim: Simulation, prefix: str) -> list[tuple[int, str, str]]:
    """(create revision, key, value) of every key under ``prefix`` on the Raft leader."""
    leader = sim.raft_leader()
    assert leader is not None
    snapshot = store_server(sim, leader).inspect()
    return sorted((kv.create_revision, kv.key, kv.value) for kv in snapshot.kvs
                  if kv.key.startswith(prefix))


@pytest.mark.parametrize("recipe", RECIPES)
def test_a_crashed_leader_is_replaced_only_after_its_lease_runs_out(recipe: str) -> None:
    sim = Simulation(scenario(recipe), seed=11)
    old = settled_leader(sim, 4.0)
    sim.crash(old)
    successor = next_leader(sim, 4.0, 4.0 + handover_bound(recipe) + 1.0)
    waited = successor.t - 4.0
    assert successor.server != old
    if recipe == "kubernetes":
        # nobody takes over before LeaseDuration has passed on its own clock since it last
        # saw the record change (at most a retry period before the crash)
        assert waited >= 3.0 - 0.5
    else:
        # the lease was last renewed at most one renew interval (TTL/3) before the crash
        assert waited >= TTL - TTL / 3
    assert waited <= handover_bound(recipe)
    if recipe in LEASE_RECIPES:
        assert revokes(sim, "expired"), "the crashed leader's lease expired on the store"


@pytest.mark.parametrize("fault", ["exception", "shutdown"])
@pytest.mark.parametrize("recipe", RECIPES)
def test_an_exception_or_shutdown_hands_over_at_once(recipe: str, fault: str) -> None:
    sim = Simulation(scenario(recipe), seed=5)
    old = settled_leader(sim, 4.0)
    if fault == "exception":
        sim.app_exception("app-leader")
    else:
        sim.app_shutdown("app-leader")
    sim.run_until(4.0)  # the server handles the fault in the same instant
    stepped_down = [e for e in roles(sim) if e.server == old and not e.leader]
    assert stepped_down and stepped_down[-1].t == 4.0
    # seed/etcd/ZooKeeper: the revoke deletes the key, the successor wakes on the DELETE;
    # Kubernetes: the released record is taken at the next retry (RetryPeriod, jittered)
    limit = 0.3 if recipe in LEASE_RECIPES else 0.5 * (1 + 1.2) + 0.3
    successor = next_leader(sim, 4.0, 4.0 + limit)
    assert successor.server != old
    if recipe == "etcd" and fault == "exception":
        # etcd's recipe resigns (deletes its own key) and keeps its session (lease)
        assert not [e for e in revokes(sim, "revoked") if e.t >= 4.0]
        resign = [e for e in sim.trace if isinstance(e, KvInvoke) and e.client == old
                  and e.op == "txn" and e.t >= 4.0 and "delete" in (e.value or "")]
        assert resign, "the leader resigned"
    elif recipe in LEASE_RECIPES:
        assert [e for e in revokes(sim, "revoked") if e.t >= 4.0], "the leader revoked its lease"
    sim.run_until(9.0)
    own = [e for e in sim.trace if isinstance(e, KvInvoke) and e.client == old and e.t > 4.5]
    if fault == "shutdown":
        assert own == [], "a server that was shut down sends nothing more"
        assert not sim.app_hosts[old].leading and sim.app_hosts[old].stopped
    else:
        assert own, "after an exception the server campaigns again after a back-off"
    assert [e.server for e in leader_changes_after(sim, 4.0)] == [successor.server]


def test_seed_the_first_waiter_to_insert_wins() -> None:
    sim = Simulation(scenario("seed", servers=4), seed=2)
    old = settled_leader(sim, 4.0)
    sim.app_exception(old)
    successor = next_leader(sim, 4.0, 5.0)
    sim.run_until(4.8)
    txns = {(e.client, e.op_id) for e in sim.trace
            if isinstance(e, KvInvoke) and e.op == "txn" and e.t >= 4.0 and e.key == LEADER_KEY}
    outcomes = [e for e in sim.trace
                if isinstance(e, KvComplete) and (e.client, e.op_id) in txns]
    # the txns race through the log: the first one applied inserts the key, the rest fail
    winners = [e.client for e in outcomes if e.succeeded]
    losers = sorted({e.client for e in outcomes if not e.succeeded})
    assert winners == [successor.server]
    assert losers == sorted(s for s in sim.app_hosts if s not in (old, successor.server))
    # its token is the create revision of the leader key it inserted
    (created, _, holder), = store_keys(sim, LEADER_KEY)
    assert holder == successor.server and successor.token == created


def test_etcd_the_lowest_create_revision_is_next() -> None:
    sim = Simulation(scenario("etcd", servers=4), seed=4)
    old = settled_leader(sim, 4.0)
    queue = store_keys(sim, ETCD_PREFIX)
    assert [holder for _, _, holder in queue][0] == old
    assert sim.app_hosts[old].token == queue[0][0]
    sim.crash(old)
    successor = next_leader(sim, 4.0, 4.0 + handover_bound("etcd"))
    assert successor.server == queue[1][2]
    assert successor.token == queue[1][0]


def test_zookeeper_the_lowest_sequence_is_next() -> None:
    sim = Simulation(scenario("zookeeper", servers=4), seed=4)
    old = settled_leader(sim, 4.0)
    nodes = sorted((key, holder) for _, key, holder in store_keys(sim, CHILD_PREFIX))
    assert nodes[0][1] == old
    sim.app_shutdown(old)
    successor = next_leader(sim, 4.0, 4.5)
    assert successor.server == nodes[1][1]
    assert successor.token == int(nodes[1][0][len(CHILD_PREFIX):])


def test_kubernetes_every_takeover_counts_one_more_transition() -> None:
    sim = Simulation(scenario("kubernetes"), seed=8)
    first = settled_leader(sim, 4.0)
    sim.app_exception(first)
    second = next_leader(sim, 4.0, 6.0)
    sim.run_until(7.0)
    sim.crash(second.server)
    third = next_leader(sim, 7.0, 7.0 + handover_bound("kubernetes"))
    assert [e.token for e in leader_changes_after(sim, 0.0)] == [0, 1, 2]
    (_, _, text), = store_keys(sim, LEASE_KEY)
    record = LeaseRecord.parse(text)
    assert record.holder == third.server and record.transitions == 2


@pytest.mark.parametrize("recipe", RECIPES)
def test_a_restarted_server_campaigns_again_and_can_lead(recipe: str) -> None:
    sim = Simulation(scenario(recipe, servers=2), seed=3)
    old = settled_leader(sim, 4.0)
    other = next(s for s in sim.app_hosts if s != old)
    sim.crash(old)
    taken = next_leader(sim, 4.0, 4.0 + handover_bound(recipe))
    assert taken.server == other
    sim.restart(old)
    restarted_at = sim.now
    sim.run_until(restarted_at + 3.0)
    assert sim.app_hosts[other].leading and not sim.app_hosts[old].leading
    sim.app_shutdown(other)
    back = next_leader(sim, sim.now, sim.now + 2.0)
    assert back.server == old
    clients = {e.client for e in sim.trace if isinstance(e, KvInvoke) and e.t >= restarted_at
               and e.client.startswith(old)}
    assert clients == {f"{old}.1"}, "a restarted process opens a new store client"


@pytest.mark.parametrize("recipe", RECIPES)
def test_a_server_shut_down_gracefully_restarts_and_campaigns_again(recipe: str) -> None:
    sim = Simulation(scenario(recipe, servers=2), seed=6)
    old = settled_leader(sim, 4.0)
    other = next(s for s in sim.app_hosts if s != old)
    sim.app_shutdown(old)
    next_leader(sim, 4.0, 5.5)
    sim.run_until(6.0)
    assert sim.app_hosts[old].stopped
    sim.restart(old)  # what the window's Restart does
    restarted_at = sim.now
    sim.run_until(restarted_at + 2.0)
    assert not sim.app_hosts[old].stopped
    clients = {e.client for e in sim.trace if isinstance(e, KvInvoke) and e.t >= restarted_at
               and e.client.startswith(old)}
    assert clients == {f"{old}.1"}, "the restarted server campaigns with a new store client"
    sim.app_shutdown(other)
    back = next_leader(sim, sim.now, sim.now + 2.0)
    assert back.server == old
    # the restart is a recorded action: a fork replays it into the same run
    sim.run_until(sim.now + 1.0)
    fork = sim.fork(sim.now)
    assert to_jsonl(fork.trace) == to_jsonl(sim.trace)


def test_a_running_or_paused_server_cannot_restart() -> None:
    sim = Simulation(scenario("seed", servers=2), seed=6)
    leader = settled_leader(sim, 3.0)
    with pytest.raises(ValueError, match="running"):
        sim.restart(leader)
    sim.app_shutdown(leader)
    sim.run_until(3.5)
    sim.pause(leader, 2.0)
    with pytest.raises(ValueError, match="paused"):
        sim.restart(leader)
    sim.run_until(5.6)
    sim.restart(leader)
    assert sim.app_hosts[leader].alive and not sim.app_hosts[leader].stopped
