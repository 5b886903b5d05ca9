"""Helpers for the store tests: a store cluster with client hosts, and trace queries."""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import replace
from typing import Any

from simulator.config import Latency, NetworkConfig, RaftConfig, Scenario, StoreConfig
from simulator.runtime.client import StoreClient
from simulator.runtime.simulation import Simulation
from simulator.runtime.store_cluster import add_client_host, store_simulation
from simulator.trace.events import Event


def scenario(nodes: int = 5, protocol: str = "raft", leader_lease: bool = False,
             **store: Any) -> Scenario:
    """etcd's timing (100 ms heartbeat, 1-2 s election timeout), 1-5 ms links."""
    return Scenario(
        raft=RaftConfig(nodes=nodes, protocol=protocol, leader_lease=leader_lease),
        network=NetworkConfig(latency=Latency.uniform(0.001, 0.005)),
        store=replace(StoreConfig(), **store),
    )


class Cluster:
    """A store simulation plus named clients, each on its own client host."""

    def __init__(self, seed: int = 1, nodes: int = 5, protocol: str = "raft",
                 leader_lease: bool = False, **store: Any) -> None:
        self.sim: Simulation = store_simulation(
            scenario(nodes, protocol, leader_lease, **store), seed=seed)
        self.clients: dict[str, StoreClient] = {}

    def client(self, name: str, **options: Any) -> StoreClient:
        """A new client ``name`` on a new host of the same name."""
        host = add_client_host(self.sim, name)
        client = StoreClient(self.sim, name, host, **options)
        self.clients[name] = client
        return client

    def spawn(self, body: Callable[[], Generator[Any, Any, Any]]) -> dict[str, Any]:
        """Run ``body`` as a process; the returned dict gets "result" or "error" when it ends."""
        outcome: dict[str, Any] = {}

        def runner() -> Generator[Any, Any, None]:
            try:
                outcome["result"] = yield from body()
            except Exception as problem:  # noqa: BLE001 - the test inspects it
                outcome["error"] = problem

        self.sim.env.process(runner())
        return outcome

    def run(self, until: float) -> None:
        """Run the simulation until ``until`` seconds."""
        self.sim.run_until(until)

    def run_to_leader(self, limit: float = 10.0) -> str:
        """Run until a leader has applied an entry of its term (its lessor is primary)."""
        while self.sim.now < limit:
            self.sim.run_until(self.sim.now + 0.05)
            leader = self.sim.raft_leader()
            if leader is not None and self.server(leader).primary:
                return leader
        raise AssertionError(f"no leader by {limit} s")

    def server(self, node: str) -> Any:
        """The StoreServer of ``node``."""
        return self.sim.host(node).state_machine

    def events(self, kind: str, **fields: Any) -> list[Event]:
        """Trace events of ``kind`` whose fields equal ``fields``."""
        return [e for e in self.sim.trace.of_kind(kind)
                if all(getattr(e, k) == v for k, v in fields.items())]


def sleep(client: StoreClient, seconds: float) -> Generator[Any, Any, None]:
    """Wait ``seconds`` of simulated time inside a client process."""
    yield client.env.timeout(seconds)


def lagging_reader(cluster: Cluster, key: str, old: str, new: str) -> StoreClient:
    """Write ``old`` then ``new`` to ``key`` while one follower is cut off from the leader in
    between; return a client "reader" connected to that lagging follower (it still has ``old``)."""
    writer = cluster.client("writer")
    reader = cluster.client("reader")
    leader = cluster.run_to_leader()
    cluster.spawn(lambda: writer.put(key, old))
    cluster.run(cluster.sim.now + 0.5)
    lagging = next(n for n in sorted(cluster.sim.raft_hosts) if n != leader)
    cluster.sim.cut(leader, lagging)
    cluster.spawn(lambda: writer.put(key, new))
    cluster.run(cluster.sim.now + 0.5)
    reader.member = lagging
    return reader
