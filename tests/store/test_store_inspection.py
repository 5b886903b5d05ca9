"""Store inspection: each member's state, and the same state folded from the trace alone."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest
from storetools import Cluster, sleep

from simulator.projection.store_fold import StoreFold
from simulator.runtime.store_cluster import inspect_store


def busy_cluster() -> Cluster:
    """Leases, keys, watches, a compaction and a crashed and restarted follower."""
    cluster = Cluster(seed=41)
    holder = cluster.client("holder")
    watcher = cluster.client("watcher")
    leader = cluster.run_to_leader()
    follower = next(n for n in sorted(cluster.sim.raft_hosts) if n != leader)

    def hold() -> Generator[Any, Any, None]:
        kept = yield from holder.lease_grant(4)
        lost = yield from holder.lease_grant(2)
        yield from holder.put("/a", "1", lease=kept.lease_id)
        yield from holder.put("/b", "2", lease=lost.lease_id)
        yield from holder.put("/c", "3")
        yield from holder.put("/c", "4")
        yield from holder.compact(3)
        while True:
            yield from sleep(holder, 1.0)
            yield from holder.lease_keepalive(kept.lease_id)

    def watch() -> Generator[Any, Any, None]:
        stream = yield from watcher.watch("/", prefix=True)
        while True:
            yield stream.next()

    cluster.spawn(hold)
    cluster.spawn(watch)
    cluster.run(cluster.sim.now + 2)
    cluster.sim.crash(follower)
    cluster.run(cluster.sim.now + 1)
    cluster.sim.restart(follower)
    cluster.run(cluster.sim.now + 4)
    return cluster


def test_inspection_shows_keys_leases_watches_and_revision_per_member() -> None:
    """Every member holds the same keys; only the leader knows when leases expire."""
    cluster = busy_cluster()
    views = inspect_store(cluster.sim)
    leader = cluster.sim.raft_leader()
    assert leader is not None and set(views) == set(cluster.sim.raft_hosts)
    for node, view in views.items():
        assert [(kv.key, kv.value, kv.version) for kv in view.kvs] == [("/a", "1", 1),
                                                                        ("/c", "4", 2)]
        assert view.revision == 5 and view.compacted_revision == 3
        assert [lease.keys for lease in view.leases] == [("/a",)]
        if node == leader:
            assert view.primary
            remaining = view.leases[0].remaining
            assert remaining is not None and 2.5 <= remaining <= 4.0
        else:
            assert not view.primary and view.leases[0].expiry is None
    served = [(node, w.client, w.key) for node, v in views.items() for w in v.watches]
    assert served == [(served[0][0], "watcher", "/")]


def test_the_trace_alone_folds_to_what_members_hold() -> None:
    """kv.change, lease.* and watch.* events are enough to draw every member's store."""
    cluster = busy_cluster()
    fold = StoreFold()
    for event in cluster.sim.trace.events:
        fold.add(event)
    now = cluster.sim.now
    for node, held in inspect_store(cluster.sim).items():
        folded = fold.view(node, now)
        assert folded.kvs == held.kvs
        assert (folded.revision, folded.compacted_revision, folded.applied_index) == (
            held.revision, held.compacted_revision, held.applied_index)
        assert (folded.role, folded.primary) == (held.role, held.primary)
        assert [(x.lease_id, x.ttl, x.owner, x.keys) for x in folded.leases] == [
            (x.lease_id, x.ttl, x.owner, x.keys) for x in held.leases]
        for mine, theirs in zip(folded.leases, held.leases, strict=True):
            if theirs.expiry is None:
                assert mine.expiry is None
            else:
                assert mine.expiry == pytest.approx(theirs.expiry)
        assert [(w.client, w.watch_id, w.key, w.prefix) for w in folded.watches] == [
            (w.client, w.watch_id, w.key, w.prefix) for w in held.watches]
