"""etcd's LeaseRenew: a follower forwards a keepalive to the leader, and a leader that was not
active (paused or stalled) confirms it still leads before renewing (issue 14 item 2)."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from storetools import Cluster

from simulator.runtime.store_errors import StoreError
from simulator.trace.events import LeaseRenew, MsgSend, RaftRole


def _granted(cluster: Cluster, name: str) -> tuple[Any, int]:
    client = cluster.client(name)
    cluster.run_to_leader()
    outcome = cluster.spawn(lambda: client.lease_grant(30.0))
    cluster.run(cluster.sim.now + 0.3)
    return client, outcome["result"].lease_id


def test_a_keepalive_sent_to_a_follower_is_forwarded_to_the_leader() -> None:
    cluster = Cluster(seed=3)
    client, lease_id = _granted(cluster, "c")
    leader = cluster.sim.raft_leader()
    follower = next(n for n in sorted(cluster.sim.raft_hosts) if n != leader)
    client.member = follower
    start = cluster.sim.now
    outcome = cluster.spawn(lambda: client.lease_keepalive(lease_id))
    cluster.run(start + 0.3)
    assert outcome["result"] == 30.0
    sends = [(e.src, e.dst, e.type) for e in cluster.sim.trace
             if isinstance(e, MsgSend) and e.t >= start and "KeepAlive" in e.type]
    assert sends == [("c", follower, "KeepAlive"), (follower, leader, "KeepAlive"),
                     (leader, follower, "KeepAliveResponse"),
                     (follower, "c", "KeepAliveResponse")]
    renewals = [e for e in cluster.sim.trace if isinstance(e, LeaseRenew) and e.t >= start]
    assert [e.node for e in renewals] == [leader]


def _keepalive_to_a_paused_leader(check: str) -> tuple[Cluster, str, float, dict[str, Any]]:
    """The leader pauses for 4 s; a keepalive reaches it early in the pause and waits."""
    cluster = Cluster(seed=3, request_timeout=8.0, keepalive_leadership_check=check)
    client, lease_id = _granted(cluster, "c")
    leader = cluster.sim.raft_leader()
    assert leader is not None
    client.member = leader
    cluster.sim.pause(leader, 4.0)
    resumed = cluster.sim.now + 4.0
    outcome: dict[str, Any] = {}

    def keepalive() -> Generator[Any, Any, None]:
        try:
            outcome["ttl"] = yield from client.lease_keepalive(lease_id)
        except StoreError as problem:
            outcome["error"] = problem
        outcome["at"] = cluster.sim.now

    cluster.spawn(keepalive)
    cluster.run(resumed + 1.0)
    return cluster, leader, resumed, outcome


def _stale_renewals(cluster: Cluster, old: str, resumed: float) -> list[LeaseRenew]:
    new_leader_at = min(e.t for e in cluster.sim.trace if isinstance(e, RaftRole)
                        and e.role == "leader" and e.node != old)
    assert new_leader_at < resumed  # another node leads a higher term during the pause
    return [e for e in cluster.sim.trace
            if isinstance(e, LeaseRenew) and e.node == old and e.t >= resumed]


def test_a_leader_back_from_a_pause_confirms_its_leadership_before_renewing() -> None:
    cluster, old, resumed, outcome = _keepalive_to_a_paused_leader("etcd")
    assert _stale_renewals(cluster, old, resumed) == []
    # its ReadIndex round fails (it learns the new term): the client renews at the new leader
    assert outcome["ttl"] == 30.0 and outcome["at"] > resumed
    renewed_by = {e.node for e in cluster.sim.trace
                  if isinstance(e, LeaseRenew) and e.t >= resumed}
    assert renewed_by and old not in renewed_by


def test_without_the_check_the_old_leader_renews_a_lease_it_no_longer_owns() -> None:
    cluster, old, resumed, outcome = _keepalive_to_a_paused_leader("never")
    stale = _stale_renewals(cluster, old, resumed)
    assert stale and stale[0].t == resumed  # answered from the stale lessor at once
    assert outcome["ttl"] == 30.0 and outcome["at"] < resumed + 0.01
