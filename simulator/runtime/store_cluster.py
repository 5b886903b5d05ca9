"""Build a simulation whose Raft members run the store, add client hosts, inspect members."""

from __future__ import annotations

from simulator.config import Scenario
from simulator.kv.inspection import StoreInspection
from simulator.runtime.simulation import Simulation
from simulator.runtime.store_client_host import ClientHost
from simulator.runtime.store_server import StoreServer, StoreServerFactory


def store_simulation(scenario: Scenario, seed: int | None = None) -> Simulation:
    """A Simulation of ``scenario`` whose every Raft host runs a StoreServer."""
    return Simulation(scenario, seed, StoreServerFactory.for_scenario(scenario))


def add_client_host(sim: Simulation, host_id: str) -> ClientHost:
    """Attach a started ClientHost named ``host_id`` to ``sim``'s network."""
    host = ClientHost(host_id, sim.env, sim.trace, sim.network)
    host.start()
    return host


def store_server(sim: Simulation, node: str) -> StoreServer:
    """The StoreServer of Raft node ``node`` (ValueError if it runs none, or is crashed)."""
    host = sim.host(node)
    machine = host.state_machine
    if not isinstance(machine, StoreServer):
        raise ValueError(f"{node} runs no store server")
    if not host.alive:
        raise ValueError(f"{node} is crashed: its store is gone until it restarts")
    return machine


def inspect_store(sim: Simulation) -> dict[str, StoreInspection]:
    """Every live member's store now, by node id."""
    return {
        node: store_server(sim, node).inspect()
        for node in sorted(sim.raft_hosts) if sim.raft_hosts[node].alive
    }
