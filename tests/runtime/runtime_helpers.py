"""Shared helpers for the runtime tests: small scenarios and trace queries."""

from __future__ import annotations

from collections.abc import Iterable

from simulator.config import FaultStep, Latency, NetworkConfig, RaftConfig, Scenario
from simulator.runtime.simulation import Simulation
from simulator.trace.events import Event, RaftApply, RaftRole


def scenario(nodes: int = 5, latency: Latency | None = None, loss: float = 0.0,
             faults: Iterable[FaultStep] = (), **raft: object) -> Scenario:
    """A cluster with etcd's timing unless overridden, 1-5 ms links by default."""
    network = NetworkConfig(latency=latency or Latency.uniform(0.001, 0.005), loss=loss)
    return Scenario(name="test", raft=RaftConfig(nodes=nodes, **raft),  # type: ignore[arg-type]
                    network=network, faults=tuple(faults))


def leader_after(sim: Simulation, t: float) -> str:
    """Run to ``t`` and return the leader (fails if there is none)."""
    sim.run_until(t)
    leader = sim.raft_leader()
    assert leader is not None, f"no leader at {t} s"
    return leader


def roles(events: Iterable[Event]) -> list[RaftRole]:
    """The raft.role events."""
    return [e for e in events if isinstance(e, RaftRole)]


def leaders_by_term(events: Iterable[Event]) -> dict[int, set[str]]:
    """For every term, the nodes that became its leader."""
    result: dict[int, set[str]] = {}
    for event in roles(events):
        if event.role == "leader":
            result.setdefault(event.term, set()).add(event.node)
    return result


def applied_by_index(events: Iterable[Event]) -> dict[int, set[str]]:
    """For every log index, the distinct commands applied there by any node."""
    result: dict[int, set[str]] = {}
    for event in events:
        if isinstance(event, RaftApply):
            result.setdefault(event.index, set()).add(f"{event.term}:{event.cmd}")
    return result


def kinds(events: Iterable[Event], *wanted: str) -> list[Event]:
    """The events of the given kinds, in order."""
    return [e for e in events if e.kind in wanted]
