"""Random concurrent client operations under random faults are linearizable.

Clients put, get (linearizable), delete and compare-and-set a few keys while nodes crash,
restart and get partitioned. The history is read back from the trace (kv.invoke / kv.complete,
ordered by their position in the trace) and checked against a sequential key-value model by
the Wing-Gong checker in lincheck.py. Operations that timed out may or may not have happened.
"""

from __future__ import annotations

import math
import random
from collections.abc import Generator
from typing import Any

import pytest
from lincheck import Op, check_history
from storetools import Cluster, lagging_reader, sleep

from simulator.kv.commands import Compare, Put
from simulator.runtime.client import StoreClient
from simulator.runtime.store_errors import StoreError
from simulator.trace.events import KvComplete, KvInvoke

KEYS = ("x", "y", "z")
CLIENTS = ("c1", "c2", "c3", "c4")
FAULT_UNTIL = 30.0
RUN_UNTIL = 40.0


def client_loop(client: StoreClient, rng: random.Random, cas_specs: dict[str, Any],
                until: float) -> Generator[Any, Any, None]:
    """Random operations on KEYS until ``until``; remembers what each CAS text means."""
    number = 0
    seen: dict[str, str | None] = {}
    while client.env.now < until:
        number += 1
        key = rng.choice(KEYS)
        value = f"{client.id}-{number}"
        roll = rng.random()
        try:
            if roll < 0.35:
                yield from client.put(key, value)
            elif roll < 0.7:
                response = yield from client.get(key)
                seen[key] = response.first.value if response.first else None
            elif roll < 0.8:
                yield from client.delete(key)
            else:
                expected = seen.get(key)
                compare = (Compare(key, "create", "=", 0) if expected is None
                           else Compare(key, "value", "=", expected))
                success = (Put(key, value),)
                cas_specs[str(compare) + "|" + str(success[0])] = (expected, value)
                yield from client.txn([compare], success)
        except StoreError:
            pass
        yield from sleep(client, rng.uniform(0.0, 0.3))


def fault_loop(cluster: Cluster, rng: random.Random) -> Generator[Any, Any, None]:
    """Crash, restart, partition and heal at random until FAULT_UNTIL, then heal everything."""
    sim = cluster.sim
    nodes = sorted(sim.raft_hosts)
    while sim.now < FAULT_UNTIL:
        yield sim.env.timeout(rng.uniform(0.5, 2.5))
        crashed = sim.crashed_nodes()
        roll = rng.random()
        if roll < 0.3 and len(crashed) < 2:
            leader = sim.raft_leader()
            target = leader if leader is not None and rng.random() < 0.5 else rng.choice(
                [n for n in nodes if n not in crashed])
            sim.crash(target)
        elif roll < 0.55 and crashed:
            sim.restart(rng.choice(crashed))
        elif roll < 0.8:
            shuffled = nodes[:]
            rng.shuffle(shuffled)
            cut = rng.randint(1, len(nodes) - 1)
            sim.partition([shuffled[:cut], shuffled[cut:]])
        else:
            sim.heal_all()
    sim.heal_all()
    for node in sim.crashed_nodes():
        sim.restart(node)


def history(cluster: Cluster, cas_specs: dict[str, Any]) -> list[Op]:
    """The operations of the run, from the trace."""
    invokes: dict[tuple[str, int], tuple[int, KvInvoke]] = {}
    completes: dict[tuple[str, int], tuple[int, KvComplete]] = {}
    for position, event in enumerate(cluster.sim.trace.events):
        if isinstance(event, KvInvoke):
            invokes[(event.client, event.op_id)] = (position, event)
        elif isinstance(event, KvComplete):
            completes[(event.client, event.op_id)] = (position, event)
    ops: list[Op] = []
    for ident in sorted(invokes):
        start, invoke = invokes[ident]
        end, complete = completes.get(ident, (math.inf, None))
        ok = complete is not None and complete.ok
        finish = end if ok else math.inf
        key = invoke.key or ""
        result: object = None
        if invoke.op == "put":
            kind, arg = "put", invoke.value
        elif invoke.op == "get":
            kind, arg = "get", None
            result = complete.value if ok and complete is not None else None
        elif invoke.op == "delete":
            kind, arg = "delete", None
        else:
            kind, arg = "cas", cas_specs[_cas_text(invoke.value or "")]
            result = complete.succeeded if ok and complete is not None else None
        ops.append(Op(invoke.client, invoke.op_id, key, kind, arg, start, finish, ok, result))
    return ops


def _cas_text(txn_text: str) -> str:
    """'txn if C then P' -> 'C|P' (the key cas_specs uses)."""
    condition, _, branch = txn_text.removeprefix("txn if ").partition(" then ")
    return f"{condition}|{branch}"


@pytest.mark.parametrize(("seed", "protocol", "lease"), [
    (1, "raft", False), (2, "raft", False), (3, "raft", False),
    (1, "multi-paxos", False), (2, "multi-paxos", True),
])
def test_random_operations_under_faults_are_linearizable(seed: int, protocol: str,
                                                         lease: bool) -> None:
    """The recorded history has a legal sequential order consistent with real time (on Raft,
    and on Multi-Paxos with reads confirmed by a round or served under a leader lease)."""
    cluster = Cluster(seed=seed, protocol=protocol, leader_lease=lease)
    rng = random.Random(seed)
    cas_specs: dict[str, Any] = {}
    for name in CLIENTS:
        client = cluster.client(name, patience=1.5)  # impatient: some calls time out
        stream = random.Random(f"{seed}/{name}")
        cluster.spawn(lambda c=client, r=stream: client_loop(c, r, cas_specs, RUN_UNTIL - 3))
    cluster.spawn(lambda: fault_loop(cluster, rng))
    cluster.run(RUN_UNTIL)
    ops = history(cluster, cas_specs)
    answered = [op for op in ops if op.ok]
    assert len(answered) > 200, "enough operations got through to make the check meaningful"
    assert any(not op.ok for op in ops), "some calls timed out: their effect is unknown"
    faults = [e for e in cluster.sim.trace.of_kind("user.action")
              if e.action in ("crash", "partition")]
    assert len(faults) >= 5
    assert any(op.kind == "cas" and op.result is True for op in answered)
    assert any(op.kind == "cas" and op.result is False for op in answered)
    assert check_history(ops) == []


def test_the_checker_catches_a_stale_read_in_a_real_history() -> None:
    """Control: a serializable read that returned an old value makes the history fail."""
    cluster = Cluster(seed=9)
    reader = lagging_reader(cluster, "x", "old", "new")
    cluster.spawn(lambda: reader.get("x", serializable=True))
    cluster.run(cluster.sim.now + 0.5)
    ops = history(cluster, {})
    assert [op.result for op in ops if op.kind == "get"] == ["old"]
    assert check_history(ops) == ["x"]
