"""Client requests: redirect to the leader, stale serializable reads, retries applied once."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from storetools import Cluster, lagging_reader, sleep

from simulator.kv.commands import Compare, Put, Range
from simulator.runtime.store_errors import StoreError, StoreUnavailable
from simulator.runtime.store_sessions import ClientCommand


def test_writes_sent_to_a_follower_are_redirected_to_the_leader() -> None:
    """The follower answers "not leader" naming the leader; the client goes there."""
    cluster = Cluster(seed=31)
    client = cluster.client("c")
    leader = cluster.run_to_leader()
    follower = next(n for n in sorted(cluster.sim.raft_hosts) if n != leader)
    client.member = follower
    outcome = cluster.spawn(lambda: client.put("k", "v"))
    cluster.run(cluster.sim.now + 1)
    assert outcome["result"].revision == 1
    sends = [(e.src, e.dst, e.type) for e in cluster.sim.trace.of_kind("msg.send")
             if "c" in (e.src, e.dst)]
    assert sends == [("c", follower, "StoreRequest"), (follower, "c", "StoreResponse"),
                     ("c", leader, "StoreRequest"), (leader, "c", "StoreResponse")]
    assert client.leader == leader


def test_serializable_read_from_a_cut_off_member_is_stale() -> None:
    """A member cut off from the leader still serves serializable reads of its old state;
    linearizable reads by the same client see the latest write."""
    cluster = Cluster(seed=32)
    reader = lagging_reader(cluster, "k", "old", "new")

    def read() -> Generator[Any, Any, tuple[Any, Any]]:
        stale = yield from reader.get("k", serializable=True)
        fresh = yield from reader.get("k")
        return stale, fresh

    outcome = cluster.spawn(read)
    cluster.run(cluster.sim.now + 1)
    stale, fresh = outcome["result"]
    assert stale.first.value == "old" and fresh.first.value == "new"
    assert stale.revision < fresh.revision
    values = [e.value for e in cluster.events("kv.complete", client="reader")]
    assert values == ["old", "new"]


def test_a_retried_write_gets_its_first_answer() -> None:
    """A put-if-absent whose answer is lost is retried; the store applies it only once and
    the retry gets the first answer (success), not a failed compare."""
    cluster = Cluster(seed=33)
    client = cluster.client("c")
    leader = cluster.run_to_leader()
    cluster.sim.network.cut(leader, "c", both_ways=False)
    txn = ([Compare("/lock", "create", "=", 0)], [Put("/lock", "c")], [Range("/lock")])
    outcome = cluster.spawn(lambda: client.txn(*txn))
    cluster.run(cluster.sim.now + 0.5)
    cluster.sim.network.heal(leader, "c", both_ways=False)
    cluster.run(cluster.sim.now + 3)
    assert outcome["result"].succeeded is True
    requests = [e for e in cluster.sim.trace.of_kind("msg.send")
                if e.src == "c" and e.type == "StoreRequest"]
    assert len(requests) >= 2, "the answer was lost, so the client asked again"
    changes = cluster.events("kv.change", node=leader, key="/lock")
    assert len(changes) == 1, "but the store changed once"
    completes = cluster.events("kv.complete", client="c")
    assert [(e.ok, e.succeeded) for e in completes] == [(True, True)]


def test_a_client_write_twice_in_the_log_changes_the_store_once() -> None:
    """Two log entries of one client operation (a retry proposed again by a new leader):
    every member applies both entries but changes its store for the first only."""
    cluster = Cluster(seed=37)
    leader = cluster.run_to_leader()
    write = ClientCommand("c", 1, 1, Put("/k", "v"))
    cluster.sim.propose(write, leader)
    cluster.run(cluster.sim.now + 0.2)
    cluster.sim.propose(write, leader)
    cluster.sim.propose(ClientCommand("c", 2, 1, Put("/k", "w")), leader)
    cluster.run(cluster.sim.now + 1)
    for node in sorted(cluster.sim.raft_hosts):
        applied = [e.cmd for e in cluster.events("raft.apply", node=node) if "/k" in e.cmd]
        assert applied == ["put /k=v", "put /k=v", "put /k=w"]
        changes = [(e.value, e.revision) for e in cluster.events("kv.change", node=node)]
        assert changes == [("v", 1), ("w", 2)]


def test_store_errors_are_raised_and_traced() -> None:
    """A put on a lease that does not exist fails with etcd's message."""
    cluster = Cluster(seed=34)
    client = cluster.client("c")
    cluster.run_to_leader()
    outcome = cluster.spawn(lambda: client.put("k", "v", lease=99))
    cluster.run(cluster.sim.now + 1)
    problem = outcome["error"]
    assert isinstance(problem, StoreError) and "lease not found" in str(problem)
    complete = cluster.events("kv.complete", client="c")[-1]
    assert complete.ok is False and complete.error == "lease not found"


def test_calls_give_up_when_no_quorum_answers() -> None:
    """With the majority down, a write raises StoreUnavailable after the client's patience."""
    cluster = Cluster(seed=35)
    client = cluster.client("c", patience=4.0)
    cluster.run_to_leader()
    for node in sorted(cluster.sim.raft_hosts)[:3]:
        cluster.sim.crash(node)
    start = cluster.sim.now
    outcome = cluster.spawn(lambda: client.put("k", "v"))
    cluster.run(start + 10)
    assert isinstance(outcome["error"], StoreUnavailable)
    complete = cluster.events("kv.complete", client="c")[-1]
    assert complete.ok is False and start + 4 - 1e-9 <= complete.t <= start + 4 + 1e-6


def test_op_ids_count_per_client_and_every_call_is_traced() -> None:
    """kv.invoke and kv.complete pair up by (client, op_id), numbered 1, 2, ... per client."""
    cluster = Cluster(seed=36)
    a = cluster.client("a")
    b = cluster.client("b")
    cluster.run_to_leader()

    def work(client: Any) -> Generator[Any, Any, None]:
        yield from client.put("x", client.id)
        yield from client.get("x")
        yield from sleep(client, 0.1)
        yield from client.delete("x")

    cluster.spawn(lambda: work(a))
    cluster.spawn(lambda: work(b))
    cluster.run(cluster.sim.now + 2)
    for name in ("a", "b"):
        invokes = cluster.events("kv.invoke", client=name)
        completes = cluster.events("kv.complete", client=name)
        assert [e.op_id for e in invokes] == [1, 2, 3]
        assert [e.op for e in invokes] == ["put", "get", "delete"]
        assert [e.op_id for e in completes] == [1, 2, 3] and all(e.ok for e in completes)
