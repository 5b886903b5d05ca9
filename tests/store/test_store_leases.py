"""Leases in the simulated cluster behave as etcd's: expiry, keepalive, promote and demote."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest
from storetools import Cluster, sleep

CHECK = 0.5  # StoreConfig.lease_check_interval
ELECTION_TIMEOUT = 1.0  # RaftConfig.election_timeout_min: what promotion extends by
SLACK = 0.05  # one Raft round trip plus a disk write, generously


def grant_and_attach(cluster: Cluster, ttl: float, keys: tuple[str, ...]) -> dict[str, Any]:
    """Spawn an owner that grants a lease and attaches ``keys`` to it; result: the lease id."""
    owner = cluster.client("owner")

    def body() -> Generator[Any, Any, int]:
        grant = yield from owner.lease_grant(ttl)
        for key in keys:
            yield from owner.put(key, "held", lease=grant.lease_id)
        return grant.lease_id

    return cluster.spawn(body)


def revoke_times(cluster: Cluster, lease: int) -> list[float]:
    """When the revoke of ``lease`` was applied on the leader."""
    return [e.t for e in cluster.events("lease.revoke", lease=lease)]


def test_lease_without_keepalives_expires_after_ttl_and_deletes_its_keys() -> None:
    """Expiry is TTL plus at most one check interval after the last renewal; one DELETE batch."""
    cluster = Cluster(seed=11)
    watcher = cluster.client("watcher")
    cluster.run_to_leader()
    owned = grant_and_attach(cluster, 3, ("/e/a", "/e/b"))

    def watch() -> Generator[Any, Any, list[Any]]:
        stream = yield from watcher.watch("/e/", prefix=True)
        batches = []
        while True:
            batch = yield stream.next()
            batches.append(batch)
            if batch[0].type == "delete":
                return batches

    watched = cluster.spawn(watch)
    cluster.run(cluster.sim.now + 8)
    lease = owned["result"]
    last = cluster.events("lease.renew", lease=lease)[-1]
    assert last.expiry == pytest.approx(last.t + 3)
    revokes = cluster.events("lease.revoke", lease=lease)
    assert [e.reason for e in revokes] == ["expired"]
    assert last.expiry <= revokes[0].t <= last.expiry + CHECK + SLACK
    deletes = watched["result"][-1]
    assert sorted(e.key for e in deletes) == ["/e/a", "/e/b"]
    assert {e.type for e in deletes} == {"delete"}
    assert len({e.revision for e in deletes}) == 1, "all keys go in one revision"
    traced = cluster.events("watch.event", client="watcher", type="delete")
    assert sorted(e.key for e in traced) == ["/e/a", "/e/b"]
    for node in cluster.sim.raft_hosts:
        store = cluster.server(node).member.store
        assert store.get("/e/a") is None and store.lease(lease) is None


def test_lease_with_keepalives_never_expires() -> None:
    """Renewing every TTL/3 keeps the lease and its key alive for many TTLs."""
    cluster = Cluster(seed=12)
    owner = cluster.client("owner")
    cluster.run_to_leader()
    ttls: list[float | None] = []

    def body() -> Generator[Any, Any, int]:
        grant = yield from owner.lease_grant(3)
        yield from owner.put("/leader", "owner", lease=grant.lease_id)
        for _ in range(20):
            yield from sleep(owner, 1.0)
            ttls.append((yield from owner.lease_keepalive(grant.lease_id)))
        return grant.lease_id

    outcome = cluster.spawn(body)
    cluster.run(cluster.sim.now + 22)
    lease = outcome["result"]
    assert ttls == [3.0] * 20
    assert revoke_times(cluster, lease) == []
    leader = cluster.sim.raft_leader()
    assert leader is not None
    kv = cluster.server(leader).member.store.get("/leader")
    assert kv is not None and kv.lease == lease
    completes = [e for e in cluster.events("kv.complete", client="owner") if e.value == "3"]
    assert len(completes) == 20, "every keepalive is traced with the TTL it got"


def test_keepalive_of_a_revoked_lease_answers_none() -> None:
    """After a client revokes its lease, a keepalive says the lease is gone."""
    cluster = Cluster(seed=13)
    owner = cluster.client("owner")
    cluster.run_to_leader()

    def body() -> Generator[Any, Any, tuple[Any, ...]]:
        grant = yield from owner.lease_grant(10)
        yield from owner.put("/k", "v", lease=grant.lease_id)
        revoked = yield from owner.lease_revoke(grant.lease_id)
        after = yield from owner.lease_keepalive(grant.lease_id)
        read = yield from owner.get("/k")
        return grant.lease_id, revoked, after, read

    outcome = cluster.spawn(body)
    cluster.run(cluster.sim.now + 3)
    lease, revoked, after, read = outcome["result"]
    assert revoked.deleted_keys == ("/k",)
    assert after is None
    assert read.kvs == ()
    assert [e.reason for e in cluster.events("lease.revoke", lease=lease)] == ["revoked"]


def test_leader_change_extends_leases_as_etcd_does() -> None:
    """A lease 1 s from expiry survives a leader crash: the new leader extends it."""
    cluster = Cluster(seed=14)
    old_leader = cluster.run_to_leader()
    owned = grant_and_attach(cluster, 5, ("/leader",))
    cluster.run(cluster.sim.now + 0.5)
    lease = owned["result"]
    expiry = cluster.events("lease.renew", lease=lease)[-1].expiry
    cluster.run(expiry - 1.0)
    cluster.sim.crash(old_leader)
    cluster.run(expiry + 10)
    promotions = [e for e in cluster.events("lease.primary", primary=True) if e.t > expiry - 1]
    assert promotions, "a new leader took over"
    new = promotions[0]
    assert new.node != old_leader
    extended = [e for e in cluster.events("lease.renew", lease=lease, node=new.node)
                if e.t == new.t]
    assert extended and extended[0].expiry == pytest.approx(new.t + ELECTION_TIMEOUT + 5)
    revokes = revoke_times(cluster, lease)
    assert len(revokes) == 1
    assert revokes[0] > expiry + ELECTION_TIMEOUT, "the lease outlived its old expiry"
    assert extended[0].expiry <= revokes[0] <= extended[0].expiry + CHECK + SLACK


def test_partitioned_minority_leader_cannot_expire_leases() -> None:
    """A leader cut off from the majority may think a lease expired, but cannot revoke it."""
    cluster = Cluster(seed=15)
    old_leader = cluster.run_to_leader()
    owned = grant_and_attach(cluster, 2, ("/leader",))
    cluster.run(cluster.sim.now + 0.5)
    lease = owned["result"]
    expiry = cluster.events("lease.renew", lease=lease)[-1].expiry
    cluster.run(expiry - 0.3)
    others = [n for n in sorted(cluster.sim.raft_hosts) if n != old_leader]
    cluster.sim.partition([[old_leader], others])
    cut_at = cluster.sim.now
    old_term = cluster.sim.host(old_leader).term
    cluster.run(expiry + 8)
    tried = [e for e in cluster.events("raft.append", node=old_leader, term=old_term)
             if e.t > cut_at]
    assert tried, "the cut-off leader saw the lease expire and proposed its revoke"
    applied = [e for e in cluster.sim.trace.of_kind("raft.apply")
               if e.cmd.startswith(f"lease revoke {lease} ")]
    assert applied, "the majority's leader expires the lease in the end"
    assert all(e.term != old_term for e in applied)
    assert all(e.node != old_leader for e in applied)
    promotion = next(e for e in cluster.events("lease.primary", primary=True)
                     if e.t > expiry - 0.3)
    assert promotion.node in others
    assert min(e.t for e in applied) >= promotion.t + ELECTION_TIMEOUT + 2 - SLACK
    demotions = cluster.events("lease.primary", node=old_leader, primary=False)
    assert demotions, "the cut-off leader steps down and demotes its lessor"


def test_the_leaders_clock_decides_expiry() -> None:
    """A leader whose clock runs twice as fast expires a 4 s lease after 2 simulated seconds."""
    cluster = Cluster(seed=16)
    leader = cluster.run_to_leader()
    now = cluster.sim.now
    cluster.sim.set_clock(leader, offset=-now, rate=2.0)  # no jump: from now on, twice as fast
    owned = grant_and_attach(cluster, 4, ("/leader",))
    cluster.run(cluster.sim.now + 5)
    lease = owned["result"]
    renewed = cluster.events("lease.renew", lease=lease, node=leader)[-1]
    assert renewed.expiry == pytest.approx(renewed.t + 2.0)
    revoked = revoke_times(cluster, lease)
    assert len(revoked) == 1
    assert renewed.expiry <= revoked[0] <= renewed.expiry + CHECK / 2 + SLACK
