"""Watches through the client: history, order, fail-over without gaps or duplicates, compaction."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest
from storetools import Cluster, sleep

from simulator.runtime.store_errors import WatchCancelled


def collect(cluster: Cluster, name: str, key: str, until: float, prefix: bool = False,
            start_revision: int = 0, member: str | None = None) -> dict[str, Any]:
    """Spawn a watcher that gathers every batch until simulated time ``until``."""
    watcher = cluster.client(name)
    if member is not None:
        watcher.member = member
    batches: list[Any] = []

    def body() -> Generator[Any, Any, Any]:
        stream = yield from watcher.watch(key, prefix=prefix, start_revision=start_revision)
        outcome["watch"] = stream
        while cluster.sim.now < until:
            batches.append((yield stream.next()))
        return batches

    outcome = cluster.spawn(body)
    outcome["batches"] = batches
    return outcome


def test_watch_from_a_past_revision_replays_history_then_follows() -> None:
    """A watch from revision 2 gets revisions 2 and 3 from history, then the live write."""
    cluster = Cluster(seed=21)
    writer = cluster.client("writer")
    cluster.run_to_leader()
    revisions: list[int] = []

    def write(values: tuple[str, ...]) -> Generator[Any, Any, None]:
        for value in values:
            response = yield from writer.put("k", value)
            revisions.append(response.revision)

    cluster.spawn(lambda: write(("1", "2", "3")))
    cluster.run(cluster.sim.now + 1)
    watched = collect(cluster, "watcher", "k", until=1e9, start_revision=revisions[1])
    cluster.run(cluster.sim.now + 1)
    cluster.spawn(lambda: write(("4",)))
    cluster.run(cluster.sim.now + 1)
    batches = watched["batches"]
    assert [[(e.value, e.revision) for e in b] for b in batches] == [
        [("2", revisions[1])], [("3", revisions[2])], [("4", revisions[3])]]
    traced = [(e.key, e.revision) for e in cluster.events("watch.event", client="watcher")]
    assert traced == [("k", r) for r in revisions[1:]]


@pytest.mark.parametrize("restart_after", [None, 0.3])
def test_watch_stream_survives_the_crash_of_its_member(restart_after: float | None) -> None:
    """Every revision of the watched prefix arrives once, in order, across the member's crash."""
    cluster = Cluster(seed=22)
    writer = cluster.client("writer")
    leader = cluster.run_to_leader()
    follower = next(n for n in sorted(cluster.sim.raft_hosts) if n != leader)
    start = cluster.sim.now
    watched = collect(cluster, "watcher", "/jobs/", until=start + 9, prefix=True,
                      member=follower)

    def write() -> Generator[Any, Any, None]:
        for number in range(40):
            yield from writer.put(f"/jobs/{number % 3}", str(number))
            yield from sleep(writer, 0.2)

    cluster.spawn(write)
    cluster.run(start + 3)
    cluster.sim.crash(follower)
    if restart_after is not None:
        cluster.run(start + 3 + restart_after)
        cluster.sim.restart(follower)
    cluster.run(start + 12)
    written = sorted({e.revision for e in cluster.events("kv.change")
                      if e.key.startswith("/jobs/")})
    assert len(written) == 40
    seen = [b[0].revision for b in watched["batches"]]
    assert seen == sorted(seen) and len(seen) == len(set(seen)), "in order, no duplicates"
    assert seen == written[: len(seen)], "no gaps"
    assert len(seen) >= 35, "the stream kept going after the crash"
    values = [e.value for b in watched["batches"] for e in b]
    assert values == [str(n) for n in range(len(values))]
    assert watched["watch"].reconnects >= 1
    opened = cluster.events("watch.open", client="watcher")
    assert opened[0].node == follower and len(opened) >= 2


def test_watch_on_a_compacted_revision_is_cancelled_with_the_reason() -> None:
    """History below the compacted revision is gone: such a watch fails and says why."""
    cluster = Cluster(seed=23)
    client = cluster.client("c")
    cluster.run_to_leader()

    def body() -> Generator[Any, Any, Any]:
        for value in "abcd":
            yield from client.put("k", value)
        yield from client.compact(3)
        # every member applies the compaction within a heartbeat (a watch that reaches a
        # member before it applied it would be served from the history still there)
        yield from sleep(client, 0.2)
        try:
            yield from client.watch("k", start_revision=2)
        except WatchCancelled as problem:
            return problem
        return None

    outcome = cluster.spawn(body)
    cluster.run(cluster.sim.now + 3)
    problem = outcome["result"]
    assert isinstance(problem, WatchCancelled)
    assert "compacted" in str(problem) and problem.compact_revision == 3
    failed = cluster.events("kv.complete", client="c", ok=False)
    assert failed and "compacted" in (failed[-1].error or "")


def test_cancelled_watch_gets_no_more_events() -> None:
    """After cancel(), the member stops serving the watch and next() fails."""
    cluster = Cluster(seed=24)
    client = cluster.client("c")
    cluster.run_to_leader()

    def body() -> Generator[Any, Any, Any]:
        stream = yield from client.watch("k")
        yield from client.put("k", "1")
        first = yield stream.next()
        stream.cancel()
        yield from client.put("k", "2")
        yield from sleep(client, 0.5)
        try:
            yield stream.next()
        except WatchCancelled:
            return first
        return None

    outcome = cluster.spawn(body)
    cluster.run(cluster.sim.now + 3)
    assert [e.value for e in outcome["result"]] == ["1"]
    assert len(cluster.events("watch.event", client="c")) == 1
    assert [e.reason for e in cluster.events("watch.close", client="c")] == [
        "cancelled by the client"]


def test_cancelling_a_watch_never_fails_the_cancellers_own_pending_next() -> None:
    """A waiter that built "next batch, unless ..." but left before waiting on it (a fault was
    already signalled) cancels its watch in a ``finally``: its own cancel must not fail that
    condition, which nobody waits on, so the run goes on (issue 14, item 9a)."""
    cluster = Cluster(seed=24)
    client = cluster.client("c")
    cluster.run_to_leader()

    def body() -> Generator[Any, Any, Any]:
        stream = yield from client.watch("k")
        pending = stream.next()
        waited = pending | cluster.sim.env.event()  # built, then abandoned unyielded
        stream.cancel()
        yield from sleep(client, 0.5)
        return pending.triggered, waited.triggered

    outcome = cluster.spawn(body)
    cluster.run(cluster.sim.now + 2)
    assert outcome["result"] == (False, False)


def test_automatic_compaction_keeps_one_to_two_retentions_of_history() -> None:
    """With compaction_retention 5, the leader compacts as revisions pile up; every member
    follows, and a watch from revision 1 is then refused."""
    cluster = Cluster(seed=25, compaction_retention=5)
    client = cluster.client("c")
    cluster.run_to_leader()

    def body() -> Generator[Any, Any, Any]:
        for number in range(30):
            yield from client.put(f"k{number % 3}", str(number))
        yield from sleep(client, 1.0)
        try:
            yield from client.watch("k0", start_revision=1)
        except WatchCancelled as problem:
            return problem
        return None

    outcome = cluster.spawn(body)
    cluster.run(cluster.sim.now + 5)
    assert isinstance(outcome["result"], WatchCancelled)
    compactions = [e for e in cluster.sim.trace.of_kind("raft.apply")
                   if e.cmd.startswith("compact ")]
    assert {e.node for e in compactions} == set(cluster.sim.raft_hosts)
    for node in sorted(cluster.sim.raft_hosts):
        store = cluster.server(node).member.store
        assert store.revision == 30
        assert 5 <= store.revision - store.compacted_revision < 10
        assert store.get("k0") is not None


def test_a_member_left_behind_by_a_cut_link_stops_serving_after_the_heal() -> None:
    """The client moves its watch when its link to the member is cut; once the link heals,
    the old member's late updates make the client cancel the abandoned stream there."""
    cluster = Cluster(seed=26)
    writer = cluster.client("writer")
    leader = cluster.run_to_leader()
    follower = next(n for n in sorted(cluster.sim.raft_hosts) if n != leader)
    start = cluster.sim.now
    watched = collect(cluster, "watcher", "k", until=1e9, member=follower)

    def write() -> Generator[Any, Any, None]:
        for number in range(30):
            yield from writer.put("k", str(number))
            yield from sleep(writer, 0.2)

    cluster.spawn(write)
    cluster.run(start + 1)
    cluster.sim.network.cut(follower, "watcher")
    cluster.run(start + 4)
    cluster.sim.network.heal(follower, "watcher")
    cluster.run(start + 8)
    values = [e.value for b in watched["batches"] for e in b]
    assert values == [str(n) for n in range(len(values))] and len(values) >= 30
    opened = cluster.events("watch.open", client="watcher")
    assert [e.node for e in opened][0] == follower and opened[-1].node != follower
    closed = cluster.events("watch.close", client="watcher", node=follower)
    assert [e.reason for e in closed] == ["cancelled by the client"]
