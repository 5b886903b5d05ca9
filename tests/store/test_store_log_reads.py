"""The event log tells a prefix (range) read from a point read, as an outside tool needs."""

from __future__ import annotations

import json
from collections.abc import Generator
from typing import Any

from storetools import Cluster

from simulator.trace.export import to_jsonl


def _log_of_reads() -> list[dict[str, Any]]:
    cluster = Cluster(seed=5)
    client = cluster.client("c")
    cluster.run_to_leader()

    def body() -> Generator[Any, Any, None]:
        yield from client.put("/payments/c2", "paid")
        yield from client.put("/payments/c1", "paid")
        yield from client.put("/leader", "app1")
        yield from client.get("/payments/", prefix=True)
        yield from client.get("/leader")
        yield from client.get("/missing")
        yield from client.delete("/payments/", prefix=True)

    cluster.spawn(body)
    cluster.run(cluster.sim.now + 2)
    records = [json.loads(line) for line in to_jsonl(cluster.sim.trace).splitlines()]
    return [r for r in records if r["kind"] in ("kv.invoke", "kv.complete")]


def test_a_prefix_read_says_so_and_lists_the_keys_it_returned() -> None:
    records = _log_of_reads()
    invokes = {r["op_id"]: r for r in records if r["kind"] == "kv.invoke"}
    completes = {r["op_id"]: r for r in records if r["kind"] == "kv.complete"}
    prefix_get = next(i for i in invokes.values() if i["op"] == "get" and i["prefix"])
    assert prefix_get["key"] == "/payments/"
    answer = completes[prefix_get["op_id"]]
    assert answer["ok"] is True
    assert answer["value"] is None
    assert answer["kvs"] == [["/payments/c1", "paid"], ["/payments/c2", "paid"]]


def test_a_point_read_is_not_a_prefix_read_and_carries_its_value() -> None:
    records = _log_of_reads()
    invokes = {r["op_id"]: r for r in records if r["kind"] == "kv.invoke"}
    completes = {r["op_id"]: r for r in records if r["kind"] == "kv.complete"}
    point = {i["key"]: completes[i["op_id"]] for i in invokes.values()
             if i["op"] == "get" and not i["prefix"]}
    assert point["/leader"]["value"] == "app1" and point["/leader"]["kvs"] is None
    assert point["/missing"]["value"] is None and point["/missing"]["kvs"] is None
    deletes = [i for i in invokes.values() if i["op"] == "delete"]
    assert [d["prefix"] for d in deletes] == [True]
    assert completes[deletes[0]["op_id"]]["value"] == "2"
