"""Shared helpers for the app server tests: small fast scenarios and trace queries.

Timing is scaled down so each story runs in well under a second of wall time: a 3-node Raft
cluster with 0.3-0.6 s election timeouts (so the store's minimum lease TTL is 1 s), app leases
of 2 s renewed every TTL/3, client-go timing 3/2/0.5 s, ZooKeeper sessions of 2 s.
"""

from __future__ import annotations

from collections.abc import Callable

from simulator.config import (
    AppsConfig,
    AppServerConfig,
    JobConfig,
    KubernetesConfig,
    ProviderConfig,
    RaftConfig,
    Scenario,
    StoreConfig,
    ZooKeeperConfig,
)
from simulator.runtime.simulation import Simulation
from simulator.trace.events import AppRole, Event, KvInvoke, LeaseRevoke

RECIPES = ("seed", "etcd", "zookeeper", "kubernetes")
LEASE_RECIPES = ("seed", "etcd", "zookeeper")
TTL = 2.0
K8S = KubernetesConfig(lease_duration=3.0, renew_deadline=2.0, retry_period=0.5, jitter=1.2)
ZK = ZooKeeperConfig(tick_time=0.5, session_timeout=TTL)


def scenario(recipe: str, servers: int = 3, ttl: float = TTL, protection: str = "none",
             contracts: int = 6, month: float = 10.0, check_interval: float = 0.5,
             request_timeout: float = 0.5) -> Scenario:
    """A small, fast scenario: 3 Raft nodes and ``servers`` app servers running ``recipe``."""
    return Scenario(
        name=f"test-{recipe}",
        raft=RaftConfig(nodes=3, heartbeat_interval=0.05, election_timeout_min=0.3,
                        election_timeout_max=0.6),
        store=StoreConfig(request_timeout=request_timeout),
        apps=AppsConfig(
            servers=tuple(AppServerConfig(f"app{i}", recipe=recipe, ttl=ttl)
                          for i in range(1, servers + 1)),
            kubernetes=K8S,
            zookeeper=ZooKeeperConfig(tick_time=0.5, session_timeout=ttl),
            provider=ProviderConfig(protection=protection),
            job=JobConfig(contracts=contracts, month=month, check_interval=check_interval),
        ),
    )


def handover_bound(recipe: str) -> float:
    """The longest a crashed leader's successor may take: the lease's time and some slack."""
    if recipe == "kubernetes":
        worst_retry = K8S.retry_period * (1 + K8S.jitter)
        return K8S.lease_duration + 2 * worst_retry + 0.5
    return TTL + 1.0


def roles(sim: Simulation) -> list[AppRole]:
    """Every app.role event so far."""
    return [e for e in sim.trace if isinstance(e, AppRole)]


def leader_changes_after(sim: Simulation, t: float) -> list[AppRole]:
    """app.role leader=true events at or after ``t``."""
    return [e for e in roles(sim) if e.leader and e.t >= t]


def run_until(sim: Simulation, limit: float, done: Callable[[], bool], step: float = 0.05) -> None:
    """Advance in small steps until ``done()`` or ``limit``; fail if ``limit`` is reached."""
    while not done():
        assert sim.now < limit, f"condition not reached by {limit} s"
        sim.run_until(min(limit, sim.now + step))


def settled_leader(sim: Simulation, until: float = 3.0) -> str:
    """Run until ``until``; the one server leading then (exactly one must believe it)."""
    sim.run_until(until)
    leaders = [s for s in sorted(sim.app_hosts) if sim.app_hosts[s].leading]
    assert len(leaders) == 1, f"expected one app leader at {until} s, got {leaders}"
    return leaders[0]


def next_leader(sim: Simulation, after: float, limit: float) -> AppRole:
    """Run until some server takes over at or after ``after``; its app.role event."""
    run_until(sim, limit, lambda: bool(leader_changes_after(sim, after)))
    return leader_changes_after(sim, after)[0]


def server_of(client: str) -> str:
    """The app server a store client belongs to (``app3.1`` after a restart is app3's)."""
    return client.split(".", 1)[0]


def invokes_between(events: list[Event], start: float, end: float,
                    skip_ops: tuple[str, ...] = ("lease_keepalive",)) -> dict[str, int]:
    """Store requests started in [start, end), per app server (keepalives left out)."""
    counts: dict[str, int] = {}
    for event in events:
        if isinstance(event, KvInvoke) and start <= event.t < end and event.op not in skip_ops:
            server = server_of(event.client)
            counts[server] = counts.get(server, 0) + 1
    return counts


def revokes(sim: Simulation, reason: str) -> list[LeaseRevoke]:
    """lease.revoke events with ``reason`` ("revoked" or "expired")."""
    return [e for e in sim.trace if isinstance(e, LeaseRevoke) and e.reason == reason]
